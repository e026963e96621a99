/**
 * Writing to BambooHR: a result link becomes a comment on the application
 * (POST /applications/{id}/comments, `{ type: "comment", comment }`); files cannot be added to
 * an existing application (./definition.ts ATTACHMENTS_UNAVAILABLE); a candidate's files are
 * listed from its applications' details and served through atsgate's signed URLs.
 */
import { AtsgateError } from '../../errors.ts';
import { currentApplications, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentType,
  CandidateRef,
  NoteInput,
  RejectInput,
  RemoteAttachment,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { contentTypeFromName } from '../helpers/files.ts';
import { ATS, bambooBaseUrl, bambooClient, foreignFileClient, type BambooApplicationDetails, type BambooHrContext } from './client.ts';
import { ATTACHMENTS_UNAVAILABLE, REJECT_UNAVAILABLE, TAGS_UNAVAILABLE } from './definition.ts';

const TOOL = 'BambooHR';

async function comment(ctx: BambooHrContext, applicationId: string, text: string): Promise<void> {
  await bambooClient(ctx).request({
    method: 'POST',
    path: `${ATS}/applications/${encodeURIComponent(applicationId)}/comments`,
    json: { type: 'comment', comment: text },
    notFound: `application ${applicationId}`,
  });
}

function warnings(link: ResultLinkInput, where: string): string[] {
  const out = [warn.note(TOOL, where)];
  if (link.details?.attributes.length) out.push(warn.attributesAsNote(TOOL));
  for (const tool of Object.keys(link.remote_fields))
    if (tool !== 'bamboohr' && link.remote_fields[tool]) out.push(warn.ignoredRemoteField(TOOL, tool));
  return out;
}

export async function addApplicationResultLink(
  ctx: BambooHrContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  await comment(ctx, application.remote_id, resultNoteText(link));
  return { warnings: warnings(link, 'application (as a comment)') };
}

/** Comments live on applications: the link goes to each of the candidate's current ones. */
export async function addCandidateResultLink(ctx: BambooHrContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const targets = currentApplications(candidate);
  if (!targets.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Candidate ${candidate.remote_id} has no application in BambooHR, and BambooHR keeps comments on applications.`,
    );
  }
  const text = resultNoteText(link);
  for (const a of targets) await comment(ctx, a.remote_id, text);
  return { warnings: [...warnings(link, 'application (as a comment)'), warn.fannedOut(TOOL, targets.length)] };
}

export async function addCandidateAttachment(): Promise<WriteResult> {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', ATTACHMENTS_UNAVAILABLE);
}

async function details(ctx: BambooHrContext, applicationId: string): Promise<BambooApplicationDetails> {
  const res = await bambooClient(ctx).request<BambooApplicationDetails>({
    method: 'GET',
    path: `${ATS}/applications/${encodeURIComponent(applicationId)}`,
    notFound: `application ${applicationId}`,
  });
  return res.data;
}

function typeOf(d: BambooApplicationDetails, fileId: number): AttachmentType {
  if (d.resumeFileId === fileId) return 'CV';
  if (d.coverLetterFileId === fileId) return 'COVER_LETTER';
  return 'OTHER';
}

/** One application's files (the application details' `attachments`). */
async function filesOf(ctx: BambooHrContext, applicationId: string): Promise<RemoteAttachment[]> {
  const d = await details(ctx, applicationId);
  return (d.attachments ?? []).map((f) => {
    const name = f.name ?? `file-${f.id}`;
    return {
      remote_id: String(f.id),
      application_remote_id: applicationId,
      type: typeOf(d, f.id),
      file_name: name,
      content_type: contentTypeFromName(name),
      data_url: ctx.signedFileUrl(`${applicationId}:${f.id}`),
      remote_created_at: d.appliedDate ?? null,
    };
  });
}

/** Files on each of the candidate's applications. */
export async function listCandidateAttachments(
  ctx: BambooHrContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const attachments: RemoteAttachment[] = [];
  for (const app of candidate.applications) attachments.push(...(await filesOf(ctx, app.remote_id)));
  return { attachments, warnings: [] };
}

/** Comments live on applications: an application note is a comment on it. */
export async function addApplicationNote(ctx: BambooHrContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await comment(ctx, application.remote_id, note.content);
  const warnings: string[] = [];
  for (const tool of Object.keys(note.remote_fields))
    if (tool !== 'bamboohr' && note.remote_fields[tool]) warnings.push(warn.ignoredRemoteField(TOOL, tool));
  return { warnings };
}

export async function addApplicationAttachment(): Promise<WriteResult> {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', ATTACHMENTS_UNAVAILABLE);
}

export async function listApplicationAttachments(
  ctx: BambooHrContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  return { attachments: await filesOf(ctx, application.remote_id), warnings: [] };
}

/**
 * Serves `<applicationId>:<fileId>`: the details give the file's `fileUrl`. The API key goes
 * with the download only when that URL is on the company's own host; BambooHR does not say
 * where files are served from (README), and a key must never reach another host.
 */
export async function downloadAttachment(
  ctx: BambooHrContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [applicationId, fileId] = ref.split(':');
  const d = await details(ctx, applicationId);
  const f = (d.attachments ?? []).find((x) => String(x.id) === fileId);
  if (!f?.fileUrl)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `File ${fileId} of application ${applicationId} was not found in BambooHR.`, {
      status: 404,
    });
  const url = new URL(f.fileUrl, bambooBaseUrl(ctx));
  const sameHost = url.origin === new URL(bambooBaseUrl(ctx)).origin;
  const client = sameHost ? bambooClient(ctx) : foreignFileClient(ctx);
  const res = await client.request<Buffer>({ method: 'GET', path: url.toString(), responseType: 'buffer', notFound: `file ${fileId}` });
  const name = f.name ?? `file-${f.id}`;
  return { content_type: res.headers['content-type']?.split(';')[0] || contentTypeFromName(name), file_name: name, data: res.data };
}

/** BambooHR has no candidate tags (TAGS_UNAVAILABLE); the write service refuses before this is reached. */
export async function addCandidateTag(): Promise<WriteResult> {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', TAGS_UNAVAILABLE);
}

export async function removeCandidateTag(): Promise<WriteResult> {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', TAGS_UNAVAILABLE);
}

// ---------------------------------------------------------------------------------------------
// Stage moves (the applicant status); no rejection action
// ---------------------------------------------------------------------------------------------

/**
 * POST /applications/{id}/status `{status: <status id>}` [BHR-OAS update-applicant-status]: the
 * stages are the account's applicant statuses (read.ts). Answers 400 with the reason in the
 * `x-bamboohr-error-message` header for an invalid status (read by bambooErrorMessage).
 */
export async function moveApplicationToStage(
  ctx: BambooHrContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  const status = Number(move.stage.remote_id);
  if (!Number.isInteger(status))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `BambooHR status ids are integers; "${move.stage.remote_id}" is not one.`);
  await bambooClient(ctx).request({
    method: 'POST',
    path: `${ATS}/applications/${encodeURIComponent(application.remote_id)}/status`,
    json: { status },
    notFound: `application ${application.remote_id}`,
  });
  return { warnings: [] };
}

/** BambooHR has no rejection action nor rejection reasons (capabilities say so; the service refuses first). */
export async function rejectApplication(_ctx: BambooHrContext, _application: ApplicationRef, _reject: RejectInput): Promise<WriteResult> {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', REJECT_UNAVAILABLE);
}
