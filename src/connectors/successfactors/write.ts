/**
 * Writing to SuccessFactors Recruiting (OData v2):
 * - result links → a JobApplicationAssessmentReport on the application's assessment order
 *   (Assessment Integration: SuccessFactors creates the order when a status with an assessment
 *   is reached), the attributes as its report details (scoreComponent/scoreValue). Where the
 *   tenant has no such order (the feature is off, the API user may not read orders, or no order
 *   exists for the application) the link becomes a comment on the application, with a warning;
 * - notes → JobApplicationComments (insert);
 * - files → an Attachment (upsert, base64) linked to the candidate: a CV as its `resume`, a
 *   cover letter as its `coverLetter`, anything else added to its `attachment1` list;
 * - stage moves and rejections → the application's `appStatusSetItemId` (upsert), a status of
 *   its requisition's status set; a rejection is a move to a disqualifying status, its note a comment.
 */
import { AtsgateError } from '../../errors.ts';
import { onCandidateFallback } from '../helpers/application-level.ts';
import { attachmentBytes, contentTypeFromName } from '../helpers/files.ts';
import { attributeFields, currentApplications, resultNoteText, warn } from '../helpers/result-link.ts';
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
  RemoteFields,
  RemoteRejectionReason,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { int64Key, isoFromOData, odataPages, odataQuery, sfClient, sfErrorMessage, upsert, type SfContext } from './client.ts';
import { statusSet, type SfStatus } from './read.ts';

const TOOL = 'SuccessFactors';

export const sfWarn = {
  noAssessmentEntity: (why: string) =>
    `${TOOL} Assessment Integration is not available to this API user (${why}); the result link was added as a comment on the application instead.`,
  noOrder: (application: string) =>
    `${TOOL} has no assessment order for application ${application} (Assessment Integration creates one when the application reaches ` +
    'a status with an assessment); the result link was added as a comment on the application instead.',
  reportFailed: (why: string) =>
    `${TOOL} refused the assessment report (${why}); the result link was added as a comment on the application instead.`,
  packageNotFound: (pkg: string) =>
    `No assessment order of the application has package code ${pkg}; the report was added to its newest assessment order.`,
};

function ignoredRemoteFields(fields: RemoteFields, own: string[] = []): string[] {
  const out = Object.keys(fields)
    .filter((tool) => tool !== 'successfactors' && fields[tool])
    .map((tool) => warn.ignoredRemoteField(TOOL, tool));
  for (const k of Object.keys(fields.successfactors ?? {}))
    if (!own.includes(k)) out.push(warn.ignoredRemoteField(TOOL, `successfactors.${k}`));
  return out;
}

/** An Edm.DateTimeOffset value in OData v2 JSON, in the form SuccessFactors itself answers (`/Date(ms+0000)/`, README). */
const odataDate = (d: Date) => `/Date(${d.getTime()}+0000)/`;

// --------------------------------------------------------------------------------------------
// Comments
// --------------------------------------------------------------------------------------------

/** POST /JobApplicationComments: applicationId (Int64 as a JSON string), the API user as commentator, the text. */
async function addComment(ctx: SfContext, applicationId: string, content: string): Promise<void> {
  int64Key(applicationId, 'application');
  await sfClient(ctx).request({
    method: 'POST',
    path: 'JobApplicationComments',
    json: { applicationId, commentator: ctx.credentials.user_id, content },
    notFound: `application ${applicationId}`,
  });
}

export async function addApplicationNote(ctx: SfContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await addComment(ctx, application.remote_id, note.content);
  return { warnings: ignoredRemoteFields(note.remote_fields) };
}

// --------------------------------------------------------------------------------------------
// Result links → assessment reports
// --------------------------------------------------------------------------------------------

interface AssessmentOrder {
  id?: string | number | null;
  packageCode?: string | null;
  vendorCode?: string | null;
  lastModifiedDateTime?: string | null;
}

/** The package code the caller names (`remote_fields.successfactors.assessment_package_id`). */
function packageIdOf(fields: RemoteFields): string | null {
  const raw = fields.successfactors?.assessment_package_id;
  return typeof raw === 'string' && raw.trim() ? raw.trim() : typeof raw === 'number' ? String(raw) : null;
}

/**
 * The application's assessment orders: GET /JobApplicationAssessmentOrder?$filter=applicationId eq …
 * A 400/403/404 means the entity is not in this tenant's metadata or not permitted: `unavailable`.
 */
async function ordersOf(ctx: SfContext, applicationId: string): Promise<{ orders: AssessmentOrder[]; unavailable: string | null }> {
  int64Key(applicationId, 'application');
  const res = await odataQuery<AssessmentOrder>(
    sfClient(ctx),
    'JobApplicationAssessmentOrder',
    { $filter: `applicationId eq ${applicationId}`, $select: 'id,packageCode,vendorCode,lastModifiedDateTime' },
    [400, 403, 404],
  );
  if (res.status >= 400) {
    const why = sfErrorMessage(res.status, res.data, res.headers) ?? `HTTP ${res.status}`;
    return { orders: [], unavailable: `HTTP ${res.status}: ${why}` };
  }
  return { orders: res.items, unavailable: null };
}

/** The report for one link: the URL, the label as status details, each attribute a report detail. */
export function reportBody(orderId: string, link: ResultLinkInput, now = new Date()): Record<string, unknown> {
  return {
    __metadata: { uri: 'JobApplicationAssessmentReport', type: 'SFOData.JobApplicationAssessmentReport' },
    orderId,
    reportURL: link.url,
    statusDate: odataDate(now),
    statusDetails: link.label,
    assessmentReportDetail: Object.entries(attributeFields(link)).map(([scoreComponent, scoreValue]) => ({
      __metadata: { type: 'SFOData.JobApplicationAssessmentReportDetail' },
      scoreComponent,
      scoreValue,
    })),
  };
}

async function addResult(ctx: SfContext, applicationId: string, link: ResultLinkInput): Promise<string[]> {
  const warnings: string[] = [];
  const pkg = packageIdOf(link.remote_fields);
  const { orders, unavailable } = await ordersOf(ctx, applicationId);
  const newest = [...orders].sort((a, b) => String(b.id ?? '').localeCompare(String(a.id ?? ''), 'en', { numeric: true }));
  let order = pkg ? newest.find((o) => o.packageCode === pkg) : newest[0];
  if (pkg && !order && newest.length) {
    order = newest[0];
    warnings.push(sfWarn.packageNotFound(pkg));
  }
  if (order?.id !== undefined && order.id !== null) {
    const orderId = String(order.id);
    const sent = await secondaryStep(
      warnings,
      'The assessment report',
      () => upsert(sfClient(ctx), reportBody(orderId, link), `assessment report of application ${applicationId}`),
      { fallback: 'The result link was added as a comment on the application instead.' },
    );
    if (sent.ok) return warnings;
  } else {
    warnings.push(unavailable ? sfWarn.noAssessmentEntity(unavailable) : sfWarn.noOrder(applicationId));
  }
  await addComment(ctx, applicationId, resultNoteText(link));
  return warnings;
}

export async function addApplicationResultLink(ctx: SfContext, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult> {
  const warnings = await addResult(ctx, application.remote_id, link);
  return { warnings: [...warnings, ...ignoredRemoteFields(link.remote_fields, ['assessment_package_id'])] };
}

/** SuccessFactors keeps assessment results on applications: the link goes to the candidate's current ones. */
export async function addCandidateResultLink(ctx: SfContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const targets = currentApplications(candidate);
  if (!targets.length) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `${TOOL} keeps assessment results on job applications; candidate ${candidate.remote_id} has none.`,
    );
  }
  const warnings = new Set<string>();
  for (const a of targets) for (const w of await addResult(ctx, a.remote_id, link)) warnings.add(w);
  return {
    warnings: [warn.fannedOut(TOOL, targets.length), ...warnings, ...ignoredRemoteFields(link.remote_fields, ['assessment_package_id'])],
  };
}

// --------------------------------------------------------------------------------------------
// Files → Attachment linked to the candidate
// --------------------------------------------------------------------------------------------

/** Where each Kombo type is linked on the Candidate (its Attachment navigations). */
const NAV: Record<AttachmentType, 'resume' | 'coverLetter' | 'attachment1'> = {
  CV: 'resume',
  COVER_LETTER: 'coverLetter',
  OTHER: 'attachment1',
};
const NAV_TYPE: Record<string, AttachmentType> = { resume: 'CV', coverLetter: 'COVER_LETTER', attachment1: 'OTHER' };

interface SfAttachment {
  attachmentId?: string | number | null;
  fileName?: string | null;
  mimeType?: string | null;
  fileContent?: string | null;
  createdDate?: string | null;
  lastModifiedDateTime?: string | null;
}
interface SfCandidateFiles {
  candidateId?: string | number | null;
  resume?: SfAttachment | null;
  coverLetter?: SfAttachment | null;
  attachment1?: { results?: SfAttachment[] } | SfAttachment[] | null;
}

const FILE_SELECT = ['attachmentId', 'fileName', 'mimeType', 'createdDate', 'lastModifiedDateTime'];

/**
 * The candidate's linked files: GET /Candidate?$filter=candidateId eq …&$expand=resume,coverLetter,attachment1.
 * `attachment1` is a multi-attachment field of the candidate profile template that not every
 * tenant has; where the tenant's metadata lacks it (400), the read is repeated without it.
 */
async function candidateFiles(ctx: SfContext, candidateId: string): Promise<{ files: SfCandidateFiles; hasAttachment1: boolean }> {
  int64Key(candidateId, 'candidate');
  const read = (navs: string[]) =>
    odataQuery<SfCandidateFiles>(
      sfClient(ctx),
      'Candidate',
      {
        $filter: `candidateId eq ${candidateId}`,
        $expand: navs.join(','),
        $select: ['candidateId', ...navs.flatMap((n) => FILE_SELECT.map((f) => `${n}/${f}`))].join(','),
      },
      [400],
    );
  let hasAttachment1 = true;
  let res = await read(Object.values(NAV));
  if (res.status === 400) {
    hasAttachment1 = false;
    res = await read(['resume', 'coverLetter']);
    if (res.status === 400) {
      const why = sfErrorMessage(res.status, res.data, res.headers) ?? 'HTTP 400';
      throw new AtsgateError('REMOTE.INPUT_INVALID', `${TOOL} refused to read the files of candidate ${candidateId}: ${why}`);
    }
  }
  const c = res.items[0];
  if (!c) throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${candidateId} was not found in ${TOOL}`, { status: 404 });
  return { files: c, hasAttachment1 };
}

/** Attachment.moduleCategory for each link, as Recruiting files are categorised. */
const MODULE_CATEGORY: Record<AttachmentType, string> = { CV: 'RESUME', COVER_LETTER: 'COVERLETTER', OTHER: 'ATTACHMENTS' };

const manyOf = (v: SfCandidateFiles['attachment1']): SfAttachment[] => (Array.isArray(v) ? v : (v?.results ?? []));

/** The attachment id in an upsert answer's key (`Attachment/attachmentId=1234`, or a bare number). */
function attachmentIdFrom(key: string | null): string | null {
  const m = /([0-9]+)L?\)?$/.exec(key ?? '');
  return m ? m[1] : null;
}

export async function addCandidateAttachment(ctx: SfContext, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult> {
  const candidateId = candidate.remote_id;
  const nav = NAV[attachment.type];
  // Read first: an unknown candidate fails before a file is stored, and `attachment1` keeps its files.
  const { files: existing, hasAttachment1 } = await candidateFiles(ctx, candidateId);
  if (nav === 'attachment1' && !hasAttachment1) {
    throw new AtsgateError(
      'INTEGRATION.ACTION_NOT_AVAILABLE',
      `This ${TOOL} tenant's candidate profile has no multi-attachment field attachment1 (a field of the candidate profile template), ` +
        'so only CVs (resume) and cover letters (coverLetter) can be attached. Nothing was stored.',
    );
  }
  const bytes = await attachmentBytes(attachment);
  const client = sfClient(ctx);
  const stored = await upsert(
    client,
    {
      __metadata: { uri: 'Attachment', type: 'SFOData.Attachment' },
      fileName: attachment.name,
      fileContent: bytes.toString('base64'),
      module: 'RECRUITING',
      moduleCategory: MODULE_CATEGORY[attachment.type],
      userId: ctx.credentials.user_id,
      viewable: true,
    },
    `file for candidate ${candidateId}`,
  );
  const attachmentId = attachmentIdFrom(stored.key);
  if (!attachmentId)
    throw new AtsgateError(
      'REMOTE.UNKNOWN_HTTP_ERROR',
      `${TOOL} stored the file but answered no attachment id (key ${stored.key ?? 'none'}).`,
    );
  const ref = (id: string) => ({ __metadata: { uri: `Attachment(${id}L)` } });
  const others = manyOf(existing.attachment1)
    .map((a) => String(a.attachmentId ?? ''))
    .filter(Boolean);
  await upsert(
    client,
    {
      __metadata: { uri: `Candidate(${int64Key(candidateId, 'candidate')})`, type: 'SFOData.Candidate' },
      [nav]: nav === 'attachment1' ? [...others, attachmentId].map(ref) : ref(attachmentId),
    },
    `link of the file to candidate ${candidateId}`,
  );
  const replaced = nav !== 'attachment1' && existing[nav]?.attachmentId;
  const warnings = replaced
    ? [`${TOOL} keeps one ${nav === 'resume' ? 'resume' : 'cover letter'} per candidate; the file replaced the previous one.`]
    : [];
  return { warnings: [...warnings, ...ignoredRemoteFields(attachment.remote_fields)] };
}

export async function listCandidateAttachments(
  ctx: SfContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const { files: c } = await candidateFiles(ctx, candidate.remote_id);
  const files: [string, SfAttachment][] = [
    ...(c.resume?.attachmentId ? [['resume', c.resume] as [string, SfAttachment]] : []),
    ...(c.coverLetter?.attachmentId ? [['coverLetter', c.coverLetter] as [string, SfAttachment]] : []),
    ...manyOf(c.attachment1).map((a) => ['attachment1', a] as [string, SfAttachment]),
  ];
  const attachments = files
    .filter(([, a]) => a.attachmentId !== undefined && a.attachmentId !== null)
    .map(([nav, a]) => {
      const name = a.fileName || `attachment-${a.attachmentId}`;
      return {
        remote_id: String(a.attachmentId),
        application_remote_id: null,
        type: NAV_TYPE[nav],
        file_name: name,
        content_type: a.mimeType || contentTypeFromName(name),
        data_url: ctx.signedFileUrl(String(a.attachmentId)),
        remote_created_at: isoFromOData(a.createdDate),
        remote_updated_at: isoFromOData(a.lastModifiedDateTime),
      } satisfies RemoteAttachment;
    });
  return { attachments, warnings: [] };
}

const fallback = onCandidateFallback<SfContext>(TOOL, { addCandidateAttachment, listCandidateAttachments });
export const addApplicationAttachment = fallback.addApplicationAttachment;
export const listApplicationAttachments = fallback.listApplicationAttachments;

/** GET /Attachment(<id>L)?$select=fileName,mimeType,fileContent: the file, base64 in the entity. */
export async function downloadAttachment(ctx: SfContext, ref: string): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const key = int64Key(ref, 'file');
  const res = await sfClient(ctx).request<{ d?: SfAttachment }>({
    method: 'GET',
    path: `Attachment(${key})`,
    query: { $select: 'attachmentId,fileName,mimeType,fileContent' },
    notFound: `file ${ref}`,
  });
  const a = res.data?.d ?? {};
  const name = a.fileName || `attachment-${ref}`;
  return { content_type: a.mimeType || contentTypeFromName(name), file_name: name, data: Buffer.from(a.fileContent ?? '', 'base64') };
}

// --------------------------------------------------------------------------------------------
// Stage moves and rejections → appStatusSetItemId
// --------------------------------------------------------------------------------------------

/** Status names that disqualify (the rejection reasons): SuccessFactors' Disqualified statuses carry such names. */
const DISQUALIFYING = /disqualif|reject|declin|not selected|unsuccessful|not suitable/i;

/**
 * The statuses the application may be moved to: those of its requisition's status set
 * (GET /JobApplication → jobReqId, GET /JobRequisition → statusSetId, GET /JobApplicationStatus).
 * KBA 2883239: a status of another set corrupts the application, so it is checked here first.
 */
async function statusesFor(ctx: SfContext, applicationId: string): Promise<SfStatus[]> {
  const client = sfClient(ctx);
  int64Key(applicationId, 'application');
  const app = await odataQuery<{ jobReqId?: string | number | null }>(client, 'JobApplication', {
    $filter: `applicationId eq ${applicationId}`,
    $select: 'applicationId,jobReqId',
  });
  const jobReqId = app.items[0]?.jobReqId;
  if (!app.items.length)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `application ${applicationId} was not found in ${TOOL}`, { status: 404 });
  if (jobReqId === null || jobReqId === undefined)
    throw new AtsgateError('REMOTE.INPUT_INVALID', `${TOOL} application ${applicationId} has no job requisition.`);
  const job = await odataQuery<{ statusSetId?: string | number | null }>(client, 'JobRequisition', {
    $filter: `jobReqId eq ${String(jobReqId)}`,
    $select: 'jobReqId,statusSetId',
  });
  const setId = job.items[0]?.statusSetId;
  const statuses = setId === null || setId === undefined ? null : await statusSet(client, String(setId));
  if (!statuses) {
    throw new AtsgateError(
      'INTEGRATION.PERMISSION_MISSING',
      `${TOOL} did not let the API user read the application status set of requisition ${String(jobReqId)} (JobApplicationStatus); ` +
        'grant its role the Recruiting OData permission for application statuses.',
    );
  }
  return statuses;
}

/** POST /upsert `{ __metadata: { uri: "JobApplication(<id>L)" }, appStatusSetItemId }` (KBAs 2883239, 2868570). */
async function setStatus(ctx: SfContext, applicationId: string, statusId: string): Promise<void> {
  await upsert(
    sfClient(ctx),
    {
      __metadata: { uri: `JobApplication(${int64Key(applicationId, 'application')})`, type: 'SFOData.JobApplication' },
      appStatusSetItemId: statusId,
    },
    `status change of application ${applicationId}`,
  );
}

export async function moveApplicationToStage(ctx: SfContext, application: ApplicationRef, move: StageMoveInput): Promise<WriteResult> {
  const statuses = await statusesFor(ctx, application.remote_id);
  if (!statuses.some((s) => String(s.appStatusId) === move.stage.remote_id)) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Stage ${move.stage.remote_id} is not of job ${application.job_remote_id ?? ''}: it is not in the status set of application ${application.remote_id}'s requisition.`,
    );
  }
  await setStatus(ctx, application.remote_id, move.stage.remote_id);
  return {
    warnings:
      application.outcome === 'PENDING' || application.outcome === null
        ? []
        : [`Application ${application.remote_id} was not in progress in ${TOOL}; it was moved to the status asked for.`],
  };
}

/**
 * A rejection moves the application to the disqualifying status the reason names (SuccessFactors
 * then marks it Disqualified, KBA 2541688); the note, which a status change does not take, is
 * added as a comment (a secondary step, with a warning saying so).
 */
export async function rejectApplication(ctx: SfContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const statuses = await statusesFor(ctx, application.remote_id);
  if (!statuses.some((s) => String(s.appStatusId) === reject.reason.remote_id)) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Rejection reason ${reject.reason.remote_id} (${reject.reason.name ?? ''}) is not a status of application ${application.remote_id}'s requisition status set.`,
    );
  }
  await setStatus(ctx, application.remote_id, reject.reason.remote_id);
  const warnings: string[] = [];
  if (reject.note) {
    const done = await secondaryStep(warnings, `Adding the rejection note to ${TOOL} application ${application.remote_id}`, () =>
      addComment(ctx, application.remote_id, reject.note!),
    );
    if (done.ok) warnings.push(`${TOOL}'s status change takes no note; the rejection note was added as a comment on the application.`);
  }
  return { warnings };
}

/** The disqualifying statuses of every status set (GET /JobApplicationStatus): the rejection reasons. */
export async function* readRejectionReasons(ctx: SfContext): PageStream<RemoteRejectionReason> {
  const seen = new Set<string>();
  for await (const page of odataPages<SfStatus>(sfClient(ctx), 'JobApplicationStatus', {
    $select: 'appStatusSetId,appStatusId,appStatusName',
  })) {
    const out: RemoteRejectionReason[] = [];
    for (const st of page) {
      const id = st.appStatusId === null || st.appStatusId === undefined ? '' : String(st.appStatusId);
      if (!id || seen.has(id) || !DISQUALIFYING.test(st.appStatusName ?? '')) continue;
      seen.add(id);
      out.push({ remote_id: id, name: st.appStatusName ?? null, remote_data: { '/JobApplicationStatus': st } });
    }
    if (out.length) yield out;
  }
}
