/**
 * Writing to Zoho Recruit: a result link or a note becomes a Note on the candidate
 * (`POST /Notes`, [ZR-NOTES]); result-link attributes also go to the fields labelled
 * "<prefix> <key>" (`GET /settings/fields`, `PUT /{module}/{id}`, secondary steps); files are
 * uploaded with the Attachments API (`POST /{module}/{id}/Attachments`, multipart) and listed
 * and served back through atsgate's signed URLs.
 */
import { AtsgateError } from '../../errors.ts';
import { FormData, type HttpClient } from '../../http/client.ts';
import { applicationWarn, candidateOf } from '../helpers/application-level.ts';
import { attachmentBlob, contentTypeFromName } from '../helpers/files.ts';
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
import { zohoClient, zohoPages, type ZohoContext } from './client.ts';
import { definition } from './definition.ts';

const TOOL = 'Zoho Recruit';
const seg = encodeURIComponent;
type Module = 'Candidates' | 'Applications';

function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'zohorecruit' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

/**
 * Write answers carry one entry per record in `data` (`{ code, details, message, status }`); a
 * record Zoho refused is `status: "error"` even where the HTTP status is not an error (the
 * multi-record APIs answer 202 or 207 for partial success), so the entry decides.
 */
export function checkRecordResult(data: any, what: string): string | null {
  const entry = Array.isArray(data?.data) ? data.data[0] : null;
  if (entry && String(entry.status).toLowerCase() === 'error') {
    throw new AtsgateError(
      'REMOTE.INPUT_INVALID',
      `Zoho Recruit refused ${what}: ${entry.message ?? entry.code ?? 'error'}${entry.code ? ` (${entry.code})` : ''}.`,
    );
  }
  const id = entry?.details?.id;
  return id === undefined || id === null ? null : String(id);
}

// --------------------------------------------------------------------------------------------
// Notes
// --------------------------------------------------------------------------------------------

/**
 * `POST /Notes` with `{ data: [{ Note_Title, Note_Content, Parent_Id, se_module }] }` ([ZR-NOTES]).
 * The create-notes page lists candidates, job openings and other modules but not Applications,
 * so notes go to the candidate.
 */
async function addNote(client: HttpClient, candidateId: string, title: string, content: string): Promise<void> {
  const res = await client.request<any>({
    method: 'POST',
    path: 'Notes',
    json: { data: [{ Note_Title: title, Note_Content: content, Parent_Id: candidateId, se_module: 'Candidates' }] },
    notFound: `candidate ${candidateId}`,
  });
  checkRecordResult(res.data, `the note on candidate ${candidateId}`);
}

export async function addApplicationNote(ctx: ZohoContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await addNote(zohoClient(ctx), application.candidate_remote_id, 'Note', note.content);
  return { warnings: [applicationWarn.noteOnCandidate(TOOL, application), ...ignoredRemoteFields(note.remote_fields)] };
}

// --------------------------------------------------------------------------------------------
// Fields
// --------------------------------------------------------------------------------------------

interface ZohoField {
  id?: string | number;
  api_name?: string;
  field_label?: string;
  display_label?: string;
  custom_field?: boolean;
  data_type?: string;
  read_only?: boolean;
}

/** `GET /settings/fields?module={module}` ([ZR-META]): `{ fields: [...] }`; 204 when a module has none. */
async function moduleFields(client: HttpClient, module: Module): Promise<ZohoField[]> {
  const res = await client.request<{ fields?: ZohoField[] }>({ method: 'GET', path: 'settings/fields', query: { module } });
  return Array.isArray(res.data?.fields) ? res.data.fields : [];
}

const labelOf = (f: ZohoField) => String(f.field_label ?? f.display_label ?? f.api_name ?? '').trim();

/** The custom fields of Candidates and Applications, for GET /v1/integrations/:id/custom-fields. */
export async function listCustomFields(ctx: ZohoContext): Promise<RemoteCustomField[]> {
  const client = zohoClient(ctx);
  const out: RemoteCustomField[] = [];
  for (const [module, model] of [
    ['Candidates', 'ats_candidates'],
    ['Applications', 'ats_applications'],
  ] as const) {
    for (const f of await moduleFields(client, module)) {
      if (f.custom_field !== true) continue;
      out.push({ remote_id: String(f.api_name ?? f.id), name: labelOf(f), model });
    }
  }
  return out;
}

/** Field types that hold free text; others (numbers, dates, picklists, lookups) cannot take a result. */
const TEXT_TYPES = new Set(['text', 'textarea', 'website', 'string', 'email', 'phone']);

/**
 * Writes each attribute to the module's field labelled "<prefix> <key>" with one
 * `PUT /{module}/{id}` ([ZR-UPD]), as a secondary step: the note holds every attribute already.
 */
async function writeAttributeFields(
  client: HttpClient,
  module: Module,
  id: string,
  attributes: [string, string][],
  failures: string[],
): Promise<{ written: string[]; skipped: string[] }> {
  const listed = await secondaryStep(failures, `Reading the Zoho Recruit ${module} fields`, () => moduleFields(client, module), {
    fallback: 'The attributes are in the note only.',
  });
  if (!listed.ok) return { written: [], skipped: [] };
  const fields = listed.value!;
  const update: Record<string, string> = {};
  const planned: string[] = [];
  const skipped: string[] = [];
  for (const [name, value] of attributes) {
    const wanted = name.trim().toLowerCase();
    const field = fields.find((f) => labelOf(f) === name.trim()) ?? fields.find((f) => labelOf(f).toLowerCase() === wanted);
    if (!field?.api_name) {
      skipped.push(`"${name}" (no ${module} field with that label)`);
      continue;
    }
    const type = String(field.data_type ?? 'text').toLowerCase();
    if (field.read_only || !TEXT_TYPES.has(type)) {
      skipped.push(`"${name}" (a ${field.read_only ? 'read-only' : type} field cannot hold this value)`);
      continue;
    }
    update[field.api_name] = value;
    planned.push(name);
  }
  if (!planned.length) return { written: [], skipped };
  const step = await secondaryStep(
    failures,
    `Setting the Zoho Recruit ${module} fields ${planned.map((n) => `"${n}"`).join(', ')}`,
    async () => {
      const res = await client.request<any>({
        method: 'PUT',
        path: `${module}/${seg(id)}`,
        json: { data: [update] },
        notFound: `${module === 'Candidates' ? 'candidate' : 'application'} ${id}`,
      });
      checkRecordResult(res.data, `the field update of ${id}`);
    },
    { fallback: 'The values are in the note only.' },
  );
  return { written: step.ok ? planned : [], skipped };
}

// --------------------------------------------------------------------------------------------
// Result links
// --------------------------------------------------------------------------------------------

async function resultLink(
  ctx: ZohoContext,
  candidateId: string,
  fieldsOn: { module: Module; id: string },
  link: ResultLinkInput,
  warnings: string[],
): Promise<WriteResult> {
  const client = zohoClient(ctx);
  warnings.push(...ignoredRemoteFields(link.remote_fields));
  // The note is the primary write; fields come after it so that a failed note changes nothing.
  await addNote(client, candidateId, link.label, resultNoteText(link));
  const failures: string[] = [];
  const attributes = Object.entries(attributeFields(link));
  if (attributes.length) {
    const { written, skipped } = await writeAttributeFields(client, fieldsOn.module, fieldsOn.id, attributes, failures);
    if (written.length) warnings.push(warn.customFields(TOOL, written));
    if (skipped.length) warnings.push(`${warn.attributesAsNote(TOOL)} Not written to fields: ${skipped.join(', ')}.`);
  }
  return { warnings: [warn.note(TOOL, 'candidate'), ...warnings, ...failures] };
}

export async function addCandidateResultLink(ctx: ZohoContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return resultLink(ctx, candidate.remote_id, { module: 'Candidates', id: candidate.remote_id }, link, []);
}

export async function addApplicationResultLink(ctx: ZohoContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  return resultLink(ctx, application.candidate_remote_id, { module: 'Applications', id: application.remote_id }, link, [
    applicationWarn.noteOnCandidate(TOOL, application),
  ]);
}

// --------------------------------------------------------------------------------------------
// Attachments
// --------------------------------------------------------------------------------------------

/**
 * [ZR-UPLOAD-V1]: "only 15 uploadFile calls per 5 min ... the system will block the API access
 * for 15 min". The v2 pages state no such number; the v1 rule is kept, per integration, so that
 * atsgate refuses the 16th upload itself instead of getting every call blocked for 15 minutes.
 */
const UPLOADS_PER_WINDOW = 15;
const UPLOAD_WINDOW_MS = 5 * 60_000;

function takeUploadSlot(ctx: ZohoContext): void {
  const key = 'zohorecruit:uploads';
  const now = Date.now();
  const recent = ((ctx.cache.get(key) as number[] | undefined) ?? []).filter((t) => now - t < UPLOAD_WINDOW_MS);
  if (recent.length >= UPLOADS_PER_WINDOW) {
    const waitS = Math.ceil((UPLOAD_WINDOW_MS - (now - recent[0])) / 1000);
    throw new AtsgateError(
      'REMOTE.RATE_LIMIT_EXCEEDED',
      `Zoho Recruit allows ${UPLOADS_PER_WINDOW} file uploads per 5 minutes and blocks the API for 15 minutes past that; try again in ${waitS} s.`,
    );
  }
  recent.push(now);
  ctx.cache.set(key, recent);
}

/**
 * `POST /{module}/{id}/Attachments`, multipart with the file in `file` ([ZR-ATT] "upload ... a
 * file"). The category (Resume/Others, [ZR-UPLOAD-V1] `type`) is sent as `attachments_category`
 * both in the query and in the form: the v2 upload page's exact spelling is not in our sources,
 * and a field Zoho does not read leaves the file in its default category (README).
 */
async function upload(client: HttpClient, module: Module, id: string, attachment: AttachmentInput, accept?: number[]) {
  const category = definition.capabilities.attachments.types[attachment.type];
  const form = new FormData();
  form.append('file', attachmentBlob(attachment), attachment.name);
  form.append('attachments_category', category);
  return client.request<any>({
    method: 'POST',
    path: `${module}/${seg(id)}/Attachments`,
    query: { attachments_category: category },
    body: form,
    redactBody: true,
    notFound: accept ? undefined : `${module === 'Candidates' ? 'candidate' : 'application'} ${id}`,
    accept,
  });
}

function typeWarning(attachment: AttachmentInput): string[] {
  return attachment.type === 'COVER_LETTER'
    ? ['Zoho Recruit has no cover-letter attachment category in every account; the cover letter was filed under "Others".']
    : [];
}

export async function addCandidateAttachment(ctx: ZohoContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  takeUploadSlot(ctx);
  const res = await upload(zohoClient(ctx), 'Candidates', candidate.remote_id, attachment);
  checkRecordResult(res.data, `the file for candidate ${candidate.remote_id}`);
  return { warnings: [...ignoredRemoteFields(attachment.remote_fields), ...typeWarning(attachment)] };
}

/**
 * The Attachments API names Applications among its modules ([ZR-ATT]); should an account's
 * Applications module refuse uploads (400 INVALID_MODULE, 403, 404), the file goes to the
 * candidate with the shared warning.
 */
export async function addApplicationAttachment(
  ctx: ZohoContext,
  application: ApplicationRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  takeUploadSlot(ctx);
  const client = zohoClient(ctx);
  const res = await upload(client, 'Applications', application.remote_id, attachment, [400, 403, 404]);
  const warnings = [...ignoredRemoteFields(attachment.remote_fields), ...typeWarning(attachment)];
  if (res.status < 400) {
    checkRecordResult(res.data, `the file for application ${application.remote_id}`);
    return { warnings };
  }
  takeUploadSlot(ctx); // a second upload call
  const fallback = await upload(client, 'Candidates', application.candidate_remote_id, attachment);
  checkRecordResult(fallback.data, `the file for candidate ${application.candidate_remote_id}`);
  return { warnings: [applicationWarn.fileOnCandidate(TOOL, application), ...warnings] };
}

interface ZohoAttachment {
  id: string | number;
  File_Name?: string;
  Category?: unknown;
  Attachment_Category?: unknown;
  $attachment_category?: unknown;
  Created_Time?: string;
  Modified_Time?: string;
}

/** Zoho's category for a file (where the list names one) or its name, read as a Kombo type. */
function typeOf(a: ZohoAttachment): AttachmentType {
  const raw = a.Category ?? a.Attachment_Category ?? a.$attachment_category;
  const category = String(raw && typeof raw === 'object' ? ((raw as any).name ?? '') : (raw ?? '')).toLowerCase();
  if (/resume|\bcv\b/.test(category)) return 'CV';
  if (/cover/.test(category)) return 'COVER_LETTER';
  return 'OTHER';
}

/** `GET /{module}/{id}/Attachments` ([ZR-ATT]), paged like every list. */
async function attachmentsOf(ctx: ZohoContext, module: Module, id: string): Promise<RemoteAttachment[]> {
  const out: RemoteAttachment[] = [];
  for await (const page of zohoPages<ZohoAttachment>(zohoClient(ctx), `${module}/${seg(id)}/Attachments`)) {
    for (const a of page) {
      const name = String(a.File_Name ?? `attachment-${a.id}`);
      out.push({
        remote_id: String(a.id),
        application_remote_id: module === 'Applications' ? id : null,
        type: typeOf(a),
        file_name: name,
        content_type: contentTypeFromName(name),
        data_url: ctx.signedFileUrl(`${module}:${id}:${a.id}`),
        remote_created_at: a.Created_Time ?? null,
        remote_updated_at: a.Modified_Time ?? null,
      });
    }
  }
  return out;
}

export async function listCandidateAttachments(
  ctx: ZohoContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  return { attachments: await attachmentsOf(ctx, 'Candidates', candidate.remote_id), warnings: [] };
}

/** The application's own files, then its candidate's (the resume usually sits on the candidate). */
export async function listApplicationAttachments(
  ctx: ZohoContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const own = await attachmentsOf(ctx, 'Applications', application.remote_id);
  const ofCandidate = await attachmentsOf(ctx, 'Candidates', candidateOf(application).remote_id);
  const warnings = ofCandidate.length
    ? [
        `Zoho Recruit also holds files on the candidate; the ${ofCandidate.length} file(s) of candidate ${application.candidate_remote_id} ` +
          `are listed with those of application ${application.remote_id}.`,
      ]
    : [];
  return { attachments: [...own, ...ofCandidate], warnings };
}

/**
 * Serves `<module>:<record id>:<attachment id>` with `GET /{module}/{id}/Attachments/{attachment id}`
 * ([ZR-ATT] "download ... a file"): the bytes come from the API itself, with the token.
 */
export async function downloadAttachment(
  ctx: ZohoContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [module, id, attachmentId] = ref.split(':');
  if ((module !== 'Candidates' && module !== 'Applications') || !id || !attachmentId) throw unknownFile(ref);
  const res = await zohoClient(ctx).request<Buffer>({
    method: 'GET',
    path: `${module}/${seg(id)}/Attachments/${seg(attachmentId)}`,
    responseType: 'buffer',
    notFound: `file ${attachmentId}`,
  });
  const disposition = res.headers['content-disposition'] ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const fileName = named ? decodeURIComponent(named) : `attachment-${attachmentId}`;
  const type = res.headers['content-type']?.split(';')[0];
  return {
    content_type: type && type !== 'application/octet-stream' ? type : contentTypeFromName(fileName),
    file_name: fileName,
    data: res.data,
  };
}

const unknownFile = (ref: string) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `Zoho Recruit file "${ref}" was not found.`, { status: 404 });
