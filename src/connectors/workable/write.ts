/**
 * Writes. Workable's native assessment results are only open to partner "Assessment Providers"
 * on assessments Workable itself ordered, so with an account token a result link becomes:
 *   - a comment (POST /candidates/:id/comments) with label, URL and any attribute that found no
 *     writable custom attribute (the primary write), and
 *   - details.attributes → existing custom attributes labelled "<prefix> <key>"
 *     (PATCH /candidates/:id/update_custom_attribute_value), a secondary step that never costs
 *     the comment (helpers/secondary.ts).
 * Files travel as the single base64 attachment a comment may carry. Comments need the member
 * they are posted as (members.ts).
 */
import type { HttpClient } from '../../http/client.ts';
import { attributeFields, customFieldName, resultNoteText, warn } from '../helpers/result-link.ts';
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
  RemoteRejectionReason,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { SCOPES } from './definition.ts';
import { actingMember } from './members.ts';
import type { WkCustomAttribute, WkFile } from './read.ts';
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

export async function addApplicationResultLink(
  ctx: WorkableContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return writeResultLink(ctx, application.remote_id, link, "candidate (Workable's per-job candidate record is the application)");
}

async function writeResultLink(ctx: WorkableContext, candidateId: string, link: ResultLinkInput, where: string): Promise<WriteResult> {
  const http = workableClient(ctx);
  // The author first: without one the comment cannot be written, and then nothing should be.
  const member = await actingMember(ctx, http, link.remote_fields);
  // Custom attributes are the secondary step. They run before the comment so that an attribute
  // they could not take is written into the comment, and they can never cost the comment.
  const failures: string[] = [];
  const { written, leftover, catalogueRefused } = await writeCustomAttributes(http, candidateId, attributeFields(link), failures);

  const noteLink: ResultLinkInput = {
    ...link,
    details: link.details
      ? {
          ...link.details,
          attributes: link.details.attributes.filter((a) =>
            leftover.includes(customFieldName(link.details!.custom_field_name_prefix, a.key)),
          ),
        }
      : null,
  };
  await postComment(http, candidateId, { member_id: member, comment: { body: resultNoteText(noteLink) } });

  const warnings = [warn.note(TOOL, where)];
  if (written.length) warnings.push(warn.customFields(TOOL, written));
  if (leftover.length) {
    const why = catalogueRefused
      ? 'the custom-attribute catalogue could not be read'
      : `no enabled custom attribute of a fitting type took ${leftover.map((n) => `"${n}"`).join(', ')}`;
    warnings.push(`${warn.attributesAsNote(TOOL)} (${why})`);
  }
  return { warnings: [...warnings, ...failures] };
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
  return (res.data?.custom_attributes ?? [])
    .filter((a) => a.enabled !== false)
    .map((a) => ({ remote_id: a.id, name: a.label, model: 'ats_candidates' as const }));
}

/**
 * The `custom_attribute_key` for an attribute. The value endpoint asks for "the unique custom
 * attribute key" while the catalogue (GET /custom_attributes) only gives `id`: a `key` is used
 * if the catalogue ever carries one, else the id. A wrong guess is a refused secondary step
 * (Workable answers 404 for an unknown key), so the value still lands in the comment.
 */
export function customAttributeKey(attr: WkCustomAttribute): string {
  return typeof attr.key === 'string' && attr.key ? attr.key : attr.id;
}

/**
 * Writes each attribute to the enabled custom attribute with its label. Nothing here fails the
 * call: a refused catalogue read or value write becomes a warning in `failures`, and the
 * attribute is left over for the comment.
 */
async function writeCustomAttributes(
  http: HttpClient,
  candidateId: string,
  attributes: Record<string, string>,
  failures: string[],
): Promise<{ written: string[]; leftover: string[]; catalogueRefused: boolean }> {
  const names = Object.keys(attributes);
  if (!names.length) return { written: [], leftover: [], catalogueRefused: false };
  const catalogue = await secondaryStep(
    failures,
    'Reading the Workable custom attributes',
    () =>
      withScope(SCOPES.readJobs, 'read custom attributes', () =>
        http.request<{ custom_attributes?: WkCustomAttribute[] }>({ method: 'GET', path: 'custom_attributes' }),
      ),
    { fallback: 'The attributes were written into the comment instead.' },
  );
  if (!catalogue.ok) return { written: [], leftover: names, catalogueRefused: true };
  const attrs = catalogue.value?.data?.custom_attributes ?? [];

  const written: string[] = [];
  const leftover: string[] = [];
  for (const name of names) {
    const attr = attrs.find((a) => a.enabled !== false && a.label.trim() === name);
    const body = attr ? customAttributeValue(attr, attributes[name]) : null;
    if (!attr || !body) {
      leftover.push(name);
      continue;
    }
    const key = customAttributeKey(attr);
    const step = await secondaryStep(
      failures,
      `Setting the Workable custom attribute "${name}" (key ${key})`,
      () =>
        withScope(SCOPES.writeCandidates, 'write custom attribute values', () =>
          http.request({
            method: 'PATCH',
            path: `${candidatePath(candidateId)}/update_custom_attribute_value`,
            json: { custom_attribute_key: key, ...body },
            idempotent: true, // setting a value twice leaves the same value
          }),
        ),
      { fallback: 'The value was written into the comment instead.' },
    );
    (step.ok ? written : leftover).push(name);
  }
  return { written, leftover, catalogueRefused: false };
}

// ---------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------

interface CommentBody {
  member_id: string;
  comment: { body: string; attachment?: { name: string; data: string } };
}

async function postComment(http: HttpClient, candidateId: string, body: CommentBody, redactBody = false): Promise<void> {
  await withScope(SCOPES.writeCandidates, 'comment on candidates', () =>
    http.request({
      method: 'POST',
      path: `${candidatePath(candidateId)}/comments`,
      json: body,
      notFound: `candidate ${candidateId}`,
      redactBody,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

const TYPE_WORDS: Record<AttachmentType, string> = { CV: 'CV', COVER_LETTER: 'Cover letter', OTHER: 'Document' };

export async function addCandidateAttachment(
  ctx: WorkableContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
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

export async function listCandidateAttachments(
  ctx: WorkableContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const http = workableClient(ctx);
  const res = await withScope(SCOPES.readCandidates, 'read candidate files', () =>
    http.request<{ files?: WkFile[] }>({
      method: 'GET',
      path: `${candidatePath(candidate.remote_id)}/files`,
      notFound: `candidate ${candidate.remote_id}`,
    }),
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

// ---------------------------------------------------------------------------------------------
// Application notes and files: the Workable candidate record is the application
// ---------------------------------------------------------------------------------------------

/** A comment on the per-job candidate record, as the acting member (remote_fields.workable.on_behalf_of_user_remote_id). */
export async function addApplicationNote(ctx: WorkableContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const http = workableClient(ctx);
  const member = await actingMember(ctx, http, note.remote_fields);
  await postComment(http, application.remote_id, { member_id: member, comment: { body: note.content } });
  return { warnings: [] };
}

const recordOf = (application: ApplicationRef): CandidateRef => ({ remote_id: application.remote_id, applications: [application] });

export const addApplicationAttachment = (ctx: WorkableContext, application: ApplicationRef, attachment: AttachmentInput) =>
  addCandidateAttachment(ctx, recordOf(application), attachment);

export const listApplicationAttachments = (ctx: WorkableContext, application: ApplicationRef) =>
  listCandidateAttachments(ctx, recordOf(application));

// ---------------------------------------------------------------------------------------------
// Stage moves and disqualifications (an application is Workable's per-job candidate record)
// ---------------------------------------------------------------------------------------------

/** POST /candidates/:id/move `{member_id, target_stage}` (the stage slug) as the acting member [WK-MOVE]. */
export async function moveApplicationToStage(
  ctx: WorkableContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  const http = workableClient(ctx);
  const member = await actingMember(ctx, http, move.remote_fields);
  await withScope(SCOPES.writeCandidates, 'move candidates', () =>
    http.request({
      method: 'POST',
      path: `${candidatePath(application.remote_id)}/move`,
      json: { member_id: member, target_stage: move.stage.remote_id },
      notFound: `candidate ${application.remote_id}`,
    }),
  );
  return { warnings: [] };
}

/** Longest `disqualify_note` Workable takes ("Max length 256 characters") [WK-DQ]. */
const DISQUALIFY_NOTE_MAX = 256;

/**
 * POST /candidates/:id/disqualify `{member_id, disqualify_reason_id, withdrew, disqualify_note?}`
 * [WK-DQ]: `withdrew` follows the reason's own category (`candidate_withdrew`). A note longer
 * than Workable's 256 characters is posted as a comment instead (a secondary step), with a warning.
 */
export async function rejectApplication(ctx: WorkableContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const http = workableClient(ctx);
  const member = await actingMember(ctx, http, reject.remote_fields);
  const fits = !!reject.note && reject.note.length <= DISQUALIFY_NOTE_MAX;
  const withdrew = (reject.reason.remote_data?.['/disqualification_reasons'] as { candidate_withdrew?: unknown } | undefined)
    ?.candidate_withdrew;
  await withScope(SCOPES.writeCandidates, 'disqualify candidates', () =>
    http.request({
      method: 'POST',
      path: `${candidatePath(application.remote_id)}/disqualify`,
      json: {
        member_id: member,
        disqualify_reason_id: reject.reason.remote_id,
        withdrew: withdrew === true,
        ...(fits ? { disqualify_note: reject.note } : {}),
      },
      notFound: `candidate ${application.remote_id}`,
    }),
  );
  const warnings: string[] = [];
  if (reject.note && !fits) {
    const done = await secondaryStep(warnings, 'Adding the rejection note as a Workable comment', () =>
      postComment(http, application.remote_id, { member_id: member, comment: { body: reject.note! } }),
    );
    if (done.ok)
      warnings.push(
        `Workable's disqualify note takes at most ${DISQUALIFY_NOTE_MAX} characters; the rejection note was posted as a comment instead.`,
      );
  }
  return { warnings };
}

interface WkDisqualificationReason {
  id: string;
  description?: string | null;
  candidate_withdrew?: boolean | null;
  position?: number | null;
}

/**
 * GET /disqualification_reasons (scope r_jobs) [WK-DQR]. The page documents the item keys and
 * calls the answer "a collection" without showing its envelope: a bare array and an object
 * with a `disqualification_reasons` array are both read.
 */
export async function* readRejectionReasons(ctx: WorkableContext): PageStream<RemoteRejectionReason> {
  const res = await withScope(SCOPES.readJobs, 'read disqualification reasons', () =>
    workableClient(ctx).request<WkDisqualificationReason[] | { disqualification_reasons?: WkDisqualificationReason[] }>({
      method: 'GET',
      path: 'disqualification_reasons',
    }),
  );
  const rows = Array.isArray(res.data) ? res.data : (res.data?.disqualification_reasons ?? []);
  yield [...rows]
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((r) => ({ remote_id: String(r.id), name: r.description ?? null, remote_data: { '/disqualification_reasons': r } }));
}
