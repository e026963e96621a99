/**
 * Writes. Workable's native assessment results are only open to partner "Assessment Providers"
 * on assessments Workable itself ordered, so with an account token a result link becomes:
 *   - details.attributes → existing custom attributes labelled "<prefix> <key>"
 *     (PATCH /candidates/:id/update_custom_attribute_value), and
 *   - a comment (POST /candidates/:id/comments) with label, URL and any attribute that found no
 *     writable custom attribute.
 * Files travel as the single base64 attachment a comment may carry. Comments need the member
 * they are posted as (README "Acting member").
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { attributeFields, customFieldName, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  RemoteAttachment,
  RemoteCustomField,
  RemoteFields,
  ResultLinkInput,
  WriteResult,
} from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { SCOPES } from './definition.ts';
import type { WkCustomAttribute, WkFile, WkMember } from './read.ts';
import { attachmentBytes, contentTypeFromName as contentTypeOf } from '../helpers/files.ts';

const TOOL = 'Workable';
const candidatePath = (id: string) => `candidates/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: WorkableContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  // A Workable candidate is one person on one job: candidate and application are one record.
  return writeResultLink(ctx, candidate.remote_id, link, 'candidate');
}

export async function addApplicationResultLink(ctx: WorkableContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  return writeResultLink(ctx, application.remote_id, link, "candidate (Workable's per-job candidate record is the application)");
}

async function writeResultLink(ctx: WorkableContext, candidateId: string, link: ResultLinkInput, where: string): Promise<WriteResult> {
  const http = workableClient(ctx);
  const warnings: string[] = [];
  const attributes = attributeFields(link);
  const { written, leftover, catalogueRefused } = await writeCustomAttributes(http, candidateId, attributes);

  const member = await actingMember(ctx, http, link.remote_fields);
  const noteLink: ResultLinkInput = {
    ...link,
    details: link.details
      ? { ...link.details, attributes: link.details.attributes.filter((a) => leftover.includes(customFieldName(link.details!.custom_field_name_prefix, a.key))) }
      : null,
  };
  await postComment(http, candidateId, { member_id: member, comment: { body: resultNoteText(noteLink) } });

  warnings.push(warn.note(TOOL, where));
  if (written.length) warnings.push(warn.customFields(TOOL, written));
  if (leftover.length) {
    const why = catalogueRefused
      ? `the API token may not read custom attributes (scope "${SCOPES.readJobs}")`
      : `no enabled custom attribute of a fitting type is labelled ${leftover.map((n) => `"${n}"`).join(', ')}`;
    warnings.push(`${warn.attributesAsNote(TOOL)} (${why})`);
  }
  return { warnings };
}

/** The value body `update_custom_attribute_value` takes for each attribute type, or null if the value does not fit. */
function customAttributeValue(attr: WkCustomAttribute, value: string): Record<string, unknown> | null {
  switch (attr.type) {
    case 'short_text':
      return value.length <= 128 ? { value } : null; // documented limit for short text
    case 'free_text':
      return { value };
    case 'numeric':
      return /^-?\d+(\.\d+)?$/.test(value.trim()) ? { value: Number(value) } : null;
    case 'boolean': {
      const v = value.trim().toLowerCase();
      return ['true', 'yes', '1'].includes(v) ? { checked: true } : ['false', 'no', '0'].includes(v) ? { checked: false } : null;
    }
    default:
      return null; // dropdown, multiple choice, date and file attributes are not written from free text
  }
}

/** GET /custom_attributes (the catalogue result links search), enabled ones, as custom field definitions. */
export async function listCustomFields(ctx: WorkableContext): Promise<RemoteCustomField[]> {
  const res = await workableClient(ctx).request<{ custom_attributes?: WkCustomAttribute[] }>({ method: 'GET', path: 'custom_attributes' });
  return (res.data?.custom_attributes ?? []).filter((a) => a.enabled !== false).map((a) => ({ remote_id: a.id, name: a.label, model: 'ats_candidates' as const }));
}

async function writeCustomAttributes(
  http: HttpClient,
  candidateId: string,
  attributes: Record<string, string>,
): Promise<{ written: string[]; leftover: string[]; catalogueRefused: boolean }> {
  const names = Object.keys(attributes);
  if (!names.length) return { written: [], leftover: [], catalogueRefused: false };
  let catalogue: WkCustomAttribute[];
  try {
    const res = await http.request<{ custom_attributes?: WkCustomAttribute[] }>({ method: 'GET', path: 'custom_attributes' });
    catalogue = res.data?.custom_attributes ?? [];
  } catch (err) {
    // Without the catalogue the attributes still reach the ATS, in the comment.
    if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') return { written: [], leftover: names, catalogueRefused: true };
    throw err;
  }
  const written: string[] = [];
  const leftover: string[] = [];
  for (const name of names) {
    const attr = catalogue.find((a) => a.enabled !== false && a.label.trim() === name);
    const body = attr ? customAttributeValue(attr, attributes[name]) : null;
    if (!attr || !body) {
      leftover.push(name);
      continue;
    }
    await withScope(SCOPES.writeCandidates, 'write custom attribute values', () =>
      http.request({
        method: 'PATCH',
        path: `${candidatePath(candidateId)}/update_custom_attribute_value`,
        json: { custom_attribute_key: attr.id, ...body },
        idempotent: true, // setting a value twice leaves the same value
        notFound: `candidate ${candidateId}`,
      }),
    );
    written.push(name);
  }
  return { written, leftover, catalogueRefused: false };
}

// ---------------------------------------------------------------------------------------------
// Acting member
// ---------------------------------------------------------------------------------------------

const DEFAULT_MEMBER_KEY = 'workable:default_member_id';

/**
 * Comments are posted as a member: the one the caller names, else the credential's member_id,
 * else the first active admin of the account (looked up once per process).
 */
export async function actingMember(ctx: WorkableContext, http: HttpClient, remoteFields: RemoteFields): Promise<string> {
  const named = remoteFields.workable?.on_behalf_of_user_remote_id?.trim();
  if (named) return named;
  const configured = ctx.credentials.member_id?.trim();
  if (configured) return configured;
  const cached = ctx.cache.get(DEFAULT_MEMBER_KEY);
  if (typeof cached === 'string') return cached;
  const res = await withScope(SCOPES.readJobs, 'list members (to pick who comments are posted as)', () =>
    http.request<{ members?: WkMember[] }>({ method: 'GET', path: 'members', query: { role: 'admin', status: 'active', limit: 100 } }),
  );
  const admin = (res.data?.members ?? []).find((m) => m.active !== false && (m.role === 'admin' || m.roles?.includes('admin') || (!m.role && !m.roles)));
  if (!admin) {
    throw new AtsgateError(
      'INTEGRATION.SETUP_INCOMPLETE',
      'Workable needs a member to post comments as, and the account has no active admin visible to the API token: set the integration\'s member_id or pass remote_fields.workable.on_behalf_of_user_remote_id.',
    );
  }
  ctx.cache.set(DEFAULT_MEMBER_KEY, admin.id);
  return admin.id;
}

interface CommentBody {
  member_id: string;
  comment: { body: string; attachment?: { name: string; data: string } };
}

async function postComment(http: HttpClient, candidateId: string, body: CommentBody, redactBody = false): Promise<void> {
  await withScope(SCOPES.writeCandidates, 'comment on candidates', () =>
    http.request({ method: 'POST', path: `${candidatePath(candidateId)}/comments`, json: body, notFound: `candidate ${candidateId}`, redactBody }),
  );
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

const TYPE_WORDS: Record<AttachmentType, string> = { CV: 'CV', COVER_LETTER: 'Cover letter', OTHER: 'Document' };

export async function addCandidateAttachment(ctx: WorkableContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const http = workableClient(ctx);
  const member = await actingMember(ctx, http, attachment.remote_fields);
  await postComment(
    http,
    candidate.remote_id,
    {
      member_id: member,
      comment: {
        body: `${TYPE_WORDS[attachment.type]}: ${attachment.name}`,
        attachment: { name: attachment.name, data: (await attachmentBytes(attachment)).toString('base64') },
      },
    },
    true,
  );
  return {
    warnings: [
      `${TOOL} has no typed file upload for an existing candidate; the ${TYPE_WORDS[attachment.type].toLowerCase()} was attached to a comment on the candidate.`,
    ],
  };
}

const KIND_TYPES: Record<string, AttachmentType> = { resume: 'CV', cv: 'CV', cover_letter: 'COVER_LETTER' };


export async function listCandidateAttachments(ctx: WorkableContext, candidate: CandidateRef): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const http = workableClient(ctx);
  const res = await withScope(SCOPES.readCandidates, 'read candidate files', () =>
    http.request<{ files?: WkFile[] }>({ method: 'GET', path: `${candidatePath(candidate.remote_id)}/files`, notFound: `candidate ${candidate.remote_id}` }),
  );
  // Files carry no id; name + origin (+ a counter for repeats) is stable across reads.
  const seen = new Map<string, number>();
  const attachments = (res.data?.files ?? []).map((f): RemoteAttachment => {
    const base = `${candidate.remote_id}:${f.source ?? f.kind ?? 'file'}:${f.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      remote_id: n === 1 ? base : `${base}#${n}`,
      application_remote_id: null, // the candidate record is also the application
      type: KIND_TYPES[(f.kind ?? '').toLowerCase()] ?? 'OTHER',
      file_name: f.name,
      content_type: contentTypeOf(f.name),
      data_url: f.preview_url, // pre-signed by Workable; usable without our credentials
    };
  });
  return { attachments, warnings: [] };
}
