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
import { secondaryStep } from '../helpers/secondary.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
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
import { smartRecruitersClient, type SmartRecruitersContext } from './client.ts';
import { ATTACHMENT_TYPES } from './definition.ts';

const TOOL = 'SmartRecruiters';
/** Message API limit on `content`. */
const MAX_NOTE_CHARS = 10_000;

interface PropertyDefinition {
  id: string;
  label?: string;
  type?: string;
}
/** The spec's Attachment: id, name, type, contentType, actions.download (no timestamps). */
interface SrAttachment {
  id: string;
  name?: string;
  type?: string;
  contentType?: string;
}

const seg = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(
  ctx: SmartRecruitersContext,
  candidate: CandidateRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const http = smartRecruitersClient(ctx);
  // A note only *tags* a candidate id, so check it exists first: an unknown candidate must be a
  // 404 naming it, not a note about nobody.
  await http.request({ method: 'GET', path: `/candidates/${seg(candidate.remote_id)}`, notFound: `candidate ${candidate.remote_id}` });
  const jobIds = currentApplications(candidate)
    .map(jobIdOf)
    .filter((id): id is string => !!id);
  const result = await writeResultLink(http, candidate.remote_id, jobIds, link);
  const warnings = [...ignoredRemoteFields(link.remote_fields), warn.note(TOOL, 'candidate'), ...result.warnings];
  if (result.propertiesWritten && jobIds.length) warnings.push(warn.fannedOut(TOOL, jobIds.length));
  return { warnings };
}

export async function addApplicationResultLink(
  ctx: SmartRecruitersContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
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
  return {
    warnings: [...ignoredRemoteFields(link.remote_fields), warn.note(TOOL, 'candidate'), warn.onCandidate(TOOL), ...result.warnings],
  };
}

async function writeResultLink(http: HttpClient, candidateId: string, jobIds: string[], link: ResultLinkInput) {
  const warnings: string[] = [];
  const fields = attributeFields(link);
  const names = Object.keys(fields);
  const placed = new Map<string, { id: string; value: unknown }>();
  /** Attributes no existing property can hold (as opposed to ones the vendor refused). */
  const unmatched: string[] = [];
  let propertiesWritten = false;

  if (names.length && jobIds.length) {
    // Properties are a secondary step: if the configuration cannot be read, the attributes go
    // into the note and the note is still written.
    const definitions = await secondaryStep(warnings, `Reading ${TOOL}'s candidate property definitions`, () => propertyDefinitions(http), {
      fallback: 'The attributes were written into the note instead.',
    });
    for (const name of definitions.ok ? names : []) {
      const def = findProperty(definitions.value!, name);
      const value = def ? propertyValue(def, fields[name]) : undefined;
      if (def && value !== undefined) placed.set(name, { id: def.id, value });
      else unmatched.push(name);
    }
    if (placed.size) {
      // One batch PUT per application. SmartRecruiters does not document whether a property
      // unavailable for a job's configuration fails the batch, so a refusal on any job keeps
      // the attributes in the note (they are never lost) and names that job.
      const body = [...placed.values()];
      let refused = false;
      let accepted = false;
      for (const jobId of jobIds) {
        const step = await secondaryStep(
          warnings,
          `Writing ${TOOL} candidate properties on application ${candidateId}:${jobId}`,
          () =>
            http.request({
              method: 'PUT',
              path: `/candidates/${seg(candidateId)}/jobs/${seg(jobId)}/properties`,
              json: body,
              notFound: `application ${candidateId}:${jobId}`,
            }),
          { fallback: 'Those attributes were written into the note instead.' },
        );
        if (step.ok) accepted = true;
        else refused = true;
      }
      if (accepted) warnings.push(warn.customFields(TOOL, [...placed.keys()]));
      propertiesWritten = accepted;
      if (refused) placed.clear();
    }
  }

  const unplaced = names.filter((n) => !placed.has(n));
  if (names.length && !jobIds.length) warnings.push(warn.attributesAsNote(TOOL));
  else if (unmatched.length) {
    warnings.push(
      `${TOOL} has no candidate property named ${unmatched.map((n) => `"${n}"`).join(', ')} that can hold the value; ` +
        'those attributes were written into the note instead.',
    );
  }

  await postNote(http, candidateId, noteFor(link, unplaced));
  return { warnings, propertiesWritten };
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
  return (await propertyDefinitions(smartRecruitersClient(ctx))).map((d) => ({
    remote_id: String(d.id),
    name: d.label ?? String(d.id),
    model: 'ats_candidates' as const,
  }));
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

export async function addCandidateAttachment(
  ctx: SmartRecruitersContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
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
  const listed = await attachmentsOf(smartRecruitersClient(ctx), candidate.remote_id);
  const attachments: RemoteAttachment[] = listed.map((a) => ({
    remote_id: a.id,
    application_remote_id: null,
    type: KOMBO_TYPE[a.type ?? ''] ?? 'OTHER',
    file_name: a.name ?? a.id,
    content_type: a.contentType ?? 'application/octet-stream',
    // SmartRecruiters' download link needs the X-SmartToken, so callers get a signed atsgate URL.
    data_url: ctx.signedFileUrl(`${candidate.remote_id}/${a.id}`),
    // The spec's Attachment has no timestamp.
    remote_created_at: null,
  }));
  return { attachments, warnings: [] as string[] };
}

/**
 * Serves `ctx.signedFileUrl("<candidateId>/<attachmentId>")`. The spec declares no response body
 * for `GET /candidates/{id}/attachments/{attachmentId}`, so both plausible answers work: the
 * bytes themselves, or a redirect to a storage host, which the shared client follows (and, on
 * another origin, without the X-SmartToken). A storage host may send neither a file name nor a
 * real content type; then the candidate's attachment list supplies them (one more call).
 */
export async function downloadAttachment(ctx: SmartRecruitersContext, ref: string) {
  const slash = ref.indexOf('/');
  const [candidateId, attachmentId] = slash > 0 ? [ref.slice(0, slash), ref.slice(slash + 1)] : ['', ''];
  if (!candidateId || !attachmentId) throw notFoundAttachment(ref);
  const http = smartRecruitersClient(ctx);
  const res = await http.request<Buffer>({
    method: 'GET',
    path: `/candidates/${seg(candidateId)}/attachments/${seg(attachmentId)}`,
    headers: { accept: '*/*' },
    responseType: 'buffer',
    notFound: `attachment ${attachmentId} of candidate ${candidateId}`,
  });
  let fileName = fileNameFrom(res.headers['content-disposition']);
  let contentType = (res.headers['content-type'] ?? '').split(';')[0].trim();
  if (!fileName || !contentType || GENERIC_TYPES.has(contentType)) {
    const listed = (await attachmentsOf(http, candidateId)).find((a) => a.id === attachmentId);
    fileName ??= listed?.name ?? null;
    if (!contentType || GENERIC_TYPES.has(contentType)) contentType = listed?.contentType ?? contentType;
  }
  return { content_type: contentType || 'application/octet-stream', file_name: fileName ?? attachmentId, data: res.data };
}

/** Content types that say nothing (storage defaults). */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

async function attachmentsOf(http: HttpClient, candidateId: string): Promise<SrAttachment[]> {
  const res = await http.request<{ content?: SrAttachment[] }>({
    method: 'GET',
    path: `/candidates/${seg(candidateId)}/attachments`,
    notFound: `candidate ${candidateId}`,
  });
  return res.data?.content ?? [];
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

// ---------------------------------------------------------------------------------------------
// Application notes and files: SmartRecruiters keeps both on the candidate
// ---------------------------------------------------------------------------------------------

/**
 * A Message API note tagging the application's candidate, after checking that the application
 * exists (the note only tags an id, so an unknown one must be a 404 rather than a note about nobody).
 */
export async function addApplicationNote(ctx: SmartRecruitersContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const http = smartRecruitersClient(ctx);
  const jobId = jobIdOf(application);
  if (!jobId) throw notFoundApplication(application.remote_id);
  const candidateId = application.candidate_remote_id;
  await http.request({
    method: 'GET',
    path: `/candidates/${seg(candidateId)}/jobs/${seg(jobId)}`,
    notFound: `application ${application.remote_id}`,
  });
  const warnings = [applicationWarn.noteOnCandidate(TOOL, application), ...ignoredRemoteFields(note.remote_fields)];
  const tagLength = `\n#[CANDIDATE:${candidateId}]`.length;
  if (note.content.length > MAX_NOTE_CHARS - tagLength) {
    warnings.push(
      `${TOOL} notes hold at most ${MAX_NOTE_CHARS} characters; the note was cut to ${MAX_NOTE_CHARS - tagLength} characters plus the candidate tag.`,
    );
  }
  await postNote(http, candidateId, note.content);
  return { warnings };
}

const onCandidate = onCandidateFallback(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = onCandidate.addApplicationAttachment;
export const listApplicationAttachments = onCandidate.listApplicationAttachments;

// ---------------------------------------------------------------------------------------------
// Stage moves and rejections: the application's status (SmartRecruiters' fixed hiring statuses)
// ---------------------------------------------------------------------------------------------

/** PUT /candidates/{id}/jobs/{jobId}/status with a CandidateStatus body → 204 [SR-RB `candidates_status_update`]. */
async function putStatus(http: HttpClient, application: ApplicationRef, body: { status: string; reason?: string }): Promise<void> {
  const jobId = jobIdOf(application);
  if (!jobId) throw notFoundApplication(application.remote_id);
  await http.request({
    method: 'PUT',
    path: `/candidates/${seg(application.candidate_remote_id)}/jobs/${seg(jobId)}/status`,
    json: body,
    notFound: `application ${application.remote_id}`,
  });
}

/**
 * The stages are SmartRecruiters' hiring statuses (read.ts), so a move sets the status. A
 * company's sub-statuses are not stages here: the status is set without one, and SmartRecruiters
 * puts the application in that status's first sub-status, if it has any.
 */
export async function moveApplicationToStage(
  ctx: SmartRecruitersContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  await putStatus(smartRecruitersClient(ctx), application, { status: move.stage.remote_id });
  return { warnings: ignoredRemoteFields(move.remote_fields) };
}

/**
 * Status REJECTED with `reason`, a rejection reason id of GET /configuration/rejection-reasons
 * [SR-RB CandidateStatus, `configuration_reasons_rejection_all`]. The status takes no text: the
 * note becomes a Message API note on the candidate (a secondary step), with a warning.
 */
export async function rejectApplication(
  ctx: SmartRecruitersContext,
  application: ApplicationRef,
  reject: RejectInput,
): Promise<WriteResult> {
  const http = smartRecruitersClient(ctx);
  await putStatus(http, application, { status: 'REJECTED', reason: reject.reason.remote_id });
  const warnings = ignoredRemoteFields(reject.remote_fields);
  if (reject.note) {
    const done = await secondaryStep(warnings, `Adding the rejection note as a ${TOOL} note`, () =>
      postNote(http, application.candidate_remote_id, reject.note!),
    );
    if (done.ok) warnings.push(`${TOOL}'s status change takes no note; the rejection note was added as a note on the candidate.`);
  }
  return { warnings };
}

/** GET /configuration/rejection-reasons → Properties `{totalFound, content: [{id, label}]}`. */
export async function* readRejectionReasons(ctx: SmartRecruitersContext): PageStream<RemoteRejectionReason> {
  const res = await smartRecruitersClient(ctx).request<{ content?: { id: string; label?: string | null }[] }>({
    method: 'GET',
    path: '/configuration/rejection-reasons',
  });
  yield (res.data?.content ?? []).map((r) => ({
    remote_id: String(r.id),
    name: r.label ?? null,
    remote_data: { '/configuration/rejection-reasons': r },
  }));
}
