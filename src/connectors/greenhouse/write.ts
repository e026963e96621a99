/**
 * Writes through Harvest v3. Greenhouse's native assessment results need a partnership, so a
 * result link becomes a note on the candidate (POST /v3/notes, the primary write); its
 * attributes go to existing custom fields named "<prefix> <key>" (PATCH
 * /v3/candidates|applications/{id}), the rest into the note. Files go to POST /v3/attachments as
 * base64 JSON: in v3 a file belongs to an application, so a candidate-level upload lands on the
 * candidate's current application.
 *
 * Reads (custom field definitions, record read-backs, application lookups, attachment lists)
 * run as the Site Admin reading user; the note, the PATCH and the upload as the acting user.
 */
import { AtsgateError } from '../../errors.ts';
import { attributeFields, currentApplications, customFieldName, resultNoteText, warn } from '../helpers/result-link.ts';
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
import { Harvest, numericId, TOOL, type GreenhouseContext } from './client.ts';
import { ATTACHMENT_TYPES, SCOPES } from './definition.ts';
import type { V3Application } from './read.ts';
import { attachmentBytes, contentTypeFromName as contentTypeOf } from '../helpers/files.ts';

type Kind = 'candidate' | 'application';
interface Target {
  kind: Kind;
  id: string;
}
interface V3CustomField {
  id: number | string;
  name: string;
  name_key: string;
  field_type: string;
  active?: boolean | null;
}
/** The custom-field writes one record receives: attribute name → the field's name_key. */
interface Patch {
  target: Target;
  items: { name: string; nameKey: string }[];
}
interface AttributePlan {
  patches: Patch[];
  onPrimary: string[];
  onSecondary: string[];
  missing: string[];
}

/** Notes written for a result link are visible to everyone who can see the candidate. */
const NOTE_VISIBILITY = 'public';
/** The visibilities a v3 note takes (Kombo's `remote_fields.greenhousev3.visibility` names the same three). */
type NoteVisibility = 'admin_only' | 'private' | 'public';

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

export async function addCandidateResultLink(ctx: GreenhouseContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const reader = Harvest.reader(ctx);
  const actor = Harvest.actor(ctx, link.remote_fields);
  const warnings = [warn.note(TOOL, 'candidate')];
  // Candidate fields first; an attribute only defined on applications goes to the current ones.
  const secondary = currentApplications(candidate).map((a): Target => ({ kind: 'application', id: a.remote_id }));
  const plan = await planAttributes(reader, link, { kind: 'candidate', id: candidate.remote_id }, secondary, warnings);
  const note = { candidateId: candidate.remote_id, applicationId: null };
  await createNote(actor, { ...note, body: noteBody(link, plannedNames(plan)) });
  await writeAttributes(reader, actor, link, plan, 'candidate', note, warnings);
  return { warnings };
}

export async function addApplicationResultLink(
  ctx: GreenhouseContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const reader = Harvest.reader(ctx);
  const actor = Harvest.actor(ctx, link.remote_fields);
  // v3 notes live on the candidate; the application id tags the note and is named in its text.
  const warnings = [warn.note(TOOL, 'candidate'), warn.onCandidate(TOOL)];
  const secondary: Target[] = [{ kind: 'candidate', id: application.candidate_remote_id }];
  const plan = await planAttributes(reader, link, { kind: 'application', id: application.remote_id }, secondary, warnings);
  const context = `Application ${application.remote_id}${application.job_remote_id ? ` for job ${application.job_remote_id}` : ''}`;
  const note = { candidateId: application.candidate_remote_id, applicationId: application.remote_id };
  await createNote(actor, { ...note, body: `${noteBody(link, plannedNames(plan))}\n${context}` });
  await writeAttributes(reader, actor, link, plan, 'application', note, warnings);
  return { warnings };
}

/** The note: label and URL, plus every attribute that is not going to a custom field. */
function noteBody(link: ResultLinkInput, toFields: Set<string>): string {
  if (!link.details) return resultNoteText(link);
  const { custom_field_name_prefix: prefix, attributes } = link.details;
  const rest = attributes.filter((a) => !toFields.has(customFieldName(prefix, a.key)));
  return resultNoteText({ ...link, details: { custom_field_name_prefix: prefix, attributes: rest } });
}

function plannedNames(plan: AttributePlan | null): Set<string> {
  return new Set(plan ? [...plan.onPrimary, ...plan.onSecondary] : []);
}

/**
 * POST /v3/notes (scope harvest:notes:create), as the acting user. Body shape from three
 * independent v3 clients [GH-3P]; the vendor reference page could not be read.
 */
async function createNote(
  actor: Harvest,
  note: { candidateId: string; applicationId: string | null; body: string; visibility?: NoteVisibility },
): Promise<void> {
  await actor.request(SCOPES.notesCreate, {
    method: 'POST',
    path: 'notes',
    json: {
      candidate_id: numericId(note.candidateId),
      ...(note.applicationId ? { application_id: numericId(note.applicationId) } : {}),
      // The author; without one Greenhouse attributes the note to the token's user.
      ...(actor.userId ? { user_id: numericId(actor.userId) } : {}),
      body: note.body,
      visibility: note.visibility ?? NOTE_VISIBILITY,
      note_type: 'NOTE',
    },
    notFound: note.applicationId ? `application ${note.applicationId}` : `candidate ${note.candidateId}`,
  });
}

/**
 * Which attribute goes to which existing custom field "<prefix> <key>": on the primary record if
 * it has such a field, else on the secondary records. Null (all attributes into the note) when
 * the field definitions cannot be read.
 */
async function planAttributes(
  reader: Harvest,
  link: ResultLinkInput,
  primary: Target,
  secondary: Target[],
  warnings: string[],
): Promise<AttributePlan | null> {
  const names = Object.keys(attributeFields(link));
  if (!names.length) return null;
  const kinds: Kind[] = [primary.kind, ...(secondary.length ? [secondary[0].kind] : [])];
  const listed = await secondaryStep(warnings, 'Listing Greenhouse custom fields', () => customFieldsByName(reader, kinds));
  if (!listed.ok || !listed.value) {
    warnings.push(warn.attributesAsNote(TOOL));
    return null;
  }
  const fields = listed.value;
  const patches = new Map<string, Patch>();
  const assign = (target: Target, name: string, nameKey: string) => {
    const key = `${target.kind}:${target.id}`;
    const entry = patches.get(key) ?? { target, items: [] };
    entry.items.push({ name, nameKey });
    patches.set(key, entry);
  };
  const plan: AttributePlan = { patches: [], onPrimary: [], onSecondary: [], missing: [] };
  for (const name of names) {
    const own = fields.get(`${primary.kind}:${name.toLowerCase()}`);
    const other = secondary.length ? fields.get(`${secondary[0].kind}:${name.toLowerCase()}`) : undefined;
    if (own) {
      assign(primary, name, own.name_key);
      plan.onPrimary.push(name);
    } else if (other) {
      for (const t of secondary) assign(t, name, other.name_key);
      plan.onSecondary.push(name);
    } else plan.missing.push(name);
  }
  plan.patches = [...patches.values()];
  return plan;
}

/** Active candidate and application custom fields (GET /v3/custom_fields, as result links read them). */
export async function listCustomFields(ctx: GreenhouseContext): Promise<RemoteCustomField[]> {
  const gh = Harvest.reader(ctx);
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
 * The secondary step, after the note: one PATCH per record. A refused PATCH costs nothing
 * already written: its attributes go into a follow-up note and a warning says why.
 */
async function writeAttributes(
  reader: Harvest,
  actor: Harvest,
  link: ResultLinkInput,
  plan: AttributePlan | null,
  level: Kind,
  note: { candidateId: string; applicationId: string | null },
  warnings: string[],
): Promise<void> {
  if (!plan) return;
  const attrs = attributeFields(link);
  const refused = new Set<string>();
  for (const { target, items } of plan.patches) {
    const done = await secondaryStep(
      warnings,
      `Writing ${target.kind} ${target.id}'s Greenhouse custom fields`,
      () =>
        patchCustomFields(
          reader,
          actor,
          target,
          items.map((i) => ({ name_key: i.nameKey, value: attrs[i.name] })),
        ),
      { fallback: 'Those attributes were added to a follow-up note instead.' },
    );
    if (!done.ok) for (const i of items) refused.add(i.name);
  }
  const written = [...plan.onPrimary, ...plan.onSecondary].filter((n) => !refused.has(n));
  if (written.length) warnings.push(warn.customFields(TOOL, written));
  if (plan.onSecondary.some((n) => !refused.has(n))) {
    warnings.push(
      level === 'candidate'
        ? warn.fannedOut(TOOL, plan.patches.filter((p) => p.target.kind === 'application').length)
        : warn.onCandidate(TOOL),
    );
  }
  if (plan.missing.length) {
    warnings.push(`${warn.attributesAsNote(TOOL)} No ${level} custom field exists for: ${plan.missing.map((m) => `"${m}"`).join(', ')}.`);
  }
  if (!refused.size) return;
  if (!plan.missing.length) warnings.push(warn.attributesAsNote(TOOL));
  const lines = [...refused].map((n) => `${n}: ${attrs[n]}`);
  await secondaryStep(warnings, 'Adding the refused attributes as a follow-up Greenhouse note', () =>
    createNote(actor, { ...note, body: [`${link.label} (attributes): ${link.url}`, ...lines].join('\n') }),
  );
}

/**
 * Active custom field definitions of the given types, keyed `kind:lowercased name`. A refusal
 * (e.g. the scope is missing) throws; the caller turns it into a warning.
 */
async function customFieldsByName(reader: Harvest, kinds: Kind[]): Promise<Map<string, V3CustomField>> {
  const out = new Map<string, V3CustomField>();
  for (const kind of new Set(kinds)) {
    for (const f of await reader.all<V3CustomField>(SCOPES.customFields, 'custom_fields', { field_type: kind })) {
      if (f.active === false || f.field_type !== kind || !f.name_key) continue;
      out.set(`${kind}:${String(f.name).trim().toLowerCase()}`, f);
    }
  }
  return out;
}

/**
 * PATCH /v3/{candidates|applications}/{id} with `custom_fields: [{name_key, value}]`. The v3
 * reference names `name_key` "the canonical key when reading/writing custom_fields" [GH-V3T
 * 0077]. Whether the PATCH merges into or replaces the record's values is not documented where
 * we could read it, so we send the complete set: the record's current values, read back first,
 * with ours on top. That is right under either answer (a third-party v3 client does the same
 * [GH-3P custom-fields.ts]).
 */
async function patchCustomFields(
  reader: Harvest,
  actor: Harvest,
  target: Target,
  values: { name_key: string; value: string }[],
): Promise<void> {
  const plural = target.kind === 'candidate' ? 'candidates' : 'applications';
  const listScope = target.kind === 'candidate' ? SCOPES.candidates : SCOPES.applications;
  const [record] = await reader.all<{ custom_fields?: unknown }>(listScope, plural, { ids: target.id });
  const complete = new Map<string, unknown>();
  for (const [nameKey, raw] of Object.entries(
    record?.custom_fields && typeof record.custom_fields === 'object' ? record.custom_fields : {},
  )) {
    const value = raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw ? (raw as { value: unknown }).value : raw;
    if (value !== null && value !== undefined) complete.set(nameKey, value);
  }
  for (const v of values) complete.set(v.name_key, v.value);
  await actor.request(target.kind === 'candidate' ? SCOPES.candidatesUpdate : SCOPES.applicationsUpdate, {
    method: 'PATCH',
    path: `${plural}/${encodeURIComponent(target.id)}`,
    json: { custom_fields: [...complete].map(([name_key, value]) => ({ name_key, value })) },
    notFound: `${target.kind} ${target.id}`,
  });
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
    .map(
      (a): ApplicationRef => ({
        remote_id: String(a.id),
        candidate_remote_id: String(a.candidate_id),
        job_remote_id: a.job_id == null ? null : String(a.job_id),
        outcome: a.status === 'hired' ? 'HIRED' : a.status === 'rejected' ? 'DECLINED' : 'PENDING',
      }),
    );
  return currentApplications({ remote_id: candidate.remote_id, applications: refs });
}

export async function addCandidateAttachment(
  ctx: GreenhouseContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const apps = await applicationsOf(Harvest.reader(ctx), candidate);
  if (!apps.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Candidate ${candidate.remote_id} has no application in Greenhouse; Harvest v3 stores files on applications, so there is nowhere to attach it.`,
    );
  }
  const target = apps[0];
  await uploadToApplication(ctx, target.remote_id, attachment);
  const warnings = [
    `Greenhouse stores files on applications; the file was attached to application ${target.remote_id}` +
      (apps.length > 1 ? ` (the newest of ${apps.length} current applications)` : '') +
      " and appears on the candidate's profile.",
  ];
  return { warnings: [...warnings, ...typeWarnings(attachment)] };
}

/** A file on one application: where Harvest v3 keeps files anyway. */
export async function addApplicationAttachment(
  ctx: GreenhouseContext,
  application: ApplicationRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  await uploadToApplication(ctx, application.remote_id, attachment);
  return { warnings: typeWarnings(attachment) };
}

async function uploadToApplication(ctx: GreenhouseContext, applicationId: string, attachment: AttachmentInput): Promise<void> {
  // Body per reference/post_v3-attachments: no content_type (v1 had one; v3 lists application_id,
  // filename, type, content|url, visibility), so none is sent [ATS-V §1.2].
  await Harvest.actor(ctx, attachment.remote_fields).request(SCOPES.attachmentsCreate, {
    method: 'POST',
    path: 'attachments',
    json: {
      application_id: numericId(applicationId),
      filename: attachment.name,
      type: ATTACHMENT_TYPES[attachment.type],
      content: (await attachmentBytes(attachment)).toString('base64'),
    },
    redactBody: true,
    notFound: `application ${applicationId}`,
  });
}

function typeWarnings(attachment: AttachmentInput): string[] {
  return attachment.type === 'OTHER'
    ? []
    : [
        `Greenhouse keeps one ${ATTACHMENT_TYPES[attachment.type]} per application; an earlier one on that application was reclassified as "other".`,
      ];
}

const VENDOR_TO_KOMBO: Record<string, AttachmentType> = { resume: 'CV', cover_letter: 'COVER_LETTER' };

export async function listCandidateAttachments(
  ctx: GreenhouseContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const gh = Harvest.reader(ctx);
  const rows = await gh.all<any>(SCOPES.attachmentsList, 'attachments', { candidate_ids: candidate.remote_id });
  const attachments = rows.map(
    (r): RemoteAttachment => ({
      remote_id: String(r.id),
      application_remote_id: r.application_id == null ? null : String(r.application_id),
      type: VENDOR_TO_KOMBO[r.type] ?? 'OTHER',
      file_name: r.filename,
      // v3 lists no MIME type (get_v3-attachments), so it comes from the file name.
      content_type: contentTypeOf(r.filename),
      // Greenhouse hands out pre-signed URLs valid for 7 days; no auth needed to fetch them.
      data_url: r.url,
      remote_created_at: r.created_at,
      remote_updated_at: r.updated_at,
    }),
  );
  return { attachments, warnings: [] };
}

/**
 * One application's files: the candidate's list (the documented `candidate_ids` filter) narrowed
 * to the rows whose `application_id` is this application, since every v3 file belongs to one.
 */
export async function listApplicationAttachments(
  ctx: GreenhouseContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const all = await listCandidateAttachments(ctx, { remote_id: application.candidate_remote_id, applications: [application] });
  return { attachments: all.attachments.filter((a) => a.application_remote_id === application.remote_id), warnings: all.warnings };
}

// ---------------------------------------------------------------------------------------------
// Application notes
// ---------------------------------------------------------------------------------------------

/**
 * POST /v3/notes with the application's id: the note shows on the candidate's profile, tied to
 * that application. Author: `remote_fields.greenhouse.post_headers["On-Behalf-Of"]` as for every
 * write; visibility: `remote_fields.greenhousev3.visibility` (Kombo's name), else public.
 */
export async function addApplicationNote(ctx: GreenhouseContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const visibility = note.remote_fields.greenhousev3?.visibility as NoteVisibility | undefined;
  await createNote(Harvest.actor(ctx, note.remote_fields), {
    candidateId: application.candidate_remote_id,
    applicationId: application.remote_id,
    body: note.content,
    visibility,
  });
  return { warnings: [] };
}

// ---------------------------------------------------------------------------------------------
// Stage moves and rejections
// ---------------------------------------------------------------------------------------------

/** The application as Greenhouse holds it now (the synced copy may be older). */
async function liveApplication(ctx: GreenhouseContext, remoteId: string): Promise<V3Application> {
  const [app] = await Harvest.reader(ctx).all<V3Application>(SCOPES.applications, 'applications', { ids: remoteId });
  if (!app) throw new AtsgateError('PLATFORM.INPUT_INVALID', `Application ${remoteId} was not found in Greenhouse.`, { status: 404 });
  return app;
}

/**
 * POST /v3/applications/{id}/move `{from_stage_id, to_stage_id}` as the acting user: `from_stage_id`
 * is the application's current `stage_id` (its application-stage row, read fresh), `to_stage_id`
 * a job interview stage of the same job [GH-MOVE]. Greenhouse moves only active applications; a
 * rejected or hired one is refused here, saying so, before any write.
 */
export async function moveApplicationToStage(
  ctx: GreenhouseContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  const app = await liveApplication(ctx, application.remote_id);
  if (app.status !== 'in_process' || app.stage_id == null) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Application ${application.remote_id} is ${app.status ?? 'not active'} in Greenhouse, which moves only active applications; unreject it in Greenhouse first.`,
    );
  }
  await Harvest.actor(ctx, move.remote_fields).request(SCOPES.applicationsMove, {
    method: 'POST',
    path: `applications/${encodeURIComponent(application.remote_id)}/move`,
    json: { from_stage_id: numericId(String(app.stage_id)), to_stage_id: numericId(move.stage.remote_id) },
    notFound: `application ${application.remote_id}`,
  });
  return { warnings: [] };
}

/**
 * POST /v3/applications/{id}/reject `{rejection_reason_id, notes?, rejection_email?}` as the acting
 * user [GH-REJECT]. The note travels as Greenhouse's rejection `notes`; Kombo's
 * `remote_fields.greenhouse.rejection_email` (or `greenhousev3.rejection_email`) is passed as
 * `rejection_email`, so no email goes out unless the caller asks for one.
 */
export async function rejectApplication(ctx: GreenhouseContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const email = reject.remote_fields.greenhousev3?.rejection_email ?? reject.remote_fields.greenhouse?.rejection_email;
  await Harvest.actor(ctx, reject.remote_fields).request(SCOPES.applicationsReject, {
    method: 'POST',
    path: `applications/${encodeURIComponent(application.remote_id)}/reject`,
    json: {
      rejection_reason_id: numericId(reject.reason.remote_id),
      ...(reject.note ? { notes: reject.note } : {}),
      ...(email && typeof email === 'object' ? { rejection_email: email } : {}),
    },
    notFound: `application ${application.remote_id}`,
  });
  return { warnings: [] };
}

/** The organisation's rejection reasons and Greenhouse's built-in ones (`include_defaults`), as the sync names them. */
export async function* readRejectionReasons(ctx: GreenhouseContext): PageStream<RemoteRejectionReason> {
  const gh = Harvest.reader(ctx);
  for await (const page of gh.list<{ id: number | string; name?: string | null }>(SCOPES.rejectionReasons, 'rejection_reasons', {
    include_defaults: 'true',
  })) {
    yield page.map((r) => ({ remote_id: String(r.id), name: r.name ?? null, remote_data: { '/v3/rejection_reasons': r } }));
  }
}
