/**
 * Writing to Oracle Recruiting Cloud. Everything lands in the candidate's `attachments` child
 * (POST /recruitingCandidates/{CandidateNumber}/child/attachments), the one documented,
 * customer-usable write target for documents:
 * - a file: DatatypeCode FILE, base64 FileContents, the document category of its type;
 * - a result link: DatatypeCode WEB_PAGE with the URL, category MISC unless
 *   `remote_fields.oracle.override_document_category` says otherwise (Kombo's own behaviour);
 * - a note: Oracle documents no notes resource for candidates or applications outside the
 *   "Oracle internal use" ones, so it becomes an internal text file (IRC_INTERNAL), with a warning.
 * Files are listed from the same child and from each job application's own (read-only) one,
 * and served through atsgate's signed URLs from their FileContents enclosures.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBytes, contentTypeFromName } from '../helpers/files.ts';
import { attributeFields, warn } from '../helpers/result-link.ts';
import { secondaryStep } from '../helpers/secondary.ts';
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
import { oracleClient, seg, type OracleContext, type Row } from './client.ts';
import { CATEGORIES, definition, type Category } from './definition.ts';

const TOOL = 'Oracle Recruiting Cloud';
/** Attachment titles are at most 80 characters (Title's maximum length on Oracle's candidate attachment resources, e.g. recruitingMyAttachments). */
export const TITLE_MAX = 80;

const clip = (s: string, n: number) => (s.length <= n ? s : s.slice(0, n - 1) + '…');

/**
 * The longest attachment Description written. The recruiting attachment page we hold is cut
 * before its attribute lengths; 255 is the Description length of Fusion's shared attachment
 * resource, so longer result-link details are shortened (with a warning) rather than risk
 * Oracle's 400 (README "Independent audit").
 */
export const DESCRIPTION_MAX = 255;

/** The enclosure's media type (farws "Get a FileContents": application/octet-stream), then anything. */
const ENCLOSURE_ACCEPT = 'application/octet-stream, */*;q=0.1';

/** remote_fields.oracle is Oracle's; say so for any sent for another ATS. */
function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'oracle' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

/** The category Kombo's `remote_fields.oracle.override_document_category` names, if a valid one. */
function overrideCategory(remoteFields: RemoteFields | undefined, warnings: string[]): Category | null {
  const raw = remoteFields?.oracle?.override_document_category;
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' && (CATEGORIES as readonly string[]).includes(raw)) return raw as Category;
  warnings.push(
    `remote_fields.oracle.override_document_category "${String(raw)}" is not one of ${CATEGORIES.join(', ')}; the default category was used.`,
  );
  return null;
}

/**
 * Kombo's `multi_post_to_all_current_applications` copies the document to each current
 * application. Oracle documents job-application attachments for reading only, so the document
 * stays on the candidate (where recruiters see it from every application) and a warning says so.
 */
function multiPostWarning(remoteFields: RemoteFields | undefined): string[] {
  return remoteFields?.oracle?.multi_post_to_all_current_applications === true
    ? [
        `${TOOL} documents no API for adding documents to job applications; remote_fields.oracle.multi_post_to_all_current_applications ` +
          "was not applied and the document was added once, to the candidate's attachments.",
      ]
    : [];
}

async function postAttachment(client: HttpClient, candidateNumber: string, body: Row): Promise<void> {
  await client.request({
    method: 'POST',
    path: `recruitingCandidates/${seg(candidateNumber)}/child/attachments`,
    json: body,
    contentType: 'application/json',
    notFound: `candidate ${candidateNumber}`,
    redactBody: body.DatatypeCode === 'FILE',
  });
}

// --------------------------------------------------------------------------------------------
// Files
// --------------------------------------------------------------------------------------------

export async function addCandidateAttachment(
  ctx: OracleContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const warnings = ignoredRemoteFields(attachment.remote_fields);
  const category =
    overrideCategory(attachment.remote_fields, warnings) ?? (definition.capabilities.attachments.types[attachment.type] as Category);
  const data = (await attachmentBytes(attachment)).toString('base64');
  await postAttachment(oracleClient(ctx), candidate.remote_id, {
    DatatypeCode: 'FILE',
    CategoryName: category,
    FileName: attachment.name,
    Title: clip(attachment.name, TITLE_MAX),
    UploadedFileContentType: attachment.content_type,
    FileContents: data,
  });
  return { warnings: [...multiPostWarning(attachment.remote_fields), ...warnings] };
}

// --------------------------------------------------------------------------------------------
// Result links
// --------------------------------------------------------------------------------------------

async function resultLink(ctx: OracleContext, candidateNumber: string, link: ResultLinkInput, warnings: string[]): Promise<WriteResult> {
  warnings.push(...ignoredRemoteFields(link.remote_fields));
  const category = overrideCategory(link.remote_fields, warnings) ?? 'MISC';
  const attributes = Object.entries(attributeFields(link));
  const description = attributes.map(([k, v]) => `${k}: ${v}`).join('\n');
  const title = clip(link.label, TITLE_MAX);
  if (title !== link.label)
    warnings.push(`The label was shortened to ${TITLE_MAX} characters, the longest attachment title ${TOOL} takes.`);
  await postAttachment(oracleClient(ctx), candidateNumber, {
    DatatypeCode: 'WEB_PAGE',
    CategoryName: category,
    Title: title,
    Url: link.url,
    ...(description ? { Description: clip(description, DESCRIPTION_MAX) } : {}),
  });
  if (attributes.length) {
    warnings.push(`${TOOL} attachments have no fields for details.attributes; they were written into the link attachment's description.`);
  }
  if (description.length > DESCRIPTION_MAX) {
    warnings.push(`The attributes were shortened to ${DESCRIPTION_MAX} characters, the longest attachment description ${TOOL} takes.`);
  }
  return { warnings: [...multiPostWarning(link.remote_fields), ...warnings] };
}

export async function addCandidateResultLink(ctx: OracleContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  return resultLink(ctx, candidate.remote_id, link, []);
}

export async function addApplicationResultLink(
  ctx: OracleContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return resultLink(ctx, application.candidate_remote_id, link, [
    `${TOOL} keeps documents and links on the candidate; the result link was added to candidate ${application.candidate_remote_id}, ` +
      `the candidate of application ${application.remote_id}.`,
  ]);
}

// --------------------------------------------------------------------------------------------
// Notes
// --------------------------------------------------------------------------------------------

export async function addApplicationNote(ctx: OracleContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const warnings = ignoredRemoteFields(note.remote_fields);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `note-application-${application.remote_id}-${stamp}.txt`;
  await postAttachment(oracleClient(ctx), application.candidate_remote_id, {
    DatatypeCode: 'FILE',
    CategoryName: 'IRC_INTERNAL',
    FileName: name,
    Title: clip(`Note on application ${application.remote_id}`, TITLE_MAX),
    UploadedFileContentType: 'text/plain',
    FileContents: Buffer.from(note.content, 'utf8').toString('base64'),
  });
  return {
    warnings: [
      `${TOOL} has no notes API open to integrations; the note was added to candidate ${application.candidate_remote_id}, the candidate of ` +
        `application ${application.remote_id}, as an internal text file attachment (${name}, category IRC_INTERNAL).`,
      ...warnings,
    ],
  };
}

// --------------------------------------------------------------------------------------------
// Listing and serving files
// --------------------------------------------------------------------------------------------

/**
 * The hash key Oracle uses for one attachment (`attachmentsUniqID`). Oracle says clients must not
 * build it but take it from the collection: it is in the row's `links` only (the FileContents
 * enclosure link, else `self`), which `onlyData=true` strips, so listings are read without it.
 */
export function attachmentKey(row: Row): string | null {
  const links: Row[] = Array.isArray(row.links) ? row.links.filter((l: Row) => typeof l?.href === 'string') : [];
  const link = links.find((l) => l.name === 'FileContents') ?? links.find((l) => l.rel === 'self');
  const m = link ? /\/child\/attachments\/([^/?#]+)/i.exec(link.href) : null;
  return m ? decodeURIComponent(m[1]) : null;
}

function typeOf(category: unknown): AttachmentType {
  if (category === 'IRC_CANDIDATE_RESUME') return 'CV';
  if (category === 'IRC_CANDIDATE_COVERLETTER') return 'COVER_LETTER';
  return 'OTHER';
}

/** Whose attachments child: a candidate's (`c`) or a job application's (`a`, files sent with the application). */
type Owner = { kind: 'c' | 'a'; id: string };
const ownerPath = (o: Owner) =>
  o.kind === 'c' ? `recruitingCandidates/${seg(o.id)}/child/attachments` : `recruitingJobApplications/${seg(o.id)}/child/attachments`;
const ownerName = (o: Owner) => (o.kind === 'c' ? `candidate ${o.id}` : `application ${o.id}`);

async function ownerFiles(ctx: OracleContext, client: HttpClient, owner: Owner): Promise<RemoteAttachment[]> {
  const out: RemoteAttachment[] = [];
  for (let offset = 0; ; ) {
    const res = await client.request<{ items?: Row[]; hasMore?: boolean }>({
      method: 'GET',
      path: ownerPath(owner),
      query: { limit: '100', offset: String(offset) },
      notFound: ownerName(owner),
    });
    const items = Array.isArray(res.data?.items) ? res.data.items : [];
    for (const row of items) {
      const key = attachmentKey(row);
      // URL and text attachments (WEB_PAGE, TEXT) have no file to serve.
      if (!key || (row.DatatypeCode && row.DatatypeCode !== 'FILE')) continue;
      const name = String(row.FileName ?? row.UploadedFileName ?? row.Title ?? `attachment-${key}`);
      out.push({
        remote_id: `${owner.kind}${owner.id}-${row.AttachedDocumentId ?? key}`,
        application_remote_id: owner.kind === 'a' ? owner.id : null,
        type: typeOf(row.CategoryName),
        file_name: name,
        content_type: typeof row.UploadedFileContentType === 'string' ? row.UploadedFileContentType : contentTypeFromName(name),
        data_url: ctx.signedFileUrl(`${owner.kind}:${owner.id}:${key}`),
        remote_created_at: row.CreationDate ?? null,
        remote_updated_at: row.LastUpdateDate ?? null,
      });
    }
    if (!items.length || res.data?.hasMore !== true) return out;
    offset += items.length;
  }
}

/**
 * The candidate's own attachments plus those of each of its job applications (a CV sent with an
 * application is kept on the application). An application whose files cannot be read costs a
 * warning, not the candidate's list.
 */
export async function listCandidateAttachments(
  ctx: OracleContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = oracleClient(ctx);
  const attachments = await ownerFiles(ctx, client, { kind: 'c', id: candidate.remote_id });
  const warnings: string[] = [];
  for (const app of candidate.applications) {
    const got = await secondaryStep(warnings, `Reading the files of application ${app.remote_id}`, () =>
      ownerFiles(ctx, client, { kind: 'a', id: app.remote_id }),
    );
    if (got.ok) attachments.push(...got.value!);
  }
  return { attachments, warnings };
}

/**
 * Application files: Oracle documents the job applications' `attachments` child for reading
 * only, so a file for an application goes to its candidate and the candidate's files are listed
 * for it, each with the shared warning.
 */
const onCandidate = onCandidateFallback<OracleContext>(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = onCandidate.addApplicationAttachment;
export const listApplicationAttachments = onCandidate.listApplicationAttachments;

/** Serves `<c|a>:<CandidateNumber|JobApplicationId>:<attachmentsUniqID>`: the row (name, type), then its FileContents enclosure. */
export async function downloadAttachment(
  ctx: OracleContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const m = /^([ca]):([^:]+):(.+)$/.exec(ref);
  if (!m) throw unknownFile(ref);
  const owner: Owner = { kind: m[1] as Owner['kind'], id: m[2] };
  const key = m[3];
  const client = oracleClient(ctx);
  const path = `${ownerPath(owner)}/${seg(key)}`;
  const row = await client.request<Row>({ method: 'GET', path, query: { onlyData: 'true' }, notFound: `file ${ref}` });
  // Oracle serves every enclosure as application/octet-stream: the row's own content type wins.
  // farws "Get a FileContents" lists application/octet-stream as the only response media type,
  // so the transport's `Accept: application/json` is replaced here (a server that negotiates
  // would answer 406 to it); `*/*` keeps a server that labels the bytes with the file's own type.
  const res = await client.request<Buffer>({
    method: 'GET',
    path: `${path}/enclosure/FileContents`,
    headers: { accept: ENCLOSURE_ACCEPT },
    responseType: 'buffer',
    notFound: `file ${ref}`,
  });
  const name = String(row.data?.FileName ?? row.data?.Title ?? `attachment-${key}`);
  return {
    content_type:
      (typeof row.data?.UploadedFileContentType === 'string' && row.data.UploadedFileContentType) ||
      res.headers['content-type']?.split(';')[0] ||
      contentTypeFromName(name),
    file_name: name,
    data: res.data,
  };
}

const unknownFile = (ref: string) => new AtsgateError('PLATFORM.INPUT_INVALID', `${TOOL} file "${ref}" was not found.`, { status: 404 });
