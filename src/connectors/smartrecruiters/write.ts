/**
 * Writes. SmartRecruiters has no result-link feature reachable with a customer's API key (its
 * assessment integrations are partner-only), so a result link becomes:
 *  - a note: a Message API share (`POST /messages/shares`) whose content tags the candidate
 *    (`#[CANDIDATE:id]`, which links it to the profile) and carries label, URL and any
 *    attribute that found no property; plain text, since the API rejects HTML;
 *  - candidate properties (SmartRecruiters' custom fields, stored per candidate × job) named
 *    "<prefix> <key>" for `details.attributes`, written with one batch
 *    `PUT /candidates/{id}/jobs/{jobId}/properties` per application. Properties must exist in
 *    the company's configuration; we look them up by label and never create them.
 * Attachments are multipart uploads to `POST /candidates/{id}/attachments`.
 */
import { FormData } from '../../http/client.ts';
import type { HttpClient } from '../../http/client.ts';
import { AtsgateError } from '../../errors.ts';
import { attributeFields, currentApplications, customFieldName, resultNoteText, warn } from '../helpers/result-link.ts';
import { attachmentBlob } from '../helpers/files.ts';
import type {
  ApplicationRef, AttachmentInput, AttachmentType, CandidateRef, RemoteAttachment, RemoteCustomField, RemoteFields, ResultLinkInput, WriteResult,
} from '../types.ts';
import { smartRecruitersClient, type SmartRecruitersContext } from './client.ts';
import { ATTACHMENT_TYPES } from './definition.ts';

const TOOL = 'SmartRecruiters';
/** Message API limit on `content`. */
const MAX_NOTE_CHARS = 10_000;

interface PropertyDefinition { id: string; label?: string; type?: string }
interface SrAttachment { id: string; name?: string; type?: string; contentType?: string; createdOn?: string }

const seg = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: SmartRecruitersContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const http = smartRecruitersClient(ctx);
  // A note only *tags* a candidate id, so check it exists first: an unknown candidate must be a
  // 404 naming it, not a note about nobody.
  await http.request({ method: 'GET', path: `/candidates/${seg(candidate.remote_id)}`, notFound: `candidate ${candidate.remote_id}` });
  const jobIds = currentApplications(candidate).map(jobIdOf).filter((id): id is string => !!id);
  const result = await writeResultLink(http, candidate.remote_id, jobIds, link);
  const warnings = [...ignoredRemoteFields(link.remote_fields), warn.note(TOOL, 'candidate'), ...result.warnings];
  if (result.propertiesWritten && jobIds.length) warnings.push(warn.fannedOut(TOOL, jobIds.length));
  return { warnings };
}

export async function addApplicationResultLink(ctx: SmartRecruitersContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  const http = smartRecruitersClient(ctx);
  const jobId = jobIdOf(application);
  if (!jobId) throw notFoundApplication(application.remote_id);
  const candidateId = application.candidate_remote_id;
  await http.request({
    method: 'GET',
    path: `/candidates/${seg(candidateId)}/jobs/${seg(jobId)}`,
    notFound: `application ${application.remote_id}`,
  });
  const result = await writeResultLink(http, candidateId, [jobId], link);
  // Notes (Message API shares) belong to the candidate's profile, never to one application.
  return { warnings: [...ignoredRemoteFields(link.remote_fields), warn.note(TOOL, 'candidate'), warn.onCandidate(TOOL), ...result.warnings] };
}

async function writeResultLink(http: HttpClient, candidateId: string, jobIds: string[], link: ResultLinkInput) {
  const warnings: string[] = [];
  const fields = attributeFields(link);
  const names = Object.keys(fields);
  const placed = new Map<string, { id: string; value: unknown }>();

  if (names.length && jobIds.length) {
    const definitions = await propertyDefinitions(http);
    for (const name of names) {
      const def = findProperty(definitions, name);
      const value = def ? propertyValue(def, fields[name]) : undefined;
      if (def && value !== undefined) placed.set(name, { id: def.id, value });
    }
    if (placed.size) {
      const body = [...placed.values()];
      for (const jobId of jobIds) {
        await http.request({
          method: 'PUT',
          path: `/candidates/${seg(candidateId)}/jobs/${seg(jobId)}/properties`,
          json: body,
          notFound: `application ${candidateId}:${jobId}`,
        });
      }
      warnings.push(warn.customFields(TOOL, [...placed.keys()]));
    }
  }

  const unplaced = names.filter((n) => !placed.has(n));
  if (unplaced.length) {
    warnings.push(
      jobIds.length
        ? `${TOOL} has no candidate property named ${unplaced.map((n) => `"${n}"`).join(', ')} that can hold the value; ` +
            'those attributes were written into the note instead.'
        : warn.attributesAsNote(TOOL),
    );
  }

  await postNote(http, candidateId, noteFor(link, unplaced));
  return { warnings, propertiesWritten: placed.size > 0 };
}

/** The link with only the attributes that still need a home, rendered as the note text. */
function noteFor(link: ResultLinkInput, attributeNames: string[]): string {
  const keep = new Set(attributeNames);
  const details = link.details && {
    ...link.details,
    attributes: link.details.attributes.filter((a) => keep.has(customFieldName(link.details!.custom_field_name_prefix, a.key))),
  };
  return resultNoteText({ ...link, details });
}

async function postNote(http: HttpClient, candidateId: string, text: string): Promise<void> {
  const tag = `\n#[CANDIDATE:${candidateId}]`;
  const content = text.slice(0, MAX_NOTE_CHARS - tag.length) + tag;
  // openNote: visible to everyone who can see the candidate, without e-mailing anybody.
  await http.request({ method: 'POST', path: '/messages/shares', json: { content, shareWith: { openNote: true } } });
}

async function propertyDefinitions(http: HttpClient): Promise<PropertyDefinition[]> {
  const res = await http.request<{ content?: PropertyDefinition[] }>({ method: 'GET', path: '/configuration/candidate-properties' });
  return res.data?.content ?? [];
}

/** Candidate properties as custom field definitions (the call result links use to find theirs). */
export async function listCustomFields(ctx: SmartRecruitersContext): Promise<RemoteCustomField[]> {
  return (await propertyDefinitions(smartRecruitersClient(ctx))).map((d) => ({ remote_id: String(d.id), name: d.label ?? String(d.id), model: 'ats_candidates' as const }));
}

function findProperty(defs: PropertyDefinition[], name: string): PropertyDefinition | undefined {
  const wanted = name.trim();
  return defs.find((d) => d.label?.trim() === wanted) ?? defs.find((d) => d.label?.trim().toLowerCase() === wanted.toLowerCase());
}

/**
 * The value in the shape the property's type takes, or undefined when it cannot take it
 * (select/user/date... types need ids or formats a free-text attribute does not carry).
 */
function propertyValue(def: PropertyDefinition, value: string): unknown {
  switch (def.type) {
    case 'TEXT':
      return value;
    case 'NUMBER':
    case 'PERCENT': {
      const n = Number(value.trim().replace(/%$/, ''));
      return value.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'BOOLEAN':
      return /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

export async function addCandidateAttachment(ctx: SmartRecruitersContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const form = new FormData();
  form.append('attachmentType', ATTACHMENT_TYPES[attachment.type]);
  form.append('file', attachmentBlob(attachment), attachment.name);
  await smartRecruitersClient(ctx).request({
    method: 'POST',
    path: `/candidates/${seg(candidate.remote_id)}/attachments`,
    body: form,
    notFound: `candidate ${candidate.remote_id}`,
    redactBody: true,
  });
  return { warnings: ignoredRemoteFields(attachment.remote_fields) };
}

const KOMBO_TYPE: Record<string, AttachmentType> = { RESUME: 'CV', COVER_LETTER: 'COVER_LETTER' };

export async function listCandidateAttachments(ctx: SmartRecruitersContext, candidate: CandidateRef) {
  const res = await smartRecruitersClient(ctx).request<{ content?: SrAttachment[] }>({
    method: 'GET',
    path: `/candidates/${seg(candidate.remote_id)}/attachments`,
    notFound: `candidate ${candidate.remote_id}`,
  });
  const attachments: RemoteAttachment[] = (res.data?.content ?? []).map((a) => ({
    remote_id: a.id,
    application_remote_id: null,
    type: KOMBO_TYPE[a.type ?? ''] ?? 'OTHER',
    file_name: a.name ?? a.id,
    content_type: a.contentType ?? 'application/octet-stream',
    // SmartRecruiters' download link needs the X-SmartToken, so callers get a signed atsgate URL.
    data_url: ctx.signedFileUrl(`${candidate.remote_id}/${a.id}`),
    remote_created_at: a.createdOn ?? null,
  }));
  return { attachments, warnings: [] as string[] };
}

/** Serves `ctx.signedFileUrl("<candidateId>/<attachmentId>")`. */
export async function downloadAttachment(ctx: SmartRecruitersContext, ref: string) {
  const slash = ref.indexOf('/');
  const [candidateId, attachmentId] = slash > 0 ? [ref.slice(0, slash), ref.slice(slash + 1)] : ['', ''];
  if (!candidateId || !attachmentId) throw notFoundAttachment(ref);
  const res = await smartRecruitersClient(ctx).request<Buffer>({
    method: 'GET',
    path: `/candidates/${seg(candidateId)}/attachments/${seg(attachmentId)}`,
    headers: { accept: '*/*' },
    responseType: 'buffer',
    notFound: `attachment ${attachmentId} of candidate ${candidateId}`,
  });
  const data = res.data;
  return {
    content_type: (res.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim(),
    file_name: fileNameFrom(res.headers['content-disposition']) ?? attachmentId,
    data,
  };
}

function fileNameFrom(disposition: string | undefined): string | null {
  if (!disposition) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function jobIdOf(a: ApplicationRef): string | null {
  if (a.job_remote_id) return a.job_remote_id;
  const i = a.remote_id.indexOf(':');
  return i > 0 ? a.remote_id.slice(i + 1) : null;
}

/** SmartRecruiters takes no remote_fields; say so for any that were sent for another ATS. */
function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'smartrecruiters' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

const notFoundApplication = (id: string) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `application ${id} was not found in ${TOOL}: it names no job.`, { status: 404 });
const notFoundAttachment = (ref: string) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `attachment ${ref} was not found in ${TOOL}.`, { status: 404 });
