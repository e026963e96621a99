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
import type { ApplicationRef, AttachmentInput, CandidateRef, RemoteAttachment, ResultLinkInput, WriteResult } from '../types.ts';
import { recruiteeClient, type RecruiteeContext } from './client.ts';
import { definition } from './definition.ts';
import { fetchCandidate, type RecruiteeCandidate, type RecruiteeField } from './read.ts';
import { attachmentBlob, contentTypeFromName as contentTypeFor } from '../helpers/files.ts';

const TOOL = definition.label;

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: RecruiteeContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return writeResultLink(ctx, candidate.remote_id, link, []);
}

export async function addApplicationResultLink(ctx: RecruiteeContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  return writeResultLink(ctx, application.candidate_remote_id, link, [warn.onCandidate(TOOL)]);
}

async function writeResultLink(ctx: RecruiteeContext, candidateId: string, link: ResultLinkInput, warnings: string[]): Promise<WriteResult> {
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

/** `remote_fields.recruitee`: `visibility` is passed to the note as is; `is_json` cannot apply to a note atsgate writes. */
function noteOptions(link: ResultLinkInput, warnings: string[]): { visibility: unknown } {
  const rf = link.remote_fields.recruitee ?? {};
  if (rf.is_json !== undefined) warnings.push(warn.ignoredRemoteField(TOOL, 'recruitee.is_json'));
  return { visibility: rf.visibility };
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
 * Sets each attribute on the candidate's existing profile field of the same name via
 * PATCH /custom_fields/candidates/{id}/fields/{field_id}. Recruitee could also create a
 * one-off field per candidate, but that would scatter ad-hoc fields over profiles and
 * bypass the company's field setup, so a missing field falls back to the note.
 */
async function writeProfileFields(http: HttpClient, candidate: RecruiteeCandidate, wanted: Record<string, string>): Promise<FieldWriteOutcome> {
  const out: FieldWriteOutcome = { written: [], unwritten: {}, warnings: [] };
  const byName = new Map((candidate.fields ?? []).filter((f) => f.id !== null).map((f) => [f.name.trim(), f] as const));
  const missing: string[] = [];

  for (const [name, value] of Object.entries(wanted)) {
    const field = byName.get(name);
    if (!field) {
      missing.push(name);
      out.unwritten[name] = value;
      continue;
    }
    const values = fieldValuesFor(field, value);
    if (!values) {
      out.unwritten[name] = value;
      out.warnings.push(`${TOOL}'s profile field "${name}" is of kind "${field.kind}", which cannot hold "${value}"; it was written into the note instead.`);
      continue;
    }
    try {
      await http.request({
        method: 'PATCH',
        path: `custom_fields/candidates/${candidate.id}/fields/${field.id}`,
        json: { field: { values } },
        idempotent: true, // setting the same value again is harmless
        notFound: `candidate ${candidate.id}`,
      });
      out.written.push(name);
    } catch (err) {
      // The vendor refused this value (422): keep the result by moving it into the note.
      if (!(err instanceof AtsgateError) || err.code !== 'REMOTE.INPUT_INVALID') throw err;
      out.unwritten[name] = value;
      out.warnings.push(`${TOOL} refused the value for profile field "${name}" (${err.message}); it was written into the note instead.`);
    }
  }
  if (missing.length) {
    out.warnings.push(
      `${TOOL} has no candidate profile field named ${missing.map((n) => `"${n}"`).join(', ')}; ` +
        `${missing.length === 1 ? 'that attribute was' : 'those attributes were'} written into the note instead.`,
    );
  }
  return out;
}

/** The `values` payload for a field kind, or null when the kind cannot take this text. */
function fieldValuesFor(field: RecruiteeField, value: string): Record<string, unknown>[] | null {
  switch (field.kind) {
    case 'single_line':
    case 'multi_line':
      return [{ text: value }];
    case 'number': {
      const n = Number(value.trim());
      return value.trim() !== '' && Number.isFinite(n) ? [{ number: n }] : null;
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (['true', 'yes', '1'].includes(v)) return [{ flag: true }];
      if (['false', 'no', '0'].includes(v)) return [{ flag: false }];
      return null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

export async function addCandidateAttachment(ctx: RecruiteeContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const http = recruiteeClient(ctx);
  const id = candidate.remote_id;
  const file = attachmentBlob(attachment);
  const warnings: string[] = [];

  if (attachment.type === 'CV') {
    // A candidate has one CV in Recruitee; uploading replaces it, so say so when there was one.
    const existing = await requireCandidate(http, id);
    const form = new FormData();
    form.append('candidate[cv]', file, attachment.name);
    await http.request({ method: 'PATCH', path: `candidates/${encodeURIComponent(id)}/update_cv`, body: form, redactBody: true, notFound: `candidate ${id}` });
    if (existing.cv_url || existing.cv_original_url) warnings.push(`${TOOL} keeps one CV per candidate; the uploaded CV replaced the previous one.`);
    return { warnings };
  }

  const form = new FormData();
  form.append('attachment[candidate_id]', id);
  form.append('attachment[file]', file, attachment.name);
  await http.request({ method: 'POST', path: 'attachments', body: form, redactBody: true, notFound: `candidate ${id}` });
  if (attachment.type === 'COVER_LETTER') {
    warnings.push(`${TOOL} has no cover-letter upload in its API; the cover letter was added to the candidate's files.`);
  }
  return { warnings };
}

interface RecruiteeAttachment {
  id: number;
  filename: string;
  url: string;
  content_type?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/**
 * The CV (from the candidate) plus the candidate's files (GET /attachments?candidate_id=).
 * Recruitee's file URLs are pre-signed, so they are handed out as they are.
 */
export async function listCandidateAttachments(ctx: RecruiteeContext, candidate: CandidateRef): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const http = recruiteeClient(ctx);
  const c = await requireCandidate(http, candidate.remote_id);
  const out: RemoteAttachment[] = [];
  const cvUrl = c.cv_original_url ?? c.cv_url;
  if (cvUrl) {
    const name = fileNameFromUrl(cvUrl, 'cv');
    out.push({ remote_id: `cv-${c.id}`, application_remote_id: null, type: 'CV', file_name: name, content_type: contentTypeFor(name), data_url: cvUrl, remote_updated_at: c.updated_at ?? null });
  }
  const res = await http.request<{ attachments: RecruiteeAttachment[] }>({ method: 'GET', path: 'attachments', query: { candidate_id: c.id } });
  for (const a of res.data?.attachments ?? []) {
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
  return { attachments: out, warnings: [] };
}

function fileNameFromUrl(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

