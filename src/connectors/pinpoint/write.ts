/**
 * Writing to Pinpoint: a result link becomes a comment on an application (`POST /comments`,
 * `commentable` = the application) and its attributes become custom attributes on the custom
 * fields named "<prefix> <key>"; a file becomes a candidate document (`documents_base64` on
 * `PUT /candidates/{id}`); files are listed from the candidate and its applications
 * (`extra_fields[...]=attachments`) and served through atsgate's signed URLs.
 */
import { isIP } from 'node:net';
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { downloadDataUrl, isPrivateAddress } from '../../http/download.ts';
import { candidateOf, filesOfApplication, onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBytes, contentTypeFromName } from '../helpers/files.ts';
import { attributeFields, currentApplications, resultNoteText, warn } from '../helpers/result-link.ts';
import { secondaryStep } from '../helpers/secondary.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  NoteInput,
  RemoteAttachment,
  RemoteCustomField,
  RejectInput,
  RemoteFields,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import {
  Included,
  pinpointBaseUrl,
  pinpointClient,
  pinpointPages,
  relId,
  relIds,
  sendDocument,
  type JsonApiDocument,
  type PinpointContext,
  type Resource,
} from './client.ts';
import { REJECTION_CONTEXT, stagesOf } from './read.ts';

const TOOL = 'Pinpoint';
const seg = encodeURIComponent;

/** Only remote_fields.pinpoint is Pinpoint's; say so for any sent for another ATS. */
function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'pinpoint' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

// --------------------------------------------------------------------------------------------
// Comments
// --------------------------------------------------------------------------------------------

/**
 * `POST /comments`: `body_text` (plain text) and the polymorphic `commentable` relationship, an
 * application here. Pinpoint writes every API comment as the company's system user and notifies
 * the relevant users ("New Comment Received"), which is what a result should do.
 */
async function comment(client: HttpClient, applicationId: string, text: string): Promise<void> {
  await sendDocument(
    client,
    'POST',
    'comments',
    {
      data: {
        type: 'comments',
        attributes: { body_text: text },
        relationships: { commentable: { data: { type: 'applications', id: applicationId } } },
      },
    },
    { notFound: `application ${applicationId}` },
  );
}

// --------------------------------------------------------------------------------------------
// Custom fields and custom attributes
// --------------------------------------------------------------------------------------------

/** Where a set of custom attributes goes: the JSON:API type of the owner and the custom fields' `resource_type`. */
interface AttributeOwner {
  type: 'applications' | 'candidates';
  resourceType: 'application' | 'candidate';
  id: string;
}

/** Custom field definitions (`GET /custom_fields`), every resource type. */
async function customFields(client: HttpClient): Promise<Resource[]> {
  const out: Resource[] = [];
  for await (const pages of pinpointPages(client, 'custom_fields')) for (const p of pages) out.push(...p.resources);
  return out;
}

const MODEL: Record<string, RemoteCustomField['model']> = { candidate: 'ats_candidates', application: 'ats_applications' };

/** GET /custom_fields as atsgate's custom field definitions: the candidate and application ones. */
export async function listCustomFields(ctx: PinpointContext): Promise<RemoteCustomField[]> {
  return (await customFields(pinpointClient(ctx))).flatMap((f) => {
    const model = MODEL[String(f.attributes?.resource_type ?? '')];
    return model ? [{ remote_id: String(f.id), name: String(f.attributes?.name ?? f.id), model }] : [];
  });
}

/**
 * The value attribute for a field type. `varchar_value` is Pinpoint's documented example
 * (put-candidate); `text_value` follows the same `<field_type>_value` naming for the long text
 * type (README, unconfirmed: a refusal is a warning, the comment holds the value anyway). Other
 * field types (numbers, dates, booleans, selects, users) cannot hold a free-text result.
 */
export function valueAttribute(fieldType: string, value: string): string | null {
  if (fieldType === 'varchar') return value.length <= 255 ? 'varchar_value' : null;
  if (fieldType === 'text') return 'text_value';
  return null;
}

function findField(fields: Resource[], name: string): Resource | undefined {
  const wanted = name.trim();
  const nameOf = (f: Resource) => String(f.attributes?.name ?? '').trim();
  return fields.find((f) => nameOf(f) === wanted) ?? fields.find((f) => nameOf(f).toLowerCase() === wanted.toLowerCase());
}

/**
 * Sets each attribute on the owner's custom field of the same name, as a secondary step: the
 * comment carries every attribute, so a missing field or a refusal costs only that field.
 * New values: `POST /custom_attributes` (custom_field + custom_attributable). Values the owner
 * already has: `PUT /{owner}/{id}` with the attribute side-posted as `method: "update"`, the
 * form Pinpoint documents for candidates (put-candidate).
 */
async function writeCustomAttributes(
  client: HttpClient,
  owner: AttributeOwner,
  attributes: [string, string][],
  failures: string[],
): Promise<{ written: string[]; skipped: string[] }> {
  const listed = await secondaryStep(failures, 'Reading the Pinpoint custom fields', () => customFields(client), {
    fallback: 'The attributes are in the comment only.',
  });
  if (!listed.ok) return { written: [], skipped: [] };
  const fields = listed.value!.filter((f) => f.attributes?.resource_type === owner.resourceType);

  const written: string[] = [];
  const skipped: string[] = [];
  const plan: { name: string; field: Resource; attr: string; value: string }[] = [];
  for (const [name, value] of attributes) {
    const field = findField(fields, name);
    if (!field) {
      skipped.push(`"${name}" (no ${owner.resourceType} custom field with that name)`);
      continue;
    }
    const fieldType = String(field.attributes?.field_type ?? '');
    const attr = valueAttribute(fieldType, value);
    if (!attr) {
      skipped.push(`"${name}" (a ${fieldType || 'typeless'} field cannot hold this value)`);
      continue;
    }
    plan.push({ name, field, attr, value });
  }
  if (!plan.length) return { written, skipped };

  const existing = await secondaryStep(
    failures,
    `Reading the custom attributes of ${owner.resourceType} ${owner.id}`,
    () => existingAttributes(client, owner),
    { fallback: 'The attributes are in the comment only.' },
  );
  if (!existing.ok) return { written, skipped };

  for (const { name, field, attr, value } of plan) {
    const attributeId = existing.value!.get(String(field.id));
    const step = await secondaryStep(
      failures,
      `Setting the Pinpoint custom field "${name}"`,
      () =>
        attributeId
          ? sendDocument(client, 'PUT', `${owner.type}/${seg(owner.id)}`, {
              data: {
                id: owner.id,
                type: owner.type,
                relationships: { custom_attributes: { data: [{ type: 'custom_attributes', id: attributeId, method: 'update' }] } },
              },
              included: [{ type: 'custom_attributes', id: attributeId, attributes: { [attr]: value } }],
            })
          : sendDocument(client, 'POST', 'custom_attributes', {
              data: {
                type: 'custom_attributes',
                attributes: { [attr]: value },
                relationships: {
                  custom_field: { data: { type: 'custom_fields', id: String(field.id) } },
                  custom_attributable: { data: { type: owner.type, id: owner.id } },
                },
              },
            }),
      { fallback: 'The value is in the comment only.' },
    );
    if (step.ok) written.push(name);
  }
  return { written, skipped };
}

/** The owner's custom attributes, by custom field id (`include=custom_attributes.custom_field`). */
async function existingAttributes(client: HttpClient, owner: AttributeOwner): Promise<Map<string, string>> {
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `${owner.type}/${seg(owner.id)}`,
    query: { include: 'custom_attributes.custom_field' },
    notFound: `${owner.resourceType} ${owner.id}`,
  });
  const included = new Included(res.data?.included);
  const out = new Map<string, string>();
  for (const id of relIds(res.data.data, 'custom_attributes')) {
    const attribute = included.get('custom_attributes', id);
    const fieldId = (attribute && relId(attribute, 'custom_field')) ?? attribute?.attributes?.custom_field_id;
    if (fieldId !== undefined && fieldId !== null) out.set(String(fieldId), id);
  }
  return out;
}

// --------------------------------------------------------------------------------------------
// Result links
// --------------------------------------------------------------------------------------------

async function resultLink(
  ctx: PinpointContext,
  owner: AttributeOwner,
  applicationIds: string[],
  link: ResultLinkInput,
  warnings: string[],
): Promise<WriteResult> {
  const client = pinpointClient(ctx);
  warnings.push(...ignoredRemoteFields(link.remote_fields));
  const failures: string[] = [];
  // Custom attributes first: they are upserts, so a retry after a failed comment repeats nothing.
  const attributes = Object.entries(attributeFields(link));
  if (attributes.length) {
    const { written, skipped } = await writeCustomAttributes(client, owner, attributes, failures);
    if (written.length) warnings.push(warn.customFields(TOOL, written));
    if (skipped.length) warnings.push(`${warn.attributesAsNote(TOOL)} Not written to custom fields: ${skipped.join(', ')}.`);
  }
  const text = resultNoteText(link);
  for (const id of applicationIds) await comment(client, id, text);
  return { warnings: [warn.note(TOOL, 'application (as a comment)'), ...warnings, ...failures] };
}

export async function addApplicationResultLink(
  ctx: PinpointContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const owner: AttributeOwner = { type: 'applications', resourceType: 'application', id: application.remote_id };
  return resultLink(ctx, owner, [application.remote_id], link, []);
}

/**
 * Comments belong to an application or a job seeker, not to a candidate: the comment goes to
 * each of the candidate's current applications; the attributes go to the candidate's own
 * custom fields.
 */
export async function addCandidateResultLink(ctx: PinpointContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const targets = currentApplications(candidate);
  if (!targets.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Candidate ${candidate.remote_id} has no application in Pinpoint, and Pinpoint keeps comments on applications.`,
    );
  }
  const owner: AttributeOwner = { type: 'candidates', resourceType: 'candidate', id: candidate.remote_id };
  return resultLink(
    ctx,
    owner,
    targets.map((a) => a.remote_id),
    link,
    [warn.fannedOut(TOOL, targets.length)],
  );
}

// --------------------------------------------------------------------------------------------
// Notes
// --------------------------------------------------------------------------------------------

export async function addApplicationNote(ctx: PinpointContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await comment(pinpointClient(ctx), application.remote_id, note.content);
  return { warnings: ignoredRemoteFields(note.remote_fields) };
}

// --------------------------------------------------------------------------------------------
// Attachments
// --------------------------------------------------------------------------------------------

/**
 * `PUT /candidates/{id}` with `documents_base64: [{ filename, data }]`. Pinpoint documents the
 * array and that an entry lacking one of its two fields "will not be saved" (silently); the
 * field names are those of its application CV upload (`cv_base64_filename`, `cv_base64_data`)
 * without the prefix (README, unconfirmed). So the file is looked for afterwards: an answer that
 * saved nothing is an error, not a success.
 */
export async function addCandidateAttachment(
  ctx: PinpointContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const client = pinpointClient(ctx);
  const id = candidate.remote_id;
  const warnings = ignoredRemoteFields(attachment.remote_fields);
  const before = await candidateFiles(ctx, client, id);
  const data = (await attachmentBytes(attachment)).toString('base64');
  await sendDocument(
    client,
    'PUT',
    `candidates/${seg(id)}`,
    { data: { id, type: 'candidates', attributes: { documents_base64: [{ filename: attachment.name, data }] } } },
    { notFound: `candidate ${id}`, redactBody: true },
  );
  const after = await candidateFiles(ctx, client, id);
  if (after.listed && before.listed) {
    const seen = new Set(before.files.map((f) => f.remote_id));
    if (!after.files.some((f) => !seen.has(f.remote_id) && f.file_name === attachment.name)) {
      throw new AtsgateError(
        'REMOTE.INPUT_INVALID',
        `Pinpoint accepted the document for candidate ${id} but did not save it (it is not among the candidate's attachments).`,
      );
    }
  } else {
    warnings.push("Pinpoint did not list the candidate's attachments, so whether the document was saved could not be checked.");
  }
  if (attachment.type !== 'OTHER') {
    warnings.push(
      `Pinpoint candidate documents have no document type; the ${attachment.type === 'CV' ? 'CV' : 'cover letter'} was added as a document on the candidate.`,
    );
  }
  return { warnings };
}

interface PinpointFile {
  id: string;
  name: string;
  url: string | null;
  contentType: string | null;
  kind: string;
  createdAt: string | null;
}

/**
 * The `attachments` extra field. Pinpoint documents how to ask for it, not its shape, so every
 * plausible spelling is read (`filename`/`file_name`/`name`, `url`/`file_url`/`download_url`).
 */
export function filesOf(resource: Resource | undefined): PinpointFile[] {
  const list = resource?.attributes?.attachments;
  if (!Array.isArray(list)) return [];
  return list.flatMap((f: any, index: number) => {
    if (!f || typeof f !== 'object') return [];
    const name = f.filename ?? f.file_name ?? f.name ?? `attachment-${index + 1}`;
    const url = f.url ?? f.file_url ?? f.download_url ?? null;
    return [
      {
        id: String(f.id ?? index),
        name: String(name),
        url: typeof url === 'string' ? url : null,
        contentType: typeof (f.content_type ?? f.mime_type) === 'string' ? (f.content_type ?? f.mime_type) : null,
        kind: String(f.context ?? f.category ?? f.type ?? f.document_type ?? ''),
        createdAt: typeof f.created_at === 'string' ? f.created_at : null,
      },
    ];
  });
}

/** Pinpoint's own label for a file (its `context`/`category`), when it says CV or cover letter. */
function typeOf(kind: string): AttachmentType {
  const k = kind.toLowerCase();
  if (/cover/.test(k)) return 'COVER_LETTER';
  if (/\b(cv|resume|résumé)\b/.test(k)) return 'CV';
  return 'OTHER';
}

type Owner = 'candidates' | 'applications';

async function ownerWithFiles(client: HttpClient, owner: Owner, id: string, accept400: boolean): Promise<Resource | null> {
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `${owner}/${seg(id)}`,
    query: { [`extra_fields[${owner}]`]: 'attachments' },
    notFound: `${owner === 'candidates' ? 'candidate' : 'application'} ${id}`,
    accept: accept400 ? [400] : undefined,
  });
  return res.status === 400 ? null : (res.data?.data ?? null);
}

function toRemote(ctx: PinpointContext, owner: Owner, ownerId: string, f: PinpointFile): RemoteAttachment {
  return {
    remote_id: `${owner === 'candidates' ? 'c' : 'a'}${ownerId}-${f.id}`,
    application_remote_id: owner === 'applications' ? ownerId : null,
    type: typeOf(f.kind),
    file_name: f.name,
    content_type: f.contentType ?? contentTypeFromName(f.name),
    data_url: ctx.signedFileUrl(`${owner}:${ownerId}:${f.id}`),
    remote_created_at: f.createdAt,
  };
}

/**
 * The candidate's own documents (`extra_fields[candidates]=attachments`; the documented form is
 * the application's, so a 400 here means "not listable" rather than an error).
 */
async function candidateFiles(
  ctx: PinpointContext,
  client: HttpClient,
  candidateId: string,
): Promise<{ listed: boolean; files: RemoteAttachment[] }> {
  const resource = await ownerWithFiles(client, 'candidates', candidateId, true);
  if (!resource) return { listed: false, files: [] };
  return { listed: true, files: filesOf(resource).map((f) => toRemote(ctx, 'candidates', candidateId, f)) };
}

/** The candidate's documents plus those of each of its applications (CVs arrive with the application). */
export async function listCandidateAttachments(
  ctx: PinpointContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = pinpointClient(ctx);
  const own = await candidateFiles(ctx, client, candidate.remote_id);
  const attachments = [...own.files];
  for (const app of candidate.applications) {
    const resource = await ownerWithFiles(client, 'applications', app.remote_id, false);
    attachments.push(...filesOf(resource ?? undefined).map((f) => toRemote(ctx, 'applications', app.remote_id, f)));
  }
  const warnings = own.listed ? [] : ["Pinpoint did not list the candidate's own documents; only its applications' files are listed."];
  return { attachments, warnings };
}

/** Files up to this size are served back from Pinpoint (reads are not bound by the upload limit). */
const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/**
 * Serves `<candidates|applications>:<id>:<fileId>`: the owner is re-read (Pinpoint's file URLs
 * may be short-lived) and the file fetched from the URL it names. The API key goes only to
 * Pinpoint's own API origin; any other host gets no credentials.
 */
export async function downloadAttachment(
  ctx: PinpointContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [owner, ownerId, fileId] = ref.split(':');
  if ((owner !== 'candidates' && owner !== 'applications') || !ownerId || fileId === undefined) throw unknownFile(ref);
  const client = pinpointClient(ctx);
  const resource = await ownerWithFiles(client, owner, ownerId, false);
  const file = filesOf(resource ?? undefined).find((f) => f.id === fileId);
  if (!file?.url) throw unknownFile(ref);
  const base = pinpointBaseUrl(ctx);
  const url = new URL(file.url, base);
  if (url.origin === new URL(base).origin) {
    const res = await client.request<Buffer>({ method: 'GET', path: url.toString(), responseType: 'buffer', notFound: `file ${fileId}` });
    return {
      content_type: res.headers['content-type']?.split(';')[0] || file.contentType || contentTypeFromName(file.name),
      file_name: file.name,
      data: res.data,
    };
  }
  const host = new URL(base).hostname.replace(/^\[|\]$/g, '');
  const allowPrivate = host === 'localhost' || (isIP(host) !== 0 && isPrivateAddress(host));
  try {
    const got = await downloadDataUrl(url.toString(), { maxBytes: MAX_DOWNLOAD_BYTES, timeoutMs: 60_000, allowPrivate });
    try {
      return {
        content_type: got.contentType ?? file.contentType ?? contentTypeFromName(file.name),
        file_name: file.name,
        data: await got.file.read(),
      };
    } finally {
      await got.file.dispose();
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^attachment\.data_url:?\s*/, '') : String(err);
    throw new AtsgateError('REMOTE.SERVICE_UNAVAILABLE', `Pinpoint's file ${file.name} could not be downloaded: ${detail}`, { cause: err });
  }
}

const unknownFile = (ref: string) => new AtsgateError('PLATFORM.INPUT_INVALID', `Pinpoint file "${ref}" was not found.`, { status: 404 });

// Documents added through the API belong to the candidate; an application's file goes there, with a warning.
export const addApplicationAttachment = onCandidateFallback(TOOL, {
  addCandidateAttachment,
  listCandidateAttachments,
}).addApplicationAttachment;

/**
 * The application's own files (its CV and other files it came with) plus its candidate's
 * documents, where files added for the application land; a warning says when those are included.
 */
export async function listApplicationAttachments(
  ctx: PinpointContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const { attachments, warnings } = await listCandidateAttachments(ctx, candidateOf(application));
  if (attachments.some((a) => a.application_remote_id === null)) {
    warnings.push(
      `Pinpoint keeps files on the candidate when they are added through its API; the documents of candidate ${application.candidate_remote_id} ` +
        `are listed with the files of application ${application.remote_id}.`,
    );
  }
  return { attachments: filesOfApplication(attachments, application), warnings };
}

// --------------------------------------------------------------------------------------------
// Stage moves and rejections
// --------------------------------------------------------------------------------------------

/** `PUT /applications/{id}` with only `relationships.stage` ([PP-OAS] `applications_relationships_put`, [PP-PUTAPP]). */
async function setStage(client: HttpClient, applicationId: string, stageId: string): Promise<void> {
  await sendDocument(
    client,
    'PUT',
    `applications/${seg(applicationId)}`,
    { data: { id: applicationId, type: 'applications', relationships: { stage: { data: { type: 'stages', id: stageId } } } } },
    { notFound: `application ${applicationId}` },
  );
}

export async function moveApplicationToStage(
  ctx: PinpointContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  await setStage(pinpointClient(ctx), application.remote_id, move.stage.remote_id);
  return { warnings: ignoredRemoteFields(move.remote_fields) };
}

/** The job's first stage (by position) whose `basic_type` is "rejected", read live (`GET /jobs/{id}?include=stages`). */
async function rejectedStageOf(client: HttpClient, application: ApplicationRef): Promise<Resource> {
  let jobId = application.job_remote_id;
  if (!jobId) {
    const res = await client.request<JsonApiDocument<Resource>>({
      method: 'GET',
      path: `applications/${seg(application.remote_id)}`,
      query: { include: 'job' },
      notFound: `application ${application.remote_id}`,
    });
    const app = res.data?.data;
    jobId = (app && relId(app, 'job')) ?? (app?.attributes?.job_id != null ? String(app.attributes.job_id) : null);
  }
  if (!jobId) throw new AtsgateError('REMOTE.INPUT_INVALID', `Pinpoint names no job for application ${application.remote_id}.`);
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `jobs/${seg(jobId)}`,
    query: { include: 'stages' },
    notFound: `job ${jobId}`,
  });
  const stage = stagesOf(res.data.data, new Included(res.data?.included)).find(
    (s) => String(s.attributes?.basic_type ?? '').toLowerCase() === 'rejected',
  );
  if (!stage) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Pinpoint job ${jobId} has no stage in the Rejected group of its hiring workflow, so application ${application.remote_id} cannot be rejected.`,
    );
  }
  return stage;
}

/**
 * A rejection in Pinpoint is a move to the job's stage of the Rejected group ([PP-OAS] stage
 * `basic_type: rejected`; the application's `rejected_at` follows) with the reason as an
 * application tag of context "rejection" ([PP-PUTAPP] `add_tags_with_context`). The move is the
 * primary write; the reason tag and the note (a comment) are secondary steps, each a warning
 * when refused, so a rejection that reached Pinpoint is never reported as a failure.
 */
export async function rejectApplication(ctx: PinpointContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const client = pinpointClient(ctx);
  const warnings = ignoredRemoteFields(reject.remote_fields);
  const stage = await rejectedStageOf(client, application);
  await setStage(client, application.remote_id, String(stage.id));
  const reason = reject.reason.name ?? reject.reason.remote_id;
  await secondaryStep(
    warnings,
    `Adding the rejection reason "${reason}" to Pinpoint application ${application.remote_id}`,
    () =>
      sendDocument(
        client,
        'PUT',
        `applications/${seg(application.remote_id)}`,
        {
          data: {
            id: application.remote_id,
            type: 'applications',
            attributes: { add_tags_with_context: [{ tag: reason, context: REJECTION_CONTEXT }] },
          },
        },
        { notFound: `application ${application.remote_id}` },
      ),
    { fallback: 'The application was moved to the rejected stage without a reason.' },
  );
  if (reject.note?.trim()) {
    const note = reject.note;
    await secondaryStep(warnings, `Adding the rejection note to Pinpoint application ${application.remote_id}`, () =>
      comment(client, application.remote_id, note),
    );
  }
  return { warnings };
}
