/**
 * Writing to Bullhorn: a result link or note becomes a Note (`PUT entity/Note`) about the
 * candidate (`personReference`), tied to the JobOrder of the application it is for
 * (`jobOrder`); result attributes go to the customText fields whose label (from `meta`) is
 * "<prefix> <key>" (`POST entity/Candidate/{id}` or `entity/JobSubmission/{id}`); files are
 * attached to the candidate (`PUT file/Candidate/{id}`, base64) and listed from
 * `entityFiles/Candidate/{id}`, served through atsgate's signed URLs.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { applicationWarn, onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBytes, contentTypeFromName } from '../helpers/files.ts';
import { attributeFields, resultNoteText, warn } from '../helpers/result-link.ts';
import { secondaryStep } from '../helpers/secondary.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  NoteInput,
  RemoteAttachment,
  RemoteCustomField,
  RemoteFields,
  ResultLinkInput,
  WriteResult,
} from '../types.ts';
import { bullhornClient, timestamp, type BullhornContext } from './client.ts';
import { definition } from './definition.ts';

const TOOL = 'Bullhorn';
const seg = encodeURIComponent;

/** The Note `action` of a result link unless remote_fields.bullhorn.note_action names another. */
export const RESULT_ACTION = 'Assessment result';

/** Bullhorn ids are integers; an id that is not one is sent as it came. */
const ref = (id: string) => ({ id: /^\d+$/.test(id) ? Number(id) : id });

/** Only remote_fields.bullhorn is Bullhorn's; say so for any sent for another ATS. */
function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'bullhorn' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

function noteAction(remoteFields: RemoteFields | undefined, fallback: string | null): string | null {
  const given = remoteFields?.bullhorn?.note_action;
  return typeof given === 'string' && given.trim() ? given.trim().slice(0, 30) : fallback;
}

// --------------------------------------------------------------------------------------------
// Notes
// --------------------------------------------------------------------------------------------

export interface NoteTarget {
  candidateId: string;
  jobOrderId: string | null;
}

/**
 * `PUT entity/Note`: `personReference` (the candidate; with it Bullhorn makes the NoteEntity
 * association itself, entity reference "Note"), `comments`, `action` and the to-one `jobOrder`.
 * `action` takes the values of the customer's commentActionList; whether another value is
 * refused is not documented, so a 400 with an action is retried once without it (warning).
 */
export async function addNote(
  client: HttpClient,
  target: NoteTarget,
  text: string,
  action: string | null,
  warnings: string[],
): Promise<void> {
  const body: Record<string, unknown> = { personReference: ref(target.candidateId), comments: text };
  if (target.jobOrderId) body.jobOrder = ref(target.jobOrderId);
  const notFound = `candidate ${target.candidateId}`;
  if (action) {
    const res = await client.request({ method: 'PUT', path: 'entity/Note', json: { ...body, action }, notFound, accept: [400] });
    if (res.status < 400) return;
    warnings.push(
      `${TOOL} refused the note action "${action}" (not in the account's note action list); the note was added without an action.`,
    );
  }
  await client.request({ method: 'PUT', path: 'entity/Note', json: body, notFound });
}

// --------------------------------------------------------------------------------------------
// Custom fields (customText* with a label)
// --------------------------------------------------------------------------------------------

type Owner = 'Candidate' | 'JobSubmission';

interface MetaField {
  name: string;
  label?: string;
  maxLength?: number;
}

/** Free-text custom fields: customText1..40 (String 100) and customTextBlock1..10 (unbounded). */
const CUSTOM_TEXT = /^customText(Block)?\d+$/;

/** `GET meta/{Entity}?fields=*`: field names with their customer-given labels. */
async function customTextFields(client: HttpClient, owner: Owner): Promise<MetaField[]> {
  const res = await client.request<{ fields?: MetaField[] }>({ method: 'GET', path: `meta/${owner}`, query: { fields: '*' } });
  const fields = Array.isArray(res.data?.fields) ? res.data.fields : [];
  return fields.filter((f) => f && typeof f.name === 'string' && CUSTOM_TEXT.test(f.name));
}

const MODEL: Record<Owner, RemoteCustomField['model']> = { Candidate: 'ats_candidates', JobSubmission: 'ats_applications' };

/** The labelled customText fields of Candidate and JobSubmission (fields nobody labelled are left out). */
export async function listCustomFields(ctx: BullhornContext): Promise<RemoteCustomField[]> {
  const client = await bullhornClient(ctx);
  const out: RemoteCustomField[] = [];
  for (const owner of ['Candidate', 'JobSubmission'] as const) {
    for (const f of await customTextFields(client, owner)) {
      if (f.label && f.label !== f.name) out.push({ remote_id: `${owner}.${f.name}`, name: f.label, model: MODEL[owner] });
    }
  }
  return out;
}

/**
 * Writes each attribute into the owner's customText field labelled "<prefix> <key>", in one
 * `POST entity/{owner}/{id}` (an update). A secondary step: the note holds every attribute.
 */
async function writeAttributes(
  client: HttpClient,
  owner: Owner,
  id: string,
  attributes: [string, string][],
  failures: string[],
): Promise<{ written: string[]; skipped: string[] }> {
  const listed = await secondaryStep(failures, `Reading the ${TOOL} ${owner} field labels`, () => customTextFields(client, owner), {
    fallback: 'The attributes are in the note only.',
  });
  if (!listed.ok) return { written: [], skipped: [] };
  const byLabel = (name: string) => {
    const wanted = name.trim().toLowerCase();
    return listed.value!.find((f) => (f.label ?? '').trim().toLowerCase() === wanted);
  };
  const update: Record<string, string> = {};
  const planned: string[] = [];
  const skipped: string[] = [];
  for (const [name, value] of attributes) {
    const field = byLabel(name);
    if (!field) {
      skipped.push(`"${name}" (no ${owner} custom text field with that label)`);
      continue;
    }
    const max =
      typeof field.maxLength === 'number' && field.maxLength > 0 ? field.maxLength : field.name.includes('Block') ? Infinity : 100;
    if (value.length > max) {
      skipped.push(`"${name}" (longer than the ${max} characters ${field.name} holds)`);
      continue;
    }
    update[field.name] = value;
    planned.push(name);
  }
  if (!planned.length) return { written: [], skipped };
  const step = await secondaryStep(
    failures,
    `Setting the ${TOOL} ${owner} fields ${planned.map((n) => `"${n}"`).join(', ')}`,
    () => client.request({ method: 'POST', path: `entity/${owner}/${seg(id)}`, json: update, notFound: `${owner} ${id}` }),
    { fallback: 'The values are in the note only.' },
  );
  return { written: step.ok ? planned : [], skipped };
}

// --------------------------------------------------------------------------------------------
// Result links
// --------------------------------------------------------------------------------------------

async function resultLink(
  ctx: BullhornContext,
  target: NoteTarget,
  owner: { type: Owner; id: string },
  link: ResultLinkInput,
  where: string,
): Promise<WriteResult> {
  const client = await bullhornClient(ctx);
  const warnings = ignoredRemoteFields(link.remote_fields);
  const failures: string[] = [];
  // Field updates first: they overwrite, so a retry after a failed note repeats nothing.
  const attributes = Object.entries(attributeFields(link));
  if (attributes.length) {
    const { written, skipped } = await writeAttributes(client, owner.type, owner.id, attributes, failures);
    if (written.length) warnings.push(warn.customFields(TOOL, written));
    if (skipped.length) warnings.push(`${warn.attributesAsNote(TOOL)} Not written to custom fields: ${skipped.join(', ')}.`);
  }
  await addNote(client, target, resultNoteText(link), noteAction(link.remote_fields, RESULT_ACTION), warnings);
  return { warnings: [warn.note(TOOL, where), ...warnings, ...failures] };
}

export async function addCandidateResultLink(ctx: BullhornContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return resultLink(
    ctx,
    { candidateId: candidate.remote_id, jobOrderId: null },
    { type: 'Candidate', id: candidate.remote_id },
    link,
    'candidate',
  );
}

/** A Note about the candidate, tied to the application's JobOrder; attributes on the JobSubmission. */
export async function addApplicationResultLink(
  ctx: BullhornContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return resultLink(
    ctx,
    { candidateId: application.candidate_remote_id, jobOrderId: application.job_remote_id },
    { type: 'JobSubmission', id: application.remote_id },
    link,
    `candidate, tied to the job of application ${application.remote_id}`,
  );
}

/**
 * A Note takes a person and a JobOrder, not a JobSubmission: the note is about the candidate and
 * tied to the application's job, so it shows on both records.
 */
export async function addApplicationNote(ctx: BullhornContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const client = await bullhornClient(ctx);
  const warnings = ignoredRemoteFields(note.remote_fields);
  const target = { candidateId: application.candidate_remote_id, jobOrderId: application.job_remote_id };
  await addNote(client, target, note.content, noteAction(note.remote_fields, null), warnings);
  const tied = application.job_remote_id ? ` It is tied to job ${application.job_remote_id}, the job of the application.` : '';
  return { warnings: [applicationWarn.noteOnCandidate(TOOL, application) + tied, ...warnings] };
}

// --------------------------------------------------------------------------------------------
// Attachments
// --------------------------------------------------------------------------------------------

/**
 * `PUT file/Candidate/{id}` with the file base64-encoded: `externalID`, `fileContent`,
 * `fileType` ("Always use the value SAMPLE"), `name` are required; `type` names the purpose and
 * `contentType` the media type. The answer is `{ fileId }`.
 */
export async function addCandidateAttachment(
  ctx: BullhornContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const client = await bullhornClient(ctx);
  const id = candidate.remote_id;
  const res = await client.request<{ fileId?: number }>({
    method: 'PUT',
    path: `file/Candidate/${seg(id)}`,
    json: {
      externalID: 'atsgate',
      fileContent: (await attachmentBytes(attachment)).toString('base64'),
      fileType: 'SAMPLE',
      name: attachment.name,
      contentType: attachment.content_type,
      type: definition.capabilities.attachments.types[attachment.type],
    },
    notFound: `candidate ${id}`,
    redactBody: true,
  });
  if (res.data?.fileId === undefined || res.data?.fileId === null) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `${TOOL} answered the upload for candidate ${id} without a fileId.`);
  }
  return { warnings: ignoredRemoteFields(attachment.remote_fields) };
}

interface EntityFile {
  id: number | string;
  type?: string | null;
  name?: string;
  contentType?: string | null;
  contentSubType?: string | null;
  dateAdded?: number;
}

function typeOf(type: string | null | undefined): AttachmentType {
  const t = (type ?? '').toLowerCase();
  if (/cover/.test(t)) return 'COVER_LETTER';
  if (/resume|résumé|\bcv\b/.test(t)) return 'CV';
  return 'OTHER';
}

function mediaType(f: EntityFile): string {
  if (f.contentType && f.contentSubType) return `${f.contentType}/${f.contentSubType}`.trim();
  if (f.contentType?.includes('/')) return f.contentType;
  return contentTypeFromName(f.name);
}

/** `GET entityFiles/Candidate/{id}`: `{ EntityFiles: [{ id, type, name, contentType, contentSubType }] }`. */
export async function listCandidateAttachments(
  ctx: BullhornContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = await bullhornClient(ctx);
  const id = candidate.remote_id;
  const res = await client.request<{ EntityFiles?: EntityFile[] }>({
    method: 'GET',
    path: `entityFiles/Candidate/${seg(id)}`,
    notFound: `candidate ${id}`,
  });
  const files = Array.isArray(res.data?.EntityFiles) ? res.data.EntityFiles : [];
  return {
    attachments: files.map((f) => ({
      remote_id: `${id}-${f.id}`,
      application_remote_id: null,
      type: typeOf(f.type),
      file_name: f.name ?? `file-${f.id}`,
      content_type: mediaType(f),
      data_url: ctx.signedFileUrl(`${id}:${f.id}`),
      remote_created_at: timestamp(f.dateAdded),
    })),
    warnings: [],
  };
}

/** Serves `<candidateId>:<fileId>` from `GET file/Candidate/{id}/{fileId}` (`{ File: { contentType, fileContent, name } }`). */
export async function downloadAttachment(
  ctx: BullhornContext,
  fileRef: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [candidateId, fileId] = fileRef.split(':');
  if (!candidateId || !fileId) throw unknownFile(fileRef);
  const client = await bullhornClient(ctx);
  const res = await client.request<{ File?: { contentType?: string; fileContent?: string; name?: string } }>({
    method: 'GET',
    path: `file/Candidate/${seg(candidateId)}/${seg(fileId)}`,
    notFound: `file ${fileId}`,
  });
  const file = res.data?.File;
  if (!file || typeof file.fileContent !== 'string') throw unknownFile(fileRef);
  const name = file.name ?? `file-${fileId}`;
  return { content_type: file.contentType || contentTypeFromName(name), file_name: name, data: Buffer.from(file.fileContent, 'base64') };
}

const unknownFile = (r: string) => new AtsgateError('PLATFORM.INPUT_INVALID', `${TOOL} file "${r}" was not found.`, { status: 404 });

// Files attach to the Candidate (JobSubmission is not among the entities files attach to).
export const { addApplicationAttachment, listApplicationAttachments } = onCandidateFallback(TOOL, {
  addCandidateAttachment,
  listCandidateAttachments,
});
