/**
 * Writes through Harvest v3. Greenhouse's native assessment results need a partnership, so a
 * result link becomes a note on the candidate (POST /v3/notes); its attributes go to existing
 * custom fields named "<prefix> <key>" (PATCH /v3/candidates|applications/{id}), the rest into
 * the note. Files go to POST /v3/attachments as base64 JSON: in v3 a file belongs to an
 * application, so a candidate-level upload lands on the candidate's current application.
 */
import { AtsgateError } from '../../errors.ts';
import { attributeFields, currentApplications, customFieldName, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef, AttachmentInput, AttachmentType, CandidateRef, RemoteAttachment, RemoteCustomField, ResultLinkInput, WriteResult,
} from '../types.ts';
import { Harvest, numericId, TOOL, type GreenhouseContext } from './client.ts';
import { ATTACHMENT_TYPES, SCOPES } from './definition.ts';
import type { V3Application } from './read.ts';
import { attachmentBytes, contentTypeFromName as contentTypeOf } from '../helpers/files.ts';

type Kind = 'candidate' | 'application';
interface Target { kind: Kind; id: string }
interface V3CustomField { id: number | string; name: string; field_type: string; active?: boolean | null }

/** Notes written for a result link are visible to everyone who can see the candidate. */
const NOTE_VISIBILITY = 'public';

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: GreenhouseContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const gh = new Harvest(ctx, link.remote_fields);
  const warnings = [warn.note(TOOL, 'candidate')];
  // Candidate fields first; an attribute only defined on applications goes to the current ones.
  const secondary = currentApplications(candidate).map((a): Target => ({ kind: 'application', id: a.remote_id }));
  const written = await writeAttributes(gh, link, { kind: 'candidate', id: candidate.remote_id }, secondary, warnings);
  await createNote(gh, { candidateId: candidate.remote_id, applicationId: null, body: noteBody(link, written) });
  return { warnings };
}

export async function addApplicationResultLink(ctx: GreenhouseContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  const gh = new Harvest(ctx, link.remote_fields);
  // v3 notes live on the candidate; the application id tags the note and is named in its text.
  const warnings = [warn.note(TOOL, 'candidate'), warn.onCandidate(TOOL)];
  const secondary: Target[] = [{ kind: 'candidate', id: application.candidate_remote_id }];
  const written = await writeAttributes(gh, link, { kind: 'application', id: application.remote_id }, secondary, warnings);
  const context = `Application ${application.remote_id}${application.job_remote_id ? ` for job ${application.job_remote_id}` : ''}`;
  await createNote(gh, {
    candidateId: application.candidate_remote_id,
    applicationId: application.remote_id,
    body: `${noteBody(link, written)}\n${context}`,
  });
  return { warnings };
}

/** The note: label and URL, plus every attribute that did not land in a custom field. */
function noteBody(link: ResultLinkInput, written: Set<string>): string {
  if (!link.details) return resultNoteText(link);
  const { custom_field_name_prefix: prefix, attributes } = link.details;
  const rest = attributes.filter((a) => !written.has(customFieldName(prefix, a.key)));
  return resultNoteText({ ...link, details: { custom_field_name_prefix: prefix, attributes: rest } });
}

/** POST /v3/notes (scope harvest:notes:create). */
async function createNote(gh: Harvest, note: { candidateId: string; applicationId: string | null; body: string }): Promise<void> {
  await gh.request(SCOPES.notesCreate, {
    method: 'POST',
    path: 'notes',
    json: {
      candidate_id: numericId(note.candidateId),
      ...(note.applicationId ? { application_id: numericId(note.applicationId) } : {}),
      // The author; without one Greenhouse attributes the note to the token's user.
      ...(gh.userId ? { user_id: numericId(gh.userId) } : {}),
      body: note.body,
      visibility: NOTE_VISIBILITY,
      note_type: 'NOTE',
    },
    notFound: note.applicationId ? `application ${note.applicationId}` : `candidate ${note.candidateId}`,
  });
}

/**
 * Writes `details.attributes` into custom fields named "<prefix> <key>" that already exist:
 * on the primary record if it has such a field, else on the secondary records. Returns the
 * field names written; the caller puts the others into the note.
 */
async function writeAttributes(gh: Harvest, link: ResultLinkInput, primary: Target, secondary: Target[], warnings: string[]): Promise<Set<string>> {
  const attrs = attributeFields(link);
  const names = Object.keys(attrs);
  const written = new Set<string>();
  if (!names.length) return written;

  const kinds: Kind[] = [primary.kind, ...(secondary.length ? [secondary[0].kind] : [])];
  const fields = await customFieldsByName(gh, kinds, warnings);
  if (!fields) {
    warnings.push(warn.attributesAsNote(TOOL));
    return written;
  }

  // One PATCH per record, carrying every field that record receives.
  const patches = new Map<string, { target: Target; items: { name: string; fieldId: number | string }[] }>();
  const assign = (target: Target, name: string, fieldId: number | string) => {
    const key = `${target.kind}:${target.id}`;
    const entry = patches.get(key) ?? { target, items: [] };
    entry.items.push({ name, fieldId });
    patches.set(key, entry);
  };
  const onPrimary: string[] = [];
  const onSecondary: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const own = fields.get(`${primary.kind}:${name.toLowerCase()}`);
    const other = secondary.length ? fields.get(`${secondary[0].kind}:${name.toLowerCase()}`) : undefined;
    if (own) {
      assign(primary, name, own.id);
      onPrimary.push(name);
    } else if (other) {
      for (const t of secondary) assign(t, name, other.id);
      onSecondary.push(name);
    } else missing.push(name);
  }

  const refused = new Set<string>();
  for (const { target, items } of patches.values()) {
    const ok = await patchCustomFields(gh, target, items.map((i) => ({ id: i.fieldId, value: attrs[i.name] })), warnings);
    if (!ok) for (const i of items) refused.add(i.name);
  }

  for (const n of [...onPrimary, ...onSecondary]) if (!refused.has(n)) written.add(n);
  if (written.size) warnings.push(warn.customFields(TOOL, [...written]));
  if (onSecondary.some((n) => written.has(n))) {
    warnings.push(primary.kind === 'candidate' ? warn.fannedOut(TOOL, secondary.length) : warn.onCandidate(TOOL));
  }
  if (missing.length) {
    warnings.push(`${warn.attributesAsNote(TOOL)} No ${primary.kind} custom field exists for: ${missing.map((m) => `"${m}"`).join(', ')}.`);
  }
  if (refused.size && !missing.length) warnings.push(warn.attributesAsNote(TOOL));
  return written;
}

/** Active candidate and application custom fields (GET /v3/custom_fields, as result links read them). */
export async function listCustomFields(ctx: GreenhouseContext): Promise<RemoteCustomField[]> {
  const gh = new Harvest(ctx);
  const out: RemoteCustomField[] = [];
  for (const kind of ['candidate', 'application'] as const) {
    for (const f of await gh.all<V3CustomField>(SCOPES.customFields, 'custom_fields', { field_type: kind })) {
      if (f.active === false || f.field_type !== kind) continue;
      out.push({ remote_id: String(f.id), name: String(f.name), model: kind === 'candidate' ? 'ats_candidates' : 'ats_applications' });
    }
  }
  return out;
}

/**
 * Active custom field definitions of the given types, keyed `kind:lowercased name`. Null when
 * the credential may not list them: the attributes then go into the note instead of failing.
 */
async function customFieldsByName(gh: Harvest, kinds: Kind[], warnings: string[]): Promise<Map<string, V3CustomField> | null> {
  const out = new Map<string, V3CustomField>();
  try {
    for (const kind of new Set(kinds)) {
      for (const f of await gh.all<V3CustomField>(SCOPES.customFields, 'custom_fields', { field_type: kind })) {
        if (f.active === false || f.field_type !== kind) continue;
        out.set(`${kind}:${String(f.name).trim().toLowerCase()}`, f);
      }
    }
    return out;
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
    warnings.push(`Greenhouse custom fields could not be listed (the credential lacks the scope "${SCOPES.customFields}").`);
    return null;
  }
}

/** PATCH /v3/{candidates|applications}/{id} with `custom_fields: [{id, value}]`. False: scope missing. */
async function patchCustomFields(gh: Harvest, target: Target, values: { id: number | string; value: string }[], warnings: string[]): Promise<boolean> {
  const scope = target.kind === 'candidate' ? SCOPES.candidatesUpdate : SCOPES.applicationsUpdate;
  try {
    await gh.request(scope, {
      method: 'PATCH',
      path: `${target.kind === 'candidate' ? 'candidates' : 'applications'}/${encodeURIComponent(target.id)}`,
      json: { custom_fields: values.map((v) => ({ id: numericId(String(v.id)), value: v.value })) },
      notFound: `${target.kind} ${target.id}`,
    });
    return true;
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
    warnings.push(`Greenhouse refused to update ${target.kind} ${target.id}'s custom fields (the credential lacks the scope "${scope}").`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

/** Blank candidate refs (not synced yet) fall back to asking Greenhouse for the applications. */
async function applicationsOf(gh: Harvest, candidate: CandidateRef): Promise<ApplicationRef[]> {
  if (candidate.applications.length) return currentApplications(candidate);
  const apps = await gh.all<V3Application>(SCOPES.applications, 'applications', { candidate_ids: candidate.remote_id });
  const refs = apps
    .sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))
    .map((a): ApplicationRef => ({
      remote_id: String(a.id),
      candidate_remote_id: String(a.candidate_id),
      job_remote_id: a.job_id == null ? null : String(a.job_id),
      outcome: a.status === 'hired' ? 'HIRED' : a.status === 'rejected' ? 'DECLINED' : 'PENDING',
    }));
  return currentApplications({ remote_id: candidate.remote_id, applications: refs });
}

export async function addCandidateAttachment(ctx: GreenhouseContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const gh = new Harvest(ctx, attachment.remote_fields);
  const apps = await applicationsOf(gh, candidate);
  if (!apps.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Candidate ${candidate.remote_id} has no application in Greenhouse; Harvest v3 stores files on applications, so there is nowhere to attach it.`,
    );
  }
  const target = apps[0];
  await gh.request(SCOPES.attachmentsCreate, {
    method: 'POST',
    path: 'attachments',
    json: {
      application_id: numericId(target.remote_id),
      filename: attachment.name,
      type: ATTACHMENT_TYPES[attachment.type],
      content: (await attachmentBytes(attachment)).toString('base64'),
      content_type: attachment.content_type,
    },
    redactBody: true,
    notFound: `application ${target.remote_id}`,
  });
  const warnings = [
    `Greenhouse stores files on applications; the file was attached to application ${target.remote_id}` +
      (apps.length > 1 ? ` (the newest of ${apps.length} current applications)` : '') +
      " and appears on the candidate's profile.",
  ];
  if (attachment.type !== 'OTHER') {
    warnings.push(`Greenhouse keeps one ${ATTACHMENT_TYPES[attachment.type]} per application; an earlier one on that application was reclassified as "other".`);
  }
  return { warnings };
}

const VENDOR_TO_KOMBO: Record<string, AttachmentType> = { resume: 'CV', cover_letter: 'COVER_LETTER' };

export async function listCandidateAttachments(ctx: GreenhouseContext, candidate: CandidateRef): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const gh = new Harvest(ctx);
  const rows = await gh.all<any>(SCOPES.attachmentsList, 'attachments', { candidate_ids: candidate.remote_id });
  const attachments = rows.map(
    (r): RemoteAttachment => ({
      remote_id: String(r.id),
      application_remote_id: r.application_id == null ? null : String(r.application_id),
      type: VENDOR_TO_KOMBO[r.type] ?? 'OTHER',
      file_name: r.filename,
      content_type: r.content_type ?? contentTypeOf(r.filename),
      // Greenhouse hands out pre-signed URLs valid for 7 days; no auth needed to fetch them.
      data_url: r.url,
      remote_created_at: r.created_at,
      remote_updated_at: r.updated_at,
    }),
  );
  return { attachments, warnings: [] };
}


