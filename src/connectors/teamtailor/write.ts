/**
 * Writes: result links become a candidate note (+ existing candidate custom fields for the
 * attributes); attachments become candidate uploads, which Teamtailor only accepts as a URL it
 * downloads itself, so we hand it a signed atsgate URL and serve the bytes via downloadAttachment.
 */
import { isIP } from 'node:net';
import { AtsgateError } from '../../errors.ts';
import { downloadDataUrl, isPrivateAddress } from '../../http/download.ts';
import type { HttpClient } from '../../http/client.ts';
import { attributeFields, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  CandidateRef,
  NoteInput,
  PageStream,
  RejectInput,
  RemoteAttachment,
  RemoteCustomField,
  RemoteFields,
  RemoteRejectionReason,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { applicationWarn, onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBytes, contentTypeFromName as contentTypeFor } from '../helpers/files.ts';
import {
  Included,
  relId,
  relIds,
  sendDocument,
  teamtailorAll,
  teamtailorBaseUrl,
  teamtailorClient,
  teamtailorPages,
  type JsonApiDocument,
  type Resource,
  type TeamtailorContext,
} from './client.ts';
import { relatedPath } from './related.ts';
import { secondaryStep } from '../helpers/secondary.ts';

const TOOL = 'Teamtailor';
const seg = encodeURIComponent;

// --------------------------------------------------------------------------------------------
// Result links
// --------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: TeamtailorContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return addResultLink(ctx, candidate.remote_id, link, []);
}

/** Teamtailor notes and custom field values belong to the candidate, never to an application. */
export async function addApplicationResultLink(
  ctx: TeamtailorContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return addResultLink(ctx, application.candidate_remote_id, link, [warn.onCandidate(TOOL)]);
}

async function addResultLink(ctx: TeamtailorContext, candidateId: string, link: ResultLinkInput, warnings: string[]): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  warnings.push(...ignoredRemoteFields(link.remote_fields));
  // Reading the candidate first turns an unknown id into a clear 404 and gives us its current
  // custom field values (a second POST for the same field would be rejected).
  const { candidate, included } = await loadCandidate(client, candidateId);
  const author = await noteAuthor(ctx, client, link.remote_fields, warnings);

  // Custom fields are the secondary step (helpers/secondary.ts): every attribute is in the note
  // anyway, so a refused field costs only that field. They run first because they are upserts:
  // a retry after a failed note repeats nothing.
  const attributes = Object.entries(attributeFields(link));
  const failures: string[] = [];
  if (attributes.length) {
    const { written, skipped } = await writeAttributeFields(client, candidate, included, attributes, failures);
    if (written.length) warnings.push(warn.customFields(TOOL, written));
    if (skipped.length) warnings.push(`${warn.attributesAsNote(TOOL)} Not written to custom fields: ${skipped.join(', ')}.`);
  }

  await sendDocument(client, 'POST', 'notes', {
    data: {
      type: 'notes',
      attributes: { note: resultNoteText(link) },
      relationships: {
        candidate: { data: { id: candidateId, type: 'candidates' } },
        user: { data: { id: author, type: 'users' } },
      },
    },
  });
  return { warnings: [warn.note(TOOL, 'candidate'), ...warnings, ...failures] };
}

async function loadCandidate(client: HttpClient, candidateId: string): Promise<{ candidate: Resource; included: Included }> {
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `candidates/${seg(candidateId)}`,
    query: { include: 'custom-field-values.custom-field' },
    notFound: `candidate ${candidateId}`,
  });
  return { candidate: res.data.data, included: new Included(res.data.included) };
}

/**
 * Notes need an author. The call's remote_fields.teamtailor.user_id wins, then the integration's
 * default_user_id; failing both, the first admin user, which is a fallback and says so.
 */
async function noteAuthor(ctx: TeamtailorContext, client: HttpClient, remoteFields: RemoteFields, warnings: string[]): Promise<string> {
  const fromCall = remoteFields.teamtailor?.user_id;
  if (typeof fromCall === 'string' && fromCall.trim()) return fromCall.trim();
  if (typeof fromCall === 'number') return String(fromCall);
  if (ctx.credentials.default_user_id) return ctx.credentials.default_user_id;

  const cacheKey = 'teamtailor:first-admin-user';
  let admin = ctx.cache.get(cacheKey) as { id: string; name: string } | undefined;
  if (!admin) {
    for await (const pages of teamtailorPages(client, 'users')) {
      const found = pages.flatMap((p) => p.resources).find((u) => u.attributes.role === 'admin');
      if (found) {
        admin = { id: found.id, name: String(found.attributes.name ?? found.attributes.email ?? found.id) };
        break;
      }
    }
    if (!admin) {
      throw new AtsgateError(
        'PLATFORM.INPUT_INVALID',
        'Teamtailor notes need an author and this account has no admin user to fall back to: pass remote_fields.teamtailor.user_id.',
      );
    }
    ctx.cache.set(cacheKey, admin);
  }
  warnings.push(
    `Teamtailor notes need an author and none was given (remote_fields.teamtailor.user_id); the note was written as ${admin.name} (user ${admin.id}), the first admin user.`,
  );
  return admin.id;
}

/** The candidate custom fields (`owner-type` Candidate, or none given). */
async function candidateCustomFields(client: HttpClient): Promise<Resource[]> {
  return (await teamtailorAll(client, 'custom-fields')).resources.filter((f) => {
    const owner = f.attributes['owner-type'];
    return owner === undefined || owner === null || owner === 'Candidate';
  });
}

/** GET /custom-fields as custom field definitions (the same list result links search). */
export async function listCustomFields(ctx: TeamtailorContext): Promise<RemoteCustomField[]> {
  return (await candidateCustomFields(teamtailorClient(ctx))).map((f) => ({
    remote_id: f.id,
    name: String(f.attributes['name'] ?? f.id),
    model: 'ats_candidates' as const,
  }));
}

/**
 * Sets each attribute on the candidate custom field of the same name. Teamtailor requires the
 * field to exist (we never create fields) and validates values by field type, so a field whose
 * type cannot hold the value is skipped, and one Teamtailor refuses is reported in `failures`:
 * neither fails the call.
 */
async function writeAttributeFields(
  client: HttpClient,
  candidate: Resource,
  included: Included,
  attributes: [string, string][],
  failures: string[],
): Promise<{ written: string[]; skipped: string[] }> {
  const listed = await secondaryStep(failures, 'Reading the Teamtailor custom fields', () => candidateCustomFields(client), {
    fallback: 'The attributes are in the note only.',
  });
  if (!listed.ok) return { written: [], skipped: [] };
  const fields = listed.value!;
  const valueIdByField = new Map<string, string>();
  for (const valueId of relIds(candidate, 'custom-field-values')) {
    const fieldId = relId(included.get('custom-field-values', valueId) ?? ({} as Resource), 'custom-field');
    if (fieldId) valueIdByField.set(fieldId, valueId);
  }

  const written: string[] = [];
  const skipped: string[] = [];
  for (const [name, value] of attributes) {
    const field = findField(fields, name);
    if (!field) {
      skipped.push(`"${name}" (no candidate custom field with that name)`);
      continue;
    }
    const fieldType = String(field.attributes['field-type'] ?? '');
    if (!acceptsValue(fieldType, value)) {
      skipped.push(`"${name}" (a ${fieldType} field cannot hold this value)`);
      continue;
    }
    const existing = valueIdByField.get(field.id);
    const step = await secondaryStep(
      failures,
      `Setting the Teamtailor custom field "${name}"`,
      () =>
        existing
          ? sendDocument(client, 'PATCH', `custom-field-values/${seg(existing)}`, {
              data: { id: existing, type: 'custom-field-values', attributes: { value } },
            })
          : sendDocument(client, 'POST', 'custom-field-values', {
              data: {
                type: 'custom-field-values',
                attributes: { value },
                relationships: {
                  'custom-field': { data: { id: field.id, type: 'custom-fields' } },
                  owner: { data: { id: candidate.id, type: 'candidates' } },
                },
              },
            }),
      { fallback: 'The value is in the note only.' },
    );
    if (step.ok) written.push(name);
  }
  return { written, skipped };
}

/** Exact name first; people do not always match the case of the prefix. */
function findField(fields: Resource[], name: string): Resource | undefined {
  const wanted = name.trim();
  return (
    fields.find((f) => String(f.attributes.name ?? '').trim() === wanted) ??
    fields.find(
      (f) =>
        String(f.attributes.name ?? '')
          .trim()
          .toLowerCase() === wanted.toLowerCase(),
    )
  );
}

/** What each documented field type accepts; select fields need option ids, which we do not have. */
export function acceptsValue(fieldType: string, value: string): boolean {
  switch (fieldType) {
    case 'CustomField::Text':
      return true;
    case 'CustomField::Url':
      return /^https?:\/\/\S+$/i.test(value);
    case 'CustomField::Email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
    case 'CustomField::Number':
      return /^-?\d+(\.\d+)?$/.test(value.trim());
    case 'CustomField::Phone':
      return /^\+?\d+$/.test(value.replace(/[\s-]/g, ''));
    case 'CustomField::Date':
      return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
    case 'CustomField::Checkbox':
      return value === 'true' || value === 'false';
    default:
      return false;
  }
}

// --------------------------------------------------------------------------------------------
// Attachments
// --------------------------------------------------------------------------------------------

/** How long Teamtailor may take to fetch a published file (it may download in the background). */
const PUBLISHED_TTL_MS = 60 * 60 * 1000;

export async function addCandidateAttachment(
  ctx: TeamtailorContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  const candidateId = candidate.remote_id;
  const warnings = ignoredRemoteFields(attachment.remote_fields);
  await client.request({ method: 'GET', path: `candidates/${seg(candidateId)}`, notFound: `candidate ${candidateId}` });

  // Teamtailor fetches the file from a URL: atsgate publishes the bytes for an hour.
  const url = await ctx.publishFile(
    { data: await attachmentBytes(attachment), content_type: attachment.content_type, file_name: attachment.name },
    PUBLISHED_TTL_MS,
  );
  await sendDocument(
    client,
    'POST',
    'uploads',
    {
      data: {
        type: 'uploads',
        attributes: { url, 'file-name': attachment.name },
        relationships: { candidate: { data: { id: candidateId, type: 'candidates' } } },
      },
    },
    // The URL carries a signed token.
    { redactBody: true },
  );
  if (attachment.type !== 'OTHER') {
    const what = attachment.type === 'CV' ? 'CV' : 'cover letter';
    warnings.push(
      `Teamtailor uploads have no document type; the ${what} was added as a file on the candidate (the candidate's resume was not replaced).`,
    );
  }
  return { warnings };
}

/**
 * The candidate's uploads plus its resume. Teamtailor's file URLs are signed for 30 s to 1 min,
 * so we hand out our own signed URLs and fetch a fresh Teamtailor URL on each download.
 */
export async function listCandidateAttachments(
  ctx: TeamtailorContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = teamtailorClient(ctx);
  const candidateId = candidate.remote_id;
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `candidates/${seg(candidateId)}`,
    notFound: `candidate ${candidateId}`,
  });
  const attachments: RemoteAttachment[] = [];
  if (res.data.data.attributes.resume) {
    attachments.push({
      remote_id: `resume-${candidateId}`,
      application_remote_id: null,
      type: 'CV',
      // Teamtailor's `resume` is the PDF rendition of the candidate's CV.
      file_name: 'resume.pdf',
      content_type: 'application/pdf',
      data_url: ctx.signedFileUrl(`resume:${candidateId}`),
      remote_updated_at: res.data.data.attributes['updated-at'] ?? null,
    });
  }
  // `GET /uploads` filters by job only; the candidate's related link lists its uploads (related.ts).
  const uploads = await teamtailorAll(
    client,
    relatedPath(res.data.data, 'uploads', teamtailorBaseUrl(ctx)),
    {},
    `candidate ${candidateId}`,
  );
  for (const u of uploads.resources) {
    const name = String(u.attributes['file-name'] ?? `upload-${u.id}`);
    attachments.push({
      remote_id: u.id,
      application_remote_id: null,
      // Uploads carry no type; anything that is not the resume reads back as OTHER.
      type: 'OTHER',
      file_name: name,
      content_type: contentTypeFor(name),
      data_url: ctx.signedFileUrl(`upload:${u.id}`),
      remote_created_at: u.attributes['created-at'] ?? null,
      remote_updated_at: u.attributes['updated-at'] ?? null,
    });
  }
  return { attachments, warnings: [] };
}

/**
 * Serves two kinds of ref: `upload:<id>` and `resume:<candidateId>`, read from Teamtailor
 * through a fresh signed URL (Teamtailor's own links expire within a minute).
 */
export async function downloadAttachment(
  ctx: TeamtailorContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const colon = ref.indexOf(':');
  const kind = colon > 0 ? ref.slice(0, colon) : '';
  const id = colon > 0 ? ref.slice(colon + 1) : '';
  if (!id) throw unknownFile(ref);

  const client = teamtailorClient(ctx);
  if (kind === 'upload') {
    const res = await client.request<JsonApiDocument<Resource>>({ method: 'GET', path: `uploads/${seg(id)}`, notFound: `upload ${id}` });
    const name = String(res.data.data.attributes['file-name'] ?? `upload-${id}`);
    const file = await fetchSignedFile(ctx, res.data.data.attributes.url, `upload ${id}`);
    return { content_type: file.contentType ?? contentTypeFor(name), file_name: name, data: file.data };
  }
  if (kind === 'resume') {
    const res = await client.request<JsonApiDocument<Resource>>({
      method: 'GET',
      path: `candidates/${seg(id)}`,
      notFound: `candidate ${id}`,
    });
    const file = await fetchSignedFile(ctx, res.data.data.attributes.resume, `the resume of candidate ${id}`);
    return { content_type: file.contentType ?? 'application/pdf', file_name: 'resume.pdf', data: file.data };
  }
  throw unknownFile(ref);
}

/** Files up to this size are served back from Teamtailor (reads are not bound by the upload limit). */
const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

async function fetchSignedFile(ctx: TeamtailorContext, url: unknown, what: string): Promise<{ data: Buffer; contentType: string | null }> {
  if (typeof url !== 'string' || !url)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `Teamtailor has no file for ${what}.`, { status: 404 });
  // The shared downloader streams bytes (the HttpClient decodes bodies as text). Private
  // addresses are allowed only when the integration itself points at one (a local fake).
  const host = new URL(teamtailorBaseUrl(ctx)).hostname.replace(/^\[|\]$/g, '');
  const allowPrivate = host === 'localhost' || (isIP(host) !== 0 && isPrivateAddress(host));
  try {
    const got = await downloadDataUrl(url, { maxBytes: MAX_DOWNLOAD_BYTES, timeoutMs: 60_000, allowPrivate });
    try {
      return { data: await got.file.read(), contentType: got.contentType };
    } finally {
      await got.file.dispose();
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^attachment\.data_url:?\s*/, '') : String(err);
    throw new AtsgateError('REMOTE.SERVICE_UNAVAILABLE', `Teamtailor's file for ${what} could not be downloaded: ${detail}`, {
      cause: err,
    });
  }
}

const unknownFile = (ref: string) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `Teamtailor file "${ref}" was not found or has expired.`, { status: 404 });

/** Only remote_fields.teamtailor applies here; say so for any sent for another ATS. */
function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'teamtailor' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

// --------------------------------------------------------------------------------------------
// Application notes and files: Teamtailor keeps both on the candidate
// --------------------------------------------------------------------------------------------

/** POST /v1/notes on the application's candidate, written as remote_fields.teamtailor.user_id (else the default author). */
export async function addApplicationNote(ctx: TeamtailorContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  const candidateId = application.candidate_remote_id;
  const warnings = [applicationWarn.noteOnCandidate(TOOL, application), ...ignoredRemoteFields(note.remote_fields)];
  // Read first: an unknown candidate is a clear 404 before anything is written.
  await client.request({ method: 'GET', path: `candidates/${seg(candidateId)}`, notFound: `candidate ${candidateId}` });
  const author = await noteAuthor(ctx, client, note.remote_fields, warnings);
  await sendDocument(client, 'POST', 'notes', {
    data: {
      type: 'notes',
      attributes: { note: note.content },
      relationships: {
        candidate: { data: { id: candidateId, type: 'candidates' } },
        user: { data: { id: author, type: 'users' } },
      },
    },
  });
  return { warnings };
}

const onCandidate = onCandidateFallback(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = onCandidate.addApplicationAttachment;
export const listApplicationAttachments = onCandidate.listApplicationAttachments;

// --------------------------------------------------------------------------------------------
// Stage moves and rejections: PATCH /v1/job-applications/{id}
// --------------------------------------------------------------------------------------------

/**
 * PATCH /v1/job-applications/{id} with the `stage` relationship [TT-DOCS job_applications/_update,
 * _index: relation `stage`]. Teamtailor's stages are per job; the service already checked that
 * this one is the application's job's.
 */
export async function moveApplicationToStage(
  ctx: TeamtailorContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  await sendDocument(teamtailorClient(ctx), 'PATCH', `job-applications/${seg(application.remote_id)}`, {
    data: {
      id: application.remote_id,
      type: 'job-applications',
      relationships: { stage: { data: { id: move.stage.remote_id, type: 'stages' } } },
    },
  });
  return { warnings: ignoredRemoteFields(move.remote_fields) };
}

/**
 * PATCH /v1/job-applications/{id} setting `rejected-at` ("If set, the candidate has been rejected
 * for this job") and the `reject-reason` relationship [TT-DOCS job_applications/_index, _update].
 * The application has no text of its own for the rejection: the note becomes a candidate note
 * written as remote_fields.teamtailor.user_id (else the default author), with a warning.
 */
export async function rejectApplication(ctx: TeamtailorContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  await sendDocument(client, 'PATCH', `job-applications/${seg(application.remote_id)}`, {
    data: {
      id: application.remote_id,
      type: 'job-applications',
      attributes: { 'rejected-at': new Date().toISOString() },
      relationships: { 'reject-reason': { data: { id: reject.reason.remote_id, type: 'reject-reasons' } } },
    },
  });
  const warnings = ignoredRemoteFields(reject.remote_fields);
  if (reject.note) {
    const candidateId = application.candidate_remote_id;
    const done = await secondaryStep(warnings, 'Adding the rejection note to the Teamtailor candidate', async () => {
      const author = await noteAuthor(ctx, client, reject.remote_fields, warnings);
      await sendDocument(client, 'POST', 'notes', {
        data: {
          type: 'notes',
          attributes: { note: reject.note },
          relationships: {
            candidate: { data: { id: candidateId, type: 'candidates' } },
            user: { data: { id: author, type: 'users' } },
          },
        },
      });
    });
    if (done.ok) warnings.push('Teamtailor keeps no text on a rejection; the rejection note was added as a note on the candidate.');
  }
  return { warnings };
}

/** GET /v1/reject-reasons (Admin scope) [TT-DOCS reject_reasons/_list, _index]: `reason`, `rejected-by-company`. */
export async function* readRejectionReasons(ctx: TeamtailorContext): PageStream<RemoteRejectionReason> {
  const all = await teamtailorAll(teamtailorClient(ctx), 'reject-reasons');
  yield all.resources.map((r) => ({
    remote_id: r.id,
    name: (r.attributes.reason as string | undefined) ?? null,
    remote_data: { '/v1/reject-reasons': { id: r.id, ...r.attributes } },
  }));
}
