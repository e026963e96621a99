/**
 * Writing to Recruitee: result links and attachments.
 *
 * Recruitee has no result-link feature a personal API token can reach (its assessment
 * reports are for marketplace partners), so a result link becomes a note on the candidate.
 * `details.attributes` go to the candidate's profile fields ("custom fields") named
 * "<prefix> <key>" when the company has such a field; the rest go into the note.
 * Notes and profile fields live on the candidate, so application-level links land there too.
 */
import { FormData, type HttpClient } from '../../http/client.ts';
import { AtsgateError } from '../../errors.ts';
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
  RemoteRejectionReason,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { applicationWarn, onCandidateFallback } from '../helpers/application-level.ts';
import { recruiteeClient, type RecruiteeContext } from './client.ts';
import { definition } from './definition.ts';
import { fetchCandidate, type RecruiteeCandidate, type RecruiteeField } from './read.ts';
import { CANDIDATE_SAMPLE, sampleCandidates } from './fields.ts';
import { attachmentBlob, contentTypeFromName as contentTypeFor } from '../helpers/files.ts';
import { secondaryStep } from '../helpers/secondary.ts';

const TOOL = definition.label;

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: RecruiteeContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return writeResultLink(ctx, candidate.remote_id, link, []);
}

export async function addApplicationResultLink(
  ctx: RecruiteeContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return writeResultLink(ctx, application.candidate_remote_id, link, [warn.onCandidate(TOOL)]);
}

async function writeResultLink(
  ctx: RecruiteeContext,
  candidateId: string,
  link: ResultLinkInput,
  warnings: string[],
): Promise<WriteResult> {
  const http = recruiteeClient(ctx);
  const options = noteOptions(link, warnings);
  const wanted = attributeFields(link);
  const inNote: Record<string, string> = {};

  if (Object.keys(wanted).length) {
    const candidate = await requireCandidate(http, candidateId);
    const outcome = await writeProfileFields(http, candidate, wanted);
    Object.assign(inNote, outcome.unwritten);
    if (outcome.written.length) warnings.push(warn.customFields(TOOL, outcome.written));
    warnings.push(...outcome.warnings);
  }

  await postNote(http, candidateId, noteBody(link, inNote), options.visibility);
  warnings.unshift(warn.note(TOOL, 'candidate'));
  return { warnings };
}

/**
 * `remote_fields.recruitee`: `is_json` cannot apply to a note atsgate writes. `visibility` is
 * sent in the shape public clients send, `{level: "public" | "private"}` (Kombo types it "any"):
 * a plain level string is wrapped, an object is passed as it is, anything else too, and
 * Recruitee's own refusal is then reported.
 */
function noteOptions(link: ResultLinkInput, warnings: string[]): { visibility: unknown } {
  const rf = link.remote_fields.recruitee ?? {};
  if (rf.is_json !== undefined) warnings.push(warn.ignoredRemoteField(TOOL, 'recruitee.is_json'));
  const v = rf.visibility;
  return { visibility: typeof v === 'string' ? { level: v.trim().toLowerCase() } : v };
}

/** The note keeps label and URL, plus every attribute that did not land in a profile field. */
function noteBody(link: ResultLinkInput, attributes: Record<string, string>): string {
  const lines = [resultNoteText({ ...link, details: null })];
  for (const [name, value] of Object.entries(attributes)) lines.push(`${name}: ${value}`);
  return lines.join('\n');
}

/** POST /candidates/{id}/notes — https://docs.recruitee.com/reference/candidatesidnotes */
async function postNote(http: HttpClient, candidateId: string, body: string, visibility: unknown): Promise<void> {
  const note: Record<string, unknown> = { body };
  if (visibility !== undefined && visibility !== null) note.visibility = visibility;
  await http.request({
    method: 'POST',
    path: `candidates/${encodeURIComponent(candidateId)}/notes`,
    json: { note },
    notFound: `candidate ${candidateId}`,
  });
}

async function requireCandidate(http: HttpClient, candidateId: string): Promise<RecruiteeCandidate> {
  const candidate = await fetchCandidate(http, candidateId);
  if (!candidate) throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${candidateId} was not found in ${TOOL}.`, { status: 404 });
  return candidate;
}

// ---------------------------------------------------------------------------------------------
// Profile fields ("custom fields")
// ---------------------------------------------------------------------------------------------

interface FieldWriteOutcome {
  written: string[];
  /** name → value of attributes that go into the note instead. */
  unwritten: Record<string, string>;
  warnings: string[];
}

/**
 * Sets each attribute on the candidate's profile field of the same name. A company's template
 * fields are listed on every candidate, with `id: null` until they hold a value; those are
 * filled with the documented POST /custom_fields/candidates/{id}/fields `{field:{name, kind,
 * values}}`, fields that already have an id with PATCH .../fields/{field_id} (same body). A
 * name that is not on the candidate at all goes to the note: creating one-off fields would
 * scatter ad-hoc fields over profiles and bypass the company's field setup. Each write is a
 * secondary step: if Recruitee refuses it, the attribute goes to the note with a warning.
 */
async function writeProfileFields(
  http: HttpClient,
  candidate: RecruiteeCandidate,
  wanted: Record<string, string>,
): Promise<FieldWriteOutcome> {
  const out: FieldWriteOutcome = { written: [], unwritten: {}, warnings: [] };
  const byName = new Map((candidate.fields ?? []).map((f) => [f.name.trim(), f] as const));
  const missing: string[] = [];

  for (const [name, value] of Object.entries(wanted)) {
    const field = byName.get(name);
    if (!field) {
      missing.push(name);
      out.unwritten[name] = value;
      continue;
    }
    const shapes = fieldValuesFor(field, value);
    if (!shapes.length) {
      out.unwritten[name] = value;
      out.warnings.push(
        `${TOOL}'s profile field "${name}" is of kind "${field.kind}", which cannot hold "${value}"; it was written into the note instead.`,
      );
      continue;
    }
    const step = await secondaryStep(
      out.warnings,
      `Writing ${TOOL}'s profile field "${name}"`,
      () => writeField(http, candidate.id, field, shapes),
      {
        fallback: 'The value was written into the note instead.',
      },
    );
    if (step.ok) out.written.push(name);
    else out.unwritten[name] = value;
  }
  if (missing.length) {
    out.warnings.push(
      `${TOOL} has no candidate profile field named ${missing.map((n) => `"${n}"`).join(', ')}; ` +
        `${missing.length === 1 ? 'that attribute was' : 'those attributes were'} written into the note instead.`,
    );
  }
  return out;
}

/**
 * POST (template field without a value yet) or PATCH (field with an id). `shapes` are the
 * acceptable `values` payloads in order of preference; the next is tried only when Recruitee
 * refuses the previous one as invalid (422), so a number goes as the documented decimal string
 * first and as a JSON number second.
 */
async function writeField(
  http: HttpClient,
  candidateId: number,
  field: RecruiteeField,
  shapes: Record<string, unknown>[][],
): Promise<void> {
  const path =
    field.id === null ? `custom_fields/candidates/${candidateId}/fields` : `custom_fields/candidates/${candidateId}/fields/${field.id}`;
  for (let i = 0; ; i++) {
    try {
      await http.request({
        method: field.id === null ? 'POST' : 'PATCH',
        path,
        json: { field: { name: field.name, kind: field.kind, values: shapes[i] } },
        notFound: `candidate ${candidateId}`,
      });
      return;
    } catch (err) {
      const refused = err instanceof AtsgateError && err.code === 'REMOTE.INPUT_INVALID' && /HTTP 422/.test(err.message);
      if (!refused || i === shapes.length - 1) throw err;
    }
  }
}

/**
 * The `values` payloads a field kind takes for this text, best first; empty when the kind
 * cannot hold it. Number: the documented example is a string (`{"number": "12345"}`), a JSON
 * number is the fallback.
 */
function fieldValuesFor(field: RecruiteeField, value: string): Record<string, unknown>[][] {
  switch (field.kind) {
    case 'single_line':
    case 'multi_line':
      return [[{ text: value }]];
    case 'number': {
      const t = value.trim();
      return /^-?\d+(\.\d+)?$/.test(t) ? [[{ number: t }], [{ number: Number(t) }]] : [];
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (['true', 'yes', '1'].includes(v)) return [[{ flag: true }]];
      if (['false', 'no', '0'].includes(v)) return [[{ flag: false }]];
      return [];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

export async function addCandidateAttachment(
  ctx: RecruiteeContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const http = recruiteeClient(ctx);
  const id = candidate.remote_id;
  const warnings: string[] = [];

  if (attachment.type === 'CV') {
    // A candidate has one CV in Recruitee; uploading replaces it, so say so when there was one.
    const existing = await requireCandidate(http, id);
    await uploadCv(http, id, attachment);
    if (existing.cv_url || existing.cv_original_url)
      warnings.push(`${TOOL} keeps one CV per candidate; the uploaded CV replaced the previous one.`);
    return { warnings };
  }

  await uploadFile(http, id, attachment);
  if (attachment.type === 'COVER_LETTER') {
    warnings.push(`${TOOL} has no cover-letter upload in its API; the cover letter was added to the candidate's files.`);
  }
  return { warnings };
}

/**
 * Two public routes set a CV and neither is on a vendor page we could read:
 * `PATCH /candidates/{id}/update_cv` (multipart `candidate[cv]`; named by a summary of the
 * current reference and forwarded by a public proxy) and, as public clients that verified it
 * live do, `POST /attachments` then `PATCH /candidates/{id}/set_as_cv/{attachment_id}`. The
 * first is one call; when Recruitee answers 404 (the candidate exists, checked just before, so
 * the route does not), the second is used.
 */
async function uploadCv(http: HttpClient, candidateId: string, attachment: AttachmentInput): Promise<void> {
  const form = new FormData();
  form.append('candidate[cv]', attachmentBlob(attachment), attachment.name);
  const res = await http.request({
    method: 'PATCH',
    path: `candidates/${encodeURIComponent(candidateId)}/update_cv`,
    body: form,
    redactBody: true,
    accept: [404],
  });
  if (res.status !== 404) return;
  const file = await uploadFile(http, candidateId, attachment);
  await http.request({
    method: 'PATCH',
    path: `candidates/${encodeURIComponent(candidateId)}/set_as_cv/${encodeURIComponent(String(file.id))}`,
    notFound: `candidate ${candidateId}`,
  });
}

/**
 * POST /attachments, multipart `attachment[file]` + `attachment[candidate_id]`. The candidate id
 * must be a form field: in the query string it makes a file linked to nobody (public client report).
 */
async function uploadFile(http: HttpClient, candidateId: string, attachment: AttachmentInput): Promise<{ id: number }> {
  const form = new FormData();
  form.append('attachment[candidate_id]', candidateId);
  form.append('attachment[file]', attachmentBlob(attachment), attachment.name);
  const res = await http.request<{ attachment?: { id?: number } }>({
    method: 'POST',
    path: 'attachments',
    body: form,
    redactBody: true,
    notFound: `candidate ${candidateId}`,
  });
  const id = res.data?.attachment?.id;
  if (typeof id !== 'number')
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `${TOOL} accepted the file but returned no attachment id.`);
  return { id };
}

interface RecruiteeAttachment {
  id: number;
  filename: string;
  url?: string | null;
  candidate_id?: number | null;
  content_type?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/**
 * The CV (from the candidate) plus the candidate's files from GET /candidates/{id}/attachments,
 * the per-candidate route a public client uses. Never a company-wide list with a filter that
 * might be ignored: a file naming another candidate is dropped, so no other candidate's file
 * can be handed out. If the route is missing (404), only the CV is listed, with a warning.
 * Recruitee's file URLs are pre-signed, so they are handed out as they are; a file without an
 * absolute URL is left out with a warning rather than given a guessed one.
 */
export async function listCandidateAttachments(
  ctx: RecruiteeContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const http = recruiteeClient(ctx);
  const c = await requireCandidate(http, candidate.remote_id);
  const out: RemoteAttachment[] = [];
  const warnings: string[] = [];
  const cvUrl = c.cv_original_url ?? c.cv_url;
  if (cvUrl) {
    const name = fileNameFromUrl(cvUrl, 'cv');
    out.push({
      remote_id: `cv-${c.id}`,
      application_remote_id: null,
      type: 'CV',
      file_name: name,
      content_type: contentTypeFor(name),
      data_url: cvUrl,
      remote_updated_at: c.updated_at ?? null,
    });
  }
  const res = await http.request<{ attachments?: RecruiteeAttachment[] }>({
    method: 'GET',
    path: `candidates/${c.id}/attachments`,
    accept: [404],
  });
  if (res.status === 404) {
    warnings.push(`${TOOL} did not list the candidate's files (HTTP 404 on GET /candidates/${c.id}/attachments); only the CV is listed.`);
    return { attachments: out, warnings };
  }
  for (const a of res.data?.attachments ?? []) {
    if (a.candidate_id != null && String(a.candidate_id) !== String(c.id)) continue;
    if (!a.url || !/^https?:\/\//i.test(a.url)) {
      warnings.push(`${TOOL} gave no download URL for the file "${a.filename}"; it was left out.`);
      continue;
    }
    out.push({
      remote_id: String(a.id),
      application_remote_id: null,
      // Recruitee files carry no document type, so cover letters come back as OTHER.
      type: 'OTHER',
      file_name: a.filename,
      content_type: a.content_type ?? contentTypeFor(a.filename),
      data_url: a.url,
      remote_created_at: a.created_at ?? null,
      remote_updated_at: a.updated_at ?? null,
    });
  }
  return { attachments: out, warnings };
}

function fileNameFromUrl(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Application notes and files: Recruitee keeps both on the candidate
// ---------------------------------------------------------------------------------------------

/**
 * POST /candidates/{id}/notes on the application's candidate. `remote_fields.recruitee.visibility`
 * is passed on as for result links; `is_json` (a `body_json` note) is not supported here and says so.
 */
export async function addApplicationNote(ctx: RecruiteeContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const warnings = [applicationWarn.noteOnCandidate(TOOL, application)];
  const rf = note.remote_fields.recruitee ?? {};
  if (rf.is_json !== undefined)
    warnings.push(warn.ignoredRemoteField(TOOL, 'recruitee.is_json') + ' The content was written as plain text.');
  await postNote(recruiteeClient(ctx), application.candidate_remote_id, note.content, rf.visibility);
  return { warnings };
}

const onCandidate = onCandidateFallback(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = onCandidate.addApplicationAttachment;
export const listApplicationAttachments = onCandidate.listApplicationAttachments;

/**
 * GET /v1/integrations/:id/custom-fields: the company's candidate profile fields, the names a
 * result link's `"<prefix> <key>"` attributes are matched against. Recruitee's documentation
 * that atsgate follows has no list of profile field templates; what it (and [RC-SIP]) shows is
 * that every candidate carries the company's template fields, `id: null` until set. So the
 * list is read from the newest candidates (GET /candidates, then GET /candidates/{id}, the calls
 * the write path makes): the names every one of them has, which leaves out one-off fields a
 * single profile was given. A company without candidates yet lists none.
 */
export async function listCustomFields(ctx: RecruiteeContext): Promise<RemoteCustomField[]> {
  const profiles = await sampleCandidates(recruiteeClient(ctx), CANDIDATE_SAMPLE);
  if (!profiles.length) return [];
  const [first, ...rest] = profiles.map((c) => new Set((c.fields ?? []).map((f) => f.name.trim()).filter(Boolean)));
  const common = [...first].filter((name) => rest.every((names) => names.has(name)));
  return common.map((name) => ({ remote_id: name, name, model: 'ats_candidates' as const }));
}

// ---------------------------------------------------------------------------------------------
// Stage moves and disqualifications (an application is a placement: a candidate on an offer)
// ---------------------------------------------------------------------------------------------

/** A 400/422 refusal of a body shape, as opposed to a missing record or a server error. */
const refusedShape = (err: unknown) =>
  err instanceof AtsgateError &&
  err.status >= 400 &&
  err.status < 500 &&
  err.status !== 404 &&
  err.code !== 'INTEGRATION.PERMISSION_MISSING';

/**
 * PATCH a placement action with the first body shape Recruitee takes: its reference could not be
 * read and the one public client that calls these routes tries `{placement: {...}}` and then the
 * bare fields [RC-NODE `placeInStage`], so both are tried in that order.
 */
async function patchPlacement(http: HttpClient, placementId: string, action: string, fields: Record<string, unknown>): Promise<void> {
  const path = `placements/${encodeURIComponent(placementId)}/${action}`;
  try {
    await http.request({ method: 'PATCH', path, json: { placement: fields }, notFound: `placement ${placementId}` });
  } catch (err) {
    if (!refusedShape(err)) throw err;
    await http.request({ method: 'PATCH', path, json: fields, notFound: `placement ${placementId}` });
  }
}

/**
 * PATCH /placements/{id}/change_stage `{stage_id}` [RC-NODE]. A stage change also requalifies a
 * disqualified placement [RC-NODE README: "changing its stage would requalify the person"], so a
 * move of a rejected application says so.
 */
export async function moveApplicationToStage(
  ctx: RecruiteeContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  await patchPlacement(recruiteeClient(ctx), application.remote_id, 'change_stage', { stage_id: Number(move.stage.remote_id) });
  return {
    warnings:
      application.outcome === 'DECLINED'
        ? [`Placement ${application.remote_id} was disqualified; Recruitee requalifies a placement whose stage changes.`]
        : [],
  };
}

/**
 * PATCH /placements/{id}/disqualify `{disqualify_reason_id}` [RC-DQ] (body shape as for stage
 * changes). Recruitee's disqualification takes no text: the note becomes a candidate note (a
 * secondary step) and a warning says so.
 */
export async function rejectApplication(ctx: RecruiteeContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const http = recruiteeClient(ctx);
  await patchPlacement(http, application.remote_id, 'disqualify', { disqualify_reason_id: Number(reject.reason.remote_id) });
  const warnings: string[] = [];
  if (reject.note) {
    const done = await secondaryStep(warnings, 'Adding the rejection note to the Recruitee candidate', () =>
      postNote(http, application.candidate_remote_id, reject.note!, reject.remote_fields.recruitee?.visibility),
    );
    if (done.ok) warnings.push("Recruitee's disqualification takes no note; the rejection note was added as a note on the candidate.");
  }
  return { warnings };
}

interface RecruiteeDisqualifyReason {
  id: number;
  name?: string | null;
  position?: number | null;
}

/** GET /disqualify_reasons [RC-DQ]: `{disqualify_reasons: [{id, name, position}]}` (a bare array is read too). */
export async function* readRejectionReasons(ctx: RecruiteeContext): PageStream<RemoteRejectionReason> {
  const res = await recruiteeClient(ctx).request<RecruiteeDisqualifyReason[] | { disqualify_reasons?: RecruiteeDisqualifyReason[] }>({
    method: 'GET',
    path: 'disqualify_reasons',
  });
  const rows = Array.isArray(res.data) ? res.data : (res.data?.disqualify_reasons ?? []);
  yield [...rows]
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((r) => ({ remote_id: String(r.id), name: r.name ?? null, remote_data: { '/disqualify_reasons': r } }));
}
