/**
 * Writing to iCIMS:
 * - result links → an entry of the Recruiting Workflow's `assessmentresults` collection
 *   (POST /applicantworkflows/{id}/fields/assessmentresults: assessmentname, assessmentresult,
 *   assessmentscore, assessmentnotes, assessmentdate); a candidate-level link goes to the
 *   candidate's current Recruiting Workflows;
 * - files → the Person's binary fields (PATCH /people/{id}/fields/{field}/binary, multipart):
 *   a CV to the standard `resume` field, any other file to the first empty one of the customer's
 *   file fields (`file_fields`); an application's file goes to its person;
 * - notes: iCIMS's REST API documents no notes endpoint, so application notes are not available.
 */
import { AtsgateError } from '../../errors.ts';
import { FormData } from '../../http/client.ts';
import { onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBlob, contentTypeFromName } from '../helpers/files.ts';
import { attributeFields, currentApplications, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  CandidateRef,
  NoteInput,
  RemoteAttachment,
  RemoteFields,
  ResultLinkInput,
  WriteResult,
} from '../types.ts';
import { icimsClient, icimsDateTime, icimsErrorMessage, type IcimsContext } from './client.ts';
import { ASSESSMENT_NOTES_MAX, ASSESSMENT_RESULT_MAX } from './definition.ts';

const TOOL = 'iCIMS';
const RESUME_FIELD = 'resume';

export const icimsWarn = {
  packageNotInList: (packageId: string) =>
    `${TOOL} refused assessment package ${packageId} as Assessment Name (not a node of the customer's Assessment Name list); ` +
    'the entry was saved without a name and the label was written into Assessment Notes.',
  nameNotInList: (label: string) =>
    `${TOOL} refused "${label}" as Assessment Name (a list field: the name must exist in the customer's Assessment Name list); ` +
    'the entry was saved without a name and the label was written into Assessment Notes.',
  notesCut: () => `${TOOL}'s Assessment Notes hold at most ${ASSESSMENT_NOTES_MAX} characters; the notes were cut to fit.`,
  urlInNotes: () =>
    `${TOOL}'s Assessment Result holds at most ${ASSESSMENT_RESULT_MAX} characters; the URL was written into Assessment Notes instead.`,
  resumeReplaced: (candidate: string) =>
    `${TOOL} keeps one resume per person; the CV replaced the resume of candidate ${candidate}, if it had one.`,
  fileReplaced: (candidate: string, field: string) =>
    `${TOOL} file fields hold one file each and all of candidate ${candidate}'s were taken; the file replaced the one in field ${field}.`,
};

function ignoredRemoteFields(fields: RemoteFields): string[] {
  return Object.keys(fields)
    .filter((tool) => tool !== 'icims' && fields[tool])
    .map((tool) => warn.ignoredRemoteField(TOOL, tool));
}

/**
 * Kombo's `remote_fields.icims.assessment_package_id` ("the package ID of the assessment that the
 * result link will be added to", application result links only): used as the Assessment Name
 * list node, the field iCIMS's assessment packages fill (README). Other keys are not iCIMS's.
 */
function packageIdOf(fields: RemoteFields): { packageId: string | null; warnings: string[] } {
  const own = fields.icims ?? {};
  const raw = own.assessment_package_id;
  const packageId = typeof raw === 'string' && raw.trim() ? raw.trim() : typeof raw === 'number' ? String(raw) : null;
  const warnings = Object.keys(own)
    .filter((k) => k !== 'assessment_package_id')
    .map((k) => warn.ignoredRemoteField(TOOL, `icims.${k}`));
  return { packageId, warnings };
}

// --------------------------------------------------------------------------------------------
// Result links → assessmentresults
// --------------------------------------------------------------------------------------------

/** The first attribute whose key names a score and whose value is a number (`71%` → 71). */
function scoreOf(link: ResultLinkInput): number | null {
  for (const a of link.details?.attributes ?? []) {
    if (!/score|percent|result/i.test(a.key)) continue;
    const n = Number(a.value.trim().replace(/%$/, ''));
    if (Number.isFinite(n)) return n;
  }
  return null;
}

/** The collection entry for one result link, and the warnings its fitting produced. */
export function assessmentEntry(
  link: ResultLinkInput,
  withName: boolean,
  now = new Date(),
  packageId: string | null = null,
): { entry: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const notes: string[] = [];
  if (!withName) notes.push(link.label);
  const urlFits = link.url.length <= ASSESSMENT_RESULT_MAX;
  if (!urlFits) {
    notes.push(link.url);
    warnings.push(icimsWarn.urlInNotes());
  }
  for (const [name, value] of Object.entries(attributeFields(link))) notes.push(`${name}: ${value}`);
  let noteText = notes.join('; ');
  if (noteText.length > ASSESSMENT_NOTES_MAX) {
    noteText = noteText.slice(0, ASSESSMENT_NOTES_MAX - 1) + '…';
    warnings.push(icimsWarn.notesCut());
  }
  const score = scoreOf(link);
  const entry: Record<string, unknown> = {
    ...(withName ? { assessmentname: packageId ? { id: packageId } : { value: link.label } } : {}),
    ...(urlFits ? { assessmentresult: link.url } : {}),
    ...(score !== null ? { assessmentscore: score } : {}),
    ...(noteText ? { assessmentnotes: noteText } : {}),
    assessmentdate: icimsDateTime(now),
  };
  return { entry, warnings };
}

/** Whether iCIMS's 400 names the assessmentname field (X-Error `<code>:assessmentname:<detail>` or the body's text). */
function refusedName(res: { headers: Record<string, unknown>; data: unknown }): boolean {
  const header = String(res.headers['x-error'] ?? '');
  const body = JSON.stringify(res.data ?? '');
  return /assessmentname/i.test(header) || /assessmentname/i.test(body);
}

/**
 * POST the entry (Collection Fields: 201 Created with a Location). A name the customer's list
 * lacks is refused (400); the entry is then saved without it, the label kept in the notes.
 */
async function addAssessmentResult(
  ctx: IcimsContext,
  workflowId: string,
  link: ResultLinkInput,
  packageId: string | null = null,
): Promise<string[]> {
  const client = icimsClient(ctx);
  const path = `applicantworkflows/${encodeURIComponent(workflowId)}/fields/assessmentresults`;
  const first = assessmentEntry(link, true, new Date(), packageId);
  const res = await client.request({ method: 'POST', path, json: first.entry, accept: [400], notFound: `application ${workflowId}` });
  if (res.status !== 400) return first.warnings;
  if (!refusedName(res as { headers: Record<string, unknown>; data: unknown })) {
    // Any other refusal is the caller's to see, with iCIMS's own words (X-Error or errors[]).
    const why = icimsErrorMessage(res.status, res.data, res.headers as Record<string, string>);
    throw new AtsgateError('REMOTE.INPUT_INVALID', `${TOOL} rejected the assessment result (HTTP 400)${why ? `: ${why}` : ''}`);
  }
  const second = assessmentEntry(link, false);
  await client.request({ method: 'POST', path, json: second.entry, notFound: `application ${workflowId}` });
  return [packageId ? icimsWarn.packageNotInList(packageId) : icimsWarn.nameNotInList(link.label), ...second.warnings];
}

export async function addApplicationResultLink(
  ctx: IcimsContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const { packageId, warnings: packageWarnings } = packageIdOf(link.remote_fields);
  const warnings = await addAssessmentResult(ctx, application.remote_id, link, packageId);
  return { warnings: [...warnings, ...packageWarnings, ...ignoredRemoteFields(link.remote_fields)] };
}

/** iCIMS keeps assessment results on Recruiting Workflows: the link goes to the candidate's current ones. */
export async function addCandidateResultLink(ctx: IcimsContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const targets = currentApplications(candidate);
  if (!targets.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `${TOOL} keeps assessment results on Recruiting Workflows (a candidate's application to a job); candidate ${candidate.remote_id} has none.`,
    );
  }
  const warnings = new Set<string>();
  for (const a of targets) for (const w of await addAssessmentResult(ctx, a.remote_id, link)) warnings.add(w);
  return { warnings: [warn.fannedOut(TOOL, targets.length), ...warnings, ...ignoredRemoteFields(link.remote_fields)] };
}

export function addApplicationNote(_ctx: IcimsContext, _application: ApplicationRef, _note: NoteInput): Promise<WriteResult> {
  return Promise.reject(
    new AtsgateError(
      'INTEGRATION.ACTION_NOT_AVAILABLE',
      `${TOOL}'s REST API documents no way to add notes to a profile; use a result link (Assessment Results) instead.`,
    ),
  );
}

// --------------------------------------------------------------------------------------------
// Files → Person binary fields
// --------------------------------------------------------------------------------------------

/** The customer's file fields for non-CV files, checked (`field` + digits, as iCIMS names custom fields). */
function fileFields(ctx: IcimsContext): string[] {
  const fields = (ctx.credentials.file_fields ?? '')
    .split(/[\s,]+/)
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  for (const f of fields) {
    if (!/^field[0-9]+$/.test(f)) {
      throw new AtsgateError(
        'INTEGRATION.SETUP_INCOMPLETE',
        `The ${TOOL} integration's file field "${f}" is not a field ID such as field12345 (iCIMS names custom fields so).`,
      );
    }
  }
  return [...new Set(fields)];
}

/** GET /people/{id}?fields=…: which of the person's file fields hold a file, and its value. */
async function fileValues(ctx: IcimsContext, personId: string, fields: string[]): Promise<Record<string, unknown>> {
  const res = await icimsClient(ctx).request<Record<string, unknown>>({
    method: 'GET',
    path: `people/${encodeURIComponent(personId)}`,
    query: { fields: fields.join(',') },
    notFound: `candidate ${personId}`,
  });
  return res.data ?? {};
}

const holdsFile = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * Where a file goes: a CV to `resume`; any other file to the first of the integration's file
 * fields that is empty, else (all full) to the first of them, replacing its file.
 */
async function targetField(
  ctx: IcimsContext,
  personId: string,
  attachment: AttachmentInput,
): Promise<{ field: string; replaces: boolean }> {
  if (attachment.type === 'CV') return { field: RESUME_FIELD, replaces: true };
  const fields = fileFields(ctx);
  if (!fields.length) {
    throw new AtsgateError(
      'INTEGRATION.ACTION_NOT_AVAILABLE',
      `${TOOL} stores files in fields of the person: CVs in Resume, other files in file fields the integration names ` +
        '(its "Person file fields" setting is empty, so only CVs can be attached).',
    );
  }
  const values = await fileValues(ctx, personId, fields);
  const empty = fields.find((f) => !holdsFile(values[f]));
  return empty ? { field: empty, replaces: false } : { field: fields[0], replaces: true };
}

/** PATCH …/fields/{field}/binary, multipart (Binary Files: 204 No Content). */
export async function addCandidateAttachment(
  ctx: IcimsContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const { field, replaces } = await targetField(ctx, candidate.remote_id, attachment);
  const form = new FormData();
  form.append('file', attachmentBlob(attachment), attachment.name);
  await icimsClient(ctx).request({
    method: 'PATCH',
    path: `people/${encodeURIComponent(candidate.remote_id)}/fields/${field}/binary`,
    body: form,
    notFound: `candidate ${candidate.remote_id}`,
  });
  const warnings =
    field === RESUME_FIELD
      ? [icimsWarn.resumeReplaced(candidate.remote_id)]
      : replaces
        ? [icimsWarn.fileReplaced(candidate.remote_id, field)]
        : [];
  return { warnings: [...warnings, ...ignoredRemoteFields(attachment.remote_fields)] };
}

/** A FILE field's value as iCIMS returns it on the profile: a name string or an object naming the file. */
function fileNameOf(v: unknown): string | null {
  if (typeof v === 'string' && v.trim()) return v.split('/').pop() ?? v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['filename', 'file', 'name', 'value']) if (typeof o[k] === 'string' && o[k]) return String(o[k]).split('/').pop()!;
    return null;
  }
  return null;
}

/** The person's files: GET /people/{id}?fields=resume,<file fields>; a field with a value holds a file. */
export async function listCandidateAttachments(
  ctx: IcimsContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const fields = [RESUME_FIELD, ...fileFields(ctx)];
  const values = await fileValues(ctx, candidate.remote_id, fields);
  const attachments: RemoteAttachment[] = [];
  for (const field of fields) {
    if (!holdsFile(values[field])) continue;
    const name = fileNameOf(values[field]) ?? field;
    attachments.push({
      remote_id: `${candidate.remote_id}:${field}`,
      application_remote_id: null,
      type: field === RESUME_FIELD ? 'CV' : 'OTHER',
      file_name: name,
      content_type: contentTypeFromName(name),
      data_url: ctx.signedFileUrl(`${candidate.remote_id}:${field}`),
    });
  }
  return { attachments, warnings: [] };
}

const fallback = onCandidateFallback<IcimsContext>(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = fallback.addApplicationAttachment;
export const listApplicationAttachments = fallback.listApplicationAttachments;

/** The file name in a Content-Disposition header (`attachment; filename="resume.doc"`). */
function dispositionName(header: string | undefined): string | null {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header ?? '');
  return m ? decodeURIComponent(m[1]) : null;
}

/** Serves `<personId>:<field>`: GET /people/{id}/fields/{field}/binary (the file, with its content type). */
export async function downloadAttachment(
  ctx: IcimsContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const [personId, field] = ref.split(':');
  if (!personId || !(field === RESUME_FIELD || /^field[0-9]+$/.test(field ?? ''))) {
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `No ${TOOL} file ${ref}.`, { status: 404 });
  }
  const res = await icimsClient(ctx).request<Buffer>({
    method: 'GET',
    path: `people/${encodeURIComponent(personId)}/fields/${field}/binary`,
    responseType: 'buffer',
    notFound: `file ${field} of candidate ${personId}`,
  });
  const headers = res.headers as Record<string, string | undefined>;
  const name = dispositionName(headers['content-disposition']) ?? field;
  return { content_type: headers['content-type']?.split(';')[0] || contentTypeFromName(name), file_name: name, data: res.data };
}
