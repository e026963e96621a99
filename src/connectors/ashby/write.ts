/**
 * Writes: result links, attachments, and listing a candidate's files.
 *
 * Result links: Ashby's native home for them is a completed assessment on the candidate
 * (assessment.addCompletedToCandidate), but that call requires a `partnerId` that Ashby issues
 * only to assessment partners. With one configured we use it; otherwise attributes go to existing
 * custom fields "<prefix> <key>" on the candidate/application and a candidate note carries the
 * label, URL and attributes. Ashby's notes and assessments live on the candidate, so
 * application-level calls land on the application's candidate (custom fields excepted: Ashby has
 * Application custom fields).
 */
import { createHash } from 'node:crypto';
import { FormData } from '../../http/client.ts';
import { attributeFields, customFieldName, resultNoteHtml, warn } from '../helpers/result-link.ts';
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
import { AtsgateError } from '../../errors.ts';
import { secondaryStep } from '../helpers/secondary.ts';
import { applicationWarn, onCandidateFallback } from '../helpers/application-level.ts';
import { ashbyClient, type AshbyClient, type AshbyContext } from './client.ts';
import { fetchCandidate, type AshbyFileHandle } from './read.ts';
import { attachmentBlob, contentTypeFromName as contentTypeOf } from '../helpers/files.ts';

const TOOL = 'Ashby';

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: AshbyContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const warnings = ignoredRemoteFields(link.remote_fields);
  if (ctx.credentials.partner_id) {
    await addCompletedAssessment(api, ctx.credentials.partner_id, candidate.remote_id, link);
    return { warnings };
  }
  await writeFieldsAndNote(api, { objectType: 'Candidate', objectId: candidate.remote_id }, candidate.remote_id, link, warnings);
  warnings.unshift(warn.note(TOOL, 'candidate'));
  return { warnings };
}

export async function addApplicationResultLink(
  ctx: AshbyContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const warnings = ignoredRemoteFields(link.remote_fields);
  if (ctx.credentials.partner_id) {
    await addCompletedAssessment(api, ctx.credentials.partner_id, application.candidate_remote_id, link);
    return { warnings: [warn.onCandidate(TOOL), ...warnings] };
  }
  await writeFieldsAndNote(
    api,
    { objectType: 'Application', objectId: application.remote_id },
    application.candidate_remote_id,
    link,
    warnings,
  );
  warnings.unshift(warn.note(TOOL, "application's candidate (Ashby notes belong to candidates)"));
  return { warnings };
}

/** The contract defines no remote_fields for Ashby; say so when a caller sends another tool's. */
function ignoredRemoteFields(remote: RemoteFields): string[] {
  const out: string[] = [];
  for (const [tool, fields] of Object.entries(remote ?? {})) {
    if (tool === 'ashby' || !fields) continue;
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) out.push(warn.ignoredRemoteField(TOOL, `${tool}.${field}`));
    }
  }
  return out;
}

/**
 * The native path. Ids must be UUIDs and stable, so that re-sending the same result does not
 * create a second assessment type: the type is derived from the label, the assessment from
 * candidate + URL.
 */
async function addCompletedAssessment(api: AshbyClient, partnerId: string, candidateId: string, link: ResultLinkInput): Promise<void> {
  const used = new Set<string>();
  const metadata = (link.details?.attributes ?? []).map((a) => ({
    identifier: uniqueIdentifier(a.key, used),
    label: customFieldName(link.details!.custom_field_name_prefix, a.key),
    type: 'string',
    value: a.value,
  }));
  await api.call(
    'assessment.addCompletedToCandidate',
    {
      candidateId,
      partnerId,
      assessment: {
        assessmentTypeId: stableUuid(`${partnerId}|type|${link.label}`),
        assessmentId: stableUuid(`${partnerId}|result|${candidateId}|${link.url}`),
        assessmentName: link.label,
        result: { identifier: 'result_url', label: link.label, type: 'url', value: link.url },
        metadata,
      },
      timestamp: Date.now(),
    },
    { notFound: `candidate ${candidateId}` },
  );
}

function uniqueIdentifier(key: string, used: Set<string>): string {
  const base =
    'attr_' +
    (key
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'value');
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
  used.add(id);
  return id;
}

/** A name-based (v5-style) UUID from SHA-1, so the same input always gives the same id. */
function stableUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// --- fallback: custom fields + note ----------------------------------------------------------

interface FieldTarget {
  objectType: 'Candidate' | 'Application';
  objectId: string;
}

interface AshbyFieldDefinition {
  id: string;
  title: string;
  objectType: string;
  fieldType: string;
  isArchived?: boolean;
  selectableValues?: { label: string; value: string; isArchived?: boolean }[];
}

async function writeFieldsAndNote(
  api: AshbyClient,
  target: FieldTarget,
  candidateId: string,
  link: ResultLinkInput,
  warnings: string[],
): Promise<void> {
  const wanted = Object.entries(attributeFields(link));
  const written: string[] = [];
  const unmatched: string[] = [];
  if (wanted.length) {
    const byTitle = await fieldDefinitions(api, target.objectType);
    const values: { fieldId: string; fieldValue: unknown }[] = [];
    for (const [name, value] of wanted) {
      const def = byTitle.get(normalise(name));
      const fieldValue = def ? valueFor(def, value) : undefined;
      if (def && fieldValue !== undefined) {
        values.push({ fieldId: def.id, fieldValue });
        written.push(name);
      } else unmatched.push(name);
    }
    if (values.length) {
      // setValues (not one setValue per field) avoids Ashby's documented race between concurrent writes.
      await api.call(
        'customField.setValues',
        { objectId: target.objectId, objectType: target.objectType, values },
        {
          notFound: `${target.objectType.toLowerCase()} ${target.objectId}`,
        },
      );
    }
  }
  // The note always carries label, URL and every attribute, so the result reads whole in one place.
  await api.call(
    'candidate.createNote',
    { candidateId, note: { type: 'text/html', value: ashbyNoteHtml(link) }, sendNotifications: false },
    { notFound: `candidate ${candidateId}` },
  );
  if (written.length) warnings.push(warn.customFields(TOOL, written));
  if (unmatched.length) {
    warnings.push(
      `${TOOL} has no ${target.objectType.toLowerCase()} custom field that can hold ${unmatched.map((n) => `"${n}"`).join(', ')} ` +
        `(Ashby custom fields must be created first, under Admin → Custom Fields); ${unmatched.length === 1 ? 'that attribute was' : 'those attributes were'} written into the note instead.`,
    );
  }
}

/** Ashby keeps b, i, u, a, ul, ol, li, code and pre in HTML notes and strips the rest: drop the <p>. */
function ashbyNoteHtml(link: ResultLinkInput): string {
  return resultNoteHtml(link).replace(/<\/?p>/g, '');
}

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Every custom field definition (customField.list, all pages). */
async function allFieldDefinitions(api: AshbyClient): Promise<AshbyFieldDefinition[]> {
  const out: AshbyFieldDefinition[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api.call<AshbyFieldDefinition[]>('customField.list', { limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...(page.results ?? []));
    if (!page.moreDataAvailable || !page.nextCursor || page.nextCursor === cursor) return out;
    cursor = page.nextCursor;
  }
}

/** Live custom field definitions of one object type, by normalised title. */
async function fieldDefinitions(api: AshbyClient, objectType: string): Promise<Map<string, AshbyFieldDefinition>> {
  const out = new Map<string, AshbyFieldDefinition>();
  for (const f of await allFieldDefinitions(api)) {
    if (f.objectType === objectType && !f.isArchived && !out.has(normalise(f.title))) out.set(normalise(f.title), f);
  }
  return out;
}

/** Candidate and Application custom fields, not archived: the ones result links can write. */
export async function listCustomFields(ctx: AshbyContext): Promise<RemoteCustomField[]> {
  const models = { Candidate: 'ats_candidates', Application: 'ats_applications' } as const;
  return (await allFieldDefinitions(ashbyClient(ctx)))
    .filter((f) => !f.isArchived && Object.hasOwn(models, f.objectType))
    .map((f) => ({ remote_id: f.id, name: f.title, model: models[f.objectType as keyof typeof models] }));
}

/**
 * The attribute (a string) as the field's type wants it, per customField.setValue's table;
 * undefined when the field cannot hold it (then it stays in the note).
 */
function valueFor(def: AshbyFieldDefinition, value: string): unknown {
  switch (def.fieldType) {
    case 'String':
    case 'LongText':
    case 'Email':
    case 'Phone':
      return value;
    case 'Url':
      return /^https?:\/\/\S+$/i.test(value) ? value : undefined;
    case 'Number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
    case 'Boolean':
      return /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : undefined;
    case 'Date':
      return Number.isNaN(Date.parse(value)) ? undefined : new Date(value).toISOString();
    case 'ValueSelect': {
      const option = def.selectableValues?.find((o) => !o.isArchived && (o.value === value || o.label === value));
      return option?.value;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

interface UploadHandle {
  handle: string;
  url: string;
  fields: Record<string, string>;
}

/**
 * Ashby's recommended upload: file.createFileUploadHandle → multipart POST of the bytes to the
 * presigned storage URL (its fields first, `file` last) → candidate.uploadResume (CV) or
 * candidate.uploadFile (anything else) with the handle. The direct multipart mode is deprecated.
 */
export async function addCandidateAttachment(
  ctx: AshbyContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const isResume = attachment.type === 'CV';
  const created = await api.call<UploadHandle>('file.createFileUploadHandle', {
    fileUploadContext: isResume ? 'CandidateResume' : 'CandidateFiles',
    filename: attachment.name,
    contentType: attachment.content_type,
    contentLength: attachment.file.size,
  });
  const { handle, url, fields } = created.results;
  const form = new FormData();
  for (const [k, v] of Object.entries(fields ?? {})) form.append(k, v);
  form.append('file', attachmentBlob(attachment), attachment.name);
  // Re-posting the same object to the same presigned key is harmless, so a retry is safe.
  await api.storage.request({ method: 'POST', path: url, body: form, redactBody: true, idempotent: true });
  const notFound = `candidate ${candidate.remote_id}`;
  if (isResume) await api.call('candidate.uploadResume', { candidateId: candidate.remote_id, resumeHandle: handle }, { notFound });
  else await api.call('candidate.uploadFile', { candidateId: candidate.remote_id, fileHandle: handle }, { notFound });

  const warnings = ignoredRemoteFields(attachment.remote_fields);
  if (attachment.type === 'COVER_LETTER') {
    warnings.push(`${TOOL}'s API has no cover-letter file type; the cover letter was attached as a general candidate file.`);
  }
  return { warnings };
}

/**
 * The candidate's resume (CV) and other files (OTHER: Ashby's API does not say which file is a
 * cover letter). `data_url` is Ashby's own presigned storage URL from file.info: fresh on every
 * call, but short-lived.
 */
export async function listCandidateAttachments(
  ctx: AshbyContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const api = ashbyClient(ctx);
  const c = await fetchCandidate(api, candidate.remote_id);
  const files: { file: AshbyFileHandle; type: RemoteAttachment['type'] }[] = [];
  if (c.resumeFileHandle) files.push({ file: c.resumeFileHandle, type: 'CV' });
  for (const file of c.fileHandles ?? []) if (file.id !== c.resumeFileHandle?.id) files.push({ file, type: 'OTHER' });

  const attachments: RemoteAttachment[] = [];
  for (const { file, type } of files) {
    const info = await api.call<{ url: string }>('file.info', { fileHandle: file.handle }, { notFound: `file ${file.id}` });
    attachments.push({
      remote_id: file.id,
      application_remote_id: null,
      type,
      file_name: file.name,
      content_type: contentTypeOf(file.name),
      data_url: info.results.url,
    });
  }
  return { attachments, warnings: [] };
}

// ---------------------------------------------------------------------------------------------
// Application notes and files: Ashby keeps both on the candidate
// ---------------------------------------------------------------------------------------------

/** candidate.createNote on the application's candidate, as plain text (Kombo's PLAIN_TEXT). */
export async function addApplicationNote(ctx: AshbyContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const candidateId = application.candidate_remote_id;
  await ashbyClient(ctx).call(
    'candidate.createNote',
    { candidateId, note: { type: 'text/plain', value: note.content }, sendNotifications: false },
    { notFound: `candidate ${candidateId}` },
  );
  return { warnings: [applicationWarn.noteOnCandidate(TOOL, application), ...ignoredRemoteFields(note.remote_fields)] };
}

const onCandidate = onCandidateFallback(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = onCandidate.addApplicationAttachment;
export const listApplicationAttachments = onCandidate.listApplicationAttachments;

// ---------------------------------------------------------------------------------------------
// Stage moves and rejections: application.changeStage (archiving is a move to the plan's
// Archived stage with an archive reason)
// ---------------------------------------------------------------------------------------------

/**
 * application.changeStage `{applicationId, interviewStageId}` [AS-OAS application.changeStage]. A
 * stage of type Archived needs an archive reason, which a move does not carry: Ashby refuses it,
 * and POST /ats/applications/:id/reject is the call that archives.
 */
export async function moveApplicationToStage(ctx: AshbyContext, application: ApplicationRef, move: StageMoveInput): Promise<WriteResult> {
  await ashbyClient(ctx).call(
    'application.changeStage',
    { applicationId: application.remote_id, interviewStageId: move.stage.remote_id },
    { notFound: `application ${application.remote_id}` },
  );
  return { warnings: ignoredRemoteFields(move.remote_fields) };
}

interface AshbyPlanStage {
  id: string;
  title?: string | null;
  type?: string | null;
}

/**
 * Archives the application: application.info for its interview plan, interviewStage.list for
 * that plan's stage of type Archived, then application.changeStage with `archiveReasonId`
 * ("You must pass this parameter when moving to an Interview Stage with type: Archived") [AS-OAS].
 * No archive email is sent. Ashby's archive takes no text: the note becomes a candidate note
 * (a secondary step) and a warning says so.
 */
export async function rejectApplication(ctx: AshbyContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const info = await api.call<{ currentInterviewStage?: { interviewPlanId?: string | null } | null }>(
    'application.info',
    { applicationId: application.remote_id },
    { notFound: `application ${application.remote_id}` },
  );
  const planId = info.results.currentInterviewStage?.interviewPlanId;
  if (!planId)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Ashby names no interview plan for application ${application.remote_id}, so it has no Archived stage to move it to.`,
    );
  const stages = await api.call<AshbyPlanStage[]>('interviewStage.list', { interviewPlanId: planId });
  const archived = stages.results.find((st) => st.type === 'Archived');
  if (!archived)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Interview plan ${planId} of application ${application.remote_id} has no stage of type Archived in Ashby.`,
    );
  await api.call(
    'application.changeStage',
    { applicationId: application.remote_id, interviewStageId: archived.id, archiveReasonId: reject.reason.remote_id },
    { notFound: `application ${application.remote_id}` },
  );
  const warnings = ignoredRemoteFields(reject.remote_fields);
  if (reject.note) {
    const candidateId = application.candidate_remote_id;
    const done = await secondaryStep(warnings, 'Adding the rejection note to the Ashby candidate', () =>
      api.call('candidate.createNote', { candidateId, note: { type: 'text/plain', value: reject.note! }, sendNotifications: false }),
    );
    if (done.ok) warnings.push("Ashby's archive takes no note; the rejection note was added as a note on the candidate.");
  }
  return { warnings };
}

/** archiveReason.list: the reasons an application can be archived with (archived reasons left out). */
export async function* readRejectionReasons(ctx: AshbyContext): PageStream<RemoteRejectionReason> {
  const res = await ashbyClient(ctx).call<{ id: string; text: string; reasonType?: string; isArchived?: boolean }[]>(
    'archiveReason.list',
    {},
  );
  yield res.results
    .filter((r) => r.isArchived !== true)
    .map((r) => ({ remote_id: r.id, name: r.text ?? null, remote_data: { '/archiveReason.list': r } }));
}
