/**
 * Writing to UKG Pro Recruiting:
 * - result links and notes → comments: on the candidate (POST /candidates/{id}/comments) or on
 *   the application (POST /applications/{id}/comments), `{ comment }`, at most 4000 characters;
 * - files → application documents (POST /applications/{id}/documents, multipart `file` +
 *   `metadata`), at most 6 MB, .jpg .jpeg .png .pdf .doc .docx; a candidate-level file goes to
 *   the candidate's current application, where UKG lists it (or to the candidate's own documents
 *   when it has none);
 * - listing: each application's documents, found through its `documents` link, served through
 *   atsgate's signed URLs.
 * Native candidate assessments are not written: README "Writes".
 */
import { extname } from 'node:path';
import { AtsgateError } from '../../errors.ts';
import { FormData } from '../../http/client.ts';
import { attachmentBlob, contentTypeFromName } from '../helpers/files.ts';
import { currentApplications, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  NoteInput,
  RemoteAttachment,
  RemoteFields,
  ResultLinkInput,
  WriteResult,
} from '../types.ts';
import { apiBaseUrl, linkOf, listItems, onOurOrigin, ukgClient, type UkgApplication, type UkgContext, type UkgDocument } from './client.ts';
import { COMMENT_MAX_CHARS, DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, definition } from './definition.ts';

const TOOL = 'UKG Pro Recruiting';
const DOCUMENT_TYPES = definition.capabilities.attachments.types;

export const ukgWarn = {
  commentInsteadOfAssessment: (where: string) =>
    `${TOOL}'s candidate assessments are reserved for assessment partners set up by UKG; the result link was added as a comment on the ${where}.`,
  fileOnApplication: (candidate: string, application: string) =>
    `${TOOL} lists files through applications; the file was attached to application ${application}, the current application of candidate ${candidate}.`,
  fileOnCandidateUnlisted: (candidate: string) =>
    `Candidate ${candidate} has no application, so the file was attached to the candidate itself; ${TOOL}'s API lists files only through applications, so it will not appear in atsgate's attachment list.`,
  candidateCommentRefused: (why: string) =>
    `${TOOL} refused a comment on the candidate (${why.replace(/\.+$/, '')}); the result link was added to the candidate's current applications instead.`,
  noApplicationsToList: (candidate: string) =>
    `Candidate ${candidate} has no application; ${TOOL}'s API lists files only through applications, so files attached to the candidate itself are not listed.`,
};

function ignoredRemoteFields(fields: RemoteFields): string[] {
  return Object.keys(fields)
    .filter((tool) => tool !== 'ukgpro' && fields[tool])
    .map((tool) => warn.ignoredRemoteField(TOOL, tool));
}

/** POST …/{candidates|applications}/{id}/comments `{ comment }`. */
async function comment(ctx: UkgContext, kind: 'candidates' | 'applications', id: string, text: string): Promise<void> {
  if (!text.trim()) throw new AtsgateError('PLATFORM.INPUT_INVALID', `${TOOL} refuses empty comments.`);
  if (text.length > COMMENT_MAX_CHARS) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `${TOOL} takes comments of at most ${COMMENT_MAX_CHARS} characters; this one has ${text.length}.`,
    );
  }
  await ukgClient(ctx).request({
    method: 'POST',
    path: `${kind}/${encodeURIComponent(id)}/comments`,
    json: { comment: text },
    notFound: `${kind === 'candidates' ? 'candidate' : 'application'} ${id}`,
  });
}

function linkWarnings(link: ResultLinkInput, where: string): string[] {
  const out = [ukgWarn.commentInsteadOfAssessment(where)];
  if (link.details?.attributes.length) out.push(warn.attributesAsNote(TOOL));
  return [...out, ...ignoredRemoteFields(link.remote_fields)];
}

/**
 * A comment on the candidate. UKG's page for Add Comment by Candidate ID names no scope that
 * could be checked here; if UKG refuses it (403) while the client may comment on applications
 * (documented: recruiting.domain.applications.write), the link goes to the candidate's current
 * applications instead, and the warnings say so.
 */
export async function addCandidateResultLink(ctx: UkgContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const text = resultNoteText(link);
  try {
    await comment(ctx, 'candidates', candidate.remote_id, text);
    return { warnings: linkWarnings(link, 'candidate') };
  } catch (err) {
    const targets = currentApplications(candidate);
    if (!(err instanceof AtsgateError) || err.code !== 'INTEGRATION.PERMISSION_MISSING' || !targets.length) throw err;
    for (const a of targets) await comment(ctx, 'applications', a.remote_id, text);
    return {
      warnings: [ukgWarn.candidateCommentRefused(err.message), ...linkWarnings(link, 'application'), warn.fannedOut(TOOL, targets.length)],
    };
  }
}

export async function addApplicationResultLink(ctx: UkgContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  await comment(ctx, 'applications', application.remote_id, resultNoteText(link));
  return { warnings: linkWarnings(link, 'application') };
}

export async function addApplicationNote(ctx: UkgContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await comment(ctx, 'applications', application.remote_id, note.content);
  return { warnings: ignoredRemoteFields(note.remote_fields) };
}

// --------------------------------------------------------------------------------------------
// Files
// --------------------------------------------------------------------------------------------

/** UKG's upload rules, checked before any byte is sent (uploadapplicationdocument). */
function checkDocument(attachment: AttachmentInput): void {
  const ext = extname(attachment.name).toLowerCase();
  if (!(DOCUMENT_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `${TOOL} accepts documents of the types ${DOCUMENT_EXTENSIONS.join(', ')}; "${attachment.name}" is not one of them.`,
    );
  }
  if (attachment.file.size > DOCUMENT_MAX_BYTES) {
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `${TOOL} accepts documents of at most 6 MB; "${attachment.name}" is larger.`);
  }
  if (/[/\\?:*"<>|]/.test(attachment.name) || !attachment.name.trim()) {
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `${TOOL} refuses file names with / \\ ? : * " < > | or only spaces.`);
  }
}

/** POST …/documents, multipart: the `file` and a `metadata` part `{ file_name, document_type }`. */
async function upload(ctx: UkgContext, kind: 'candidates' | 'applications', id: string, attachment: AttachmentInput): Promise<void> {
  checkDocument(attachment);
  const form = new FormData();
  form.append('metadata', JSON.stringify({ file_name: attachment.name, document_type: DOCUMENT_TYPES[attachment.type] }));
  form.append('file', attachmentBlob(attachment), attachment.name);
  await ukgClient(ctx).request({
    method: 'POST',
    path: `${kind}/${encodeURIComponent(id)}/documents`,
    body: form,
    notFound: `${kind === 'candidates' ? 'candidate' : 'application'} ${id}`,
  });
}

export async function addApplicationAttachment(
  ctx: UkgContext,
  application: ApplicationRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  await upload(ctx, 'applications', application.remote_id, attachment);
  return { warnings: ignoredRemoteFields(attachment.remote_fields) };
}

/**
 * A candidate's file goes to its current application (UKG lists files through applications);
 * a candidate without one gets it on its own documents, with a warning that it is not listed.
 */
export async function addCandidateAttachment(ctx: UkgContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const [target] = currentApplications(candidate);
  if (target) {
    await upload(ctx, 'applications', target.remote_id, attachment);
    return {
      warnings: [ukgWarn.fileOnApplication(candidate.remote_id, target.remote_id), ...ignoredRemoteFields(attachment.remote_fields)],
    };
  }
  await upload(ctx, 'candidates', candidate.remote_id, attachment);
  return { warnings: [ukgWarn.fileOnCandidateUnlisted(candidate.remote_id), ...ignoredRemoteFields(attachment.remote_fields)] };
}

function typeOf(documentType: string | null | undefined): AttachmentType {
  const t = (documentType ?? '').toLowerCase();
  if (t === DOCUMENT_TYPES.CV.toLowerCase()) return 'CV';
  if (t === DOCUMENT_TYPES.COVER_LETTER.toLowerCase()) return 'COVER_LETTER';
  return 'OTHER';
}

/**
 * An application's documents: GET /applications/{id}, then its `documents` link (third-party
 * clients follow it). No link: the application has no documents to list.
 */
async function documentsOf(ctx: UkgContext, applicationId: string): Promise<UkgDocument[]> {
  const client = ukgClient(ctx);
  const app = await client.request<UkgApplication>({
    method: 'GET',
    path: `applications/${encodeURIComponent(applicationId)}`,
    notFound: `application ${applicationId}`,
  });
  const href = linkOf(app.data?.links, 'documents');
  if (!href) return [];
  const res = await client.request<unknown>({
    method: 'GET',
    path: onOurOrigin(client, href),
    notFound: `documents of application ${applicationId}`,
  });
  return listItems<UkgDocument>(res.data).filter((d) => d && d.id);
}

async function filesOf(ctx: UkgContext, applicationId: string): Promise<RemoteAttachment[]> {
  return (await documentsOf(ctx, applicationId)).map((d) => {
    const name = d.file_name ?? `document-${d.id}`;
    return {
      remote_id: String(d.id),
      application_remote_id: applicationId,
      type: typeOf(d.document_type),
      file_name: name,
      content_type: contentTypeFromName(name),
      data_url: ctx.signedFileUrl(`${applicationId}:${d.id}`),
      remote_created_at: d.created_at ?? null,
    };
  });
}

export async function listApplicationAttachments(
  ctx: UkgContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  return { attachments: await filesOf(ctx, application.remote_id), warnings: [] };
}

/** The files of each of the candidate's applications. */
export async function listCandidateAttachments(
  ctx: UkgContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const attachments: RemoteAttachment[] = [];
  for (const app of candidate.applications) attachments.push(...(await filesOf(ctx, app.remote_id)));
  return { attachments, warnings: candidate.applications.length ? [] : [ukgWarn.noApplicationsToList(candidate.remote_id)] };
}

/**
 * Serves `<applicationId>:<documentId>`: the document's `download` link (third-party clients
 * download from …/documents/{id}/download), or that path when the document names none. The
 * token goes only to the API's own origin; a link elsewhere is fetched without it.
 */
export async function downloadAttachment(ctx: UkgContext, ref: string): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [applicationId, documentId] = ref.split(':');
  const doc = (await documentsOf(ctx, applicationId)).find((d) => String(d.id) === documentId);
  if (!doc) {
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `Document ${documentId} of application ${applicationId} was not found in ${TOOL}.`, {
      status: 404,
    });
  }
  const client = ukgClient(ctx);
  const base = apiBaseUrl(ctx);
  const link = linkOf(doc.links, 'download');
  const linked = link ? new URL(link, base.endsWith('/') ? base : base + '/') : null;
  // A link on the API's host is requested on our own origin (UKG's links have been seen with
  // http:// on an https API); a link on any other host gets no token.
  const onApiHost = !linked || linked.host === new URL(base).host;
  const url = !linked
    ? `${base.replace(/\/+$/, '')}/applications/${encodeURIComponent(applicationId)}/documents/${encodeURIComponent(documentId)}/download`
    : onApiHost
      ? onOurOrigin(client, linked.toString())
      : linked.toString();
  const http = onApiHost ? client : ctx.http({ baseUrl: new URL(url).origin, transport: false });
  const res = await http.request<Buffer>({
    method: 'GET',
    path: url.toString(),
    responseType: 'buffer',
    notFound: `document ${documentId}`,
  });
  const name = doc.file_name ?? `document-${doc.id}`;
  return { content_type: res.headers['content-type']?.split(';')[0] || contentTypeFromName(name), file_name: name, data: res.data };
}
