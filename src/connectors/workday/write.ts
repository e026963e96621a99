/**
 * Writing to Workday Recruiting (v26.1 Recruiting web service):
 * - files → Put_Candidate_Attachment: a candidate's file as Candidate_Attachment_Data (filed under
 *   the customer's document category, which Workday requires), an application's file as
 *   Job_Application_Attachment_Data on that job application;
 * - result links → a candidate assessment (Assess_Candidate) on the job application where the
 *   connect page names assessor and status and the application is at its Assess Candidate step;
 *   otherwise, like notes (the Recruiting web service has no note or comment operation), a small
 *   text file on the job application (Job_Application_Attachment_Data) whose Comment carries the
 *   text, with a warning saying so;
 * - files are listed with Get_Candidate_Attachments ("attachments for a Candidate and/or a Candidate's
 *   Job Application", WSDL; its answer names no job application, so every file is the candidate's)
 *   and served through signed atsgate URLs.
 */
import { AtsgateError } from '../../errors.ts';
import { attachmentBytes, contentTypeFromName } from '../helpers/files.ts';
import { currentApplications, resultNoteText } from '../helpers/result-link.ts';
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
import { call, pages, ref, text, wid, type WdNode, type WorkdayContext } from './client.ts';

const TOOL = 'Workday';
/** Attachment_WWS_Data/Filename: at most 255 characters (XSD). */
const FILENAME_MAX = 255;

export const workdayWarn = {
  noteAsFile: (application: string) =>
    `${TOOL}'s Recruiting web service has no note or comment operation; the note was added to job application ${application} as a ` +
    'text attachment whose comment holds the note.',
  resultAsFile: (where: string) =>
    `${TOOL}'s Recruiting web service has no result-link feature; the result link was added to ${where} as a text attachment ` +
    '(label, URL and attributes) whose comment holds the label and URL.',
  assessmentNotConfigured:
    ' (Workday records results as candidate assessments only with an assessor and an assessment status, set on the connect page.)',
  assessmentRefused: (application: string, why: string) =>
    `${TOOL} did not take a candidate assessment on job application ${application} (${why.replace(/\.+$/, '')}; it takes one only at ` +
    "the job application's Assess Candidate step, with a known assessor and status); the result link was added to it as a text " +
    'attachment (label, URL and attributes) whose comment holds the label and URL.',
  fannedOut: (n: number) =>
    `${TOOL} keeps these files on job applications; the candidate-level result link was added to ${n} current job application${n === 1 ? '' : 's'}.`,
  listedFromCandidate: (application: ApplicationRef) =>
    `${TOOL}'s Get_Candidate_Attachments lists a candidate's files and its job applications' files together, without saying which ` +
    `job application a file belongs to; these are all files of candidate ${application.candidate_remote_id}, the candidate of job ` +
    `application ${application.remote_id}.`,
  ignoredRemoteFields: (tools: string[]) => `remote_fields.${tools.join(', remote_fields.')} do not apply to ${TOOL} and were ignored.`,
};

function ignored(fields: RemoteFields): string[] {
  const tools = Object.keys(fields).filter((t) => fields[t]);
  return tools.length ? [workdayWarn.ignoredRemoteFields(tools)] : [];
}

function fileName(name: string): string {
  const clean = name.replace(/[\r\n]+/g, ' ').trim() || 'file';
  if (clean.length <= FILENAME_MAX) return clean;
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '';
  return clean.slice(0, FILENAME_MAX - ext.length) + ext;
}

function attachmentData(name: string, data: Buffer, comment?: string): WdNode {
  const out: WdNode = { Filename: fileName(name), File_Content: data.toString('base64') };
  if (comment) out.Comment = comment;
  return out;
}

/** Put_Candidate_Attachment on one job application (Job_Application_Attachment_Data). */
async function putOnApplication(ctx: WorkdayContext, application: ApplicationRef, name: string, data: Buffer, comment?: string) {
  await call(ctx, 'Put_Candidate_Attachment', {
    Candidate_Reference: ref('WID', application.candidate_remote_id),
    Job_Application_Attachment_Data: {
      Job_Application_Reference: ref('WID', application.remote_id),
      Attachment_Data: attachmentData(name, data, comment),
    },
  });
}

/** Put_Candidate_Attachment on the candidate (Candidate_Attachment_Data, with the customer's document category). */
async function putOnCandidate(ctx: WorkdayContext, candidateId: string, name: string, data: Buffer, comment?: string) {
  await call(ctx, 'Put_Candidate_Attachment', {
    Candidate_Reference: ref('WID', candidateId),
    Candidate_Attachment_Data: {
      Attachment_Data: attachmentData(name, data, comment),
      Document_Category_Reference: ref('Document_Category_ID', ctx.credentials.document_category),
    },
  });
}

export async function addCandidateAttachment(
  ctx: WorkdayContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  await putOnCandidate(ctx, candidate.remote_id, attachment.name, await attachmentBytes(attachment));
  return { warnings: ignored(attachment.remote_fields) };
}

export async function addApplicationAttachment(
  ctx: WorkdayContext,
  application: ApplicationRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  await putOnApplication(ctx, application, attachment.name, await attachmentBytes(attachment));
  return { warnings: ignored(attachment.remote_fields) };
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

export async function addApplicationNote(ctx: WorkdayContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  if (!note.content.trim()) throw new AtsgateError('REMOTE.INPUT_INVALID', 'The note is empty.');
  await putOnApplication(ctx, application, `Note ${stamp()}.txt`, Buffer.from(note.content, 'utf8'), note.content);
  return { warnings: [workdayWarn.noteAsFile(application.remote_id), ...ignored(note.remote_fields)] };
}

function resultFile(link: ResultLinkInput): { name: string; data: Buffer; comment: string } {
  return {
    name: `${link.label.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'Result'} ${stamp()}.txt`,
    data: Buffer.from(resultNoteText(link) + '\n', 'utf8'),
    comment: `${link.label}: ${link.url}`,
  };
}

/**
 * A Workday candidate assessment (Assess_Candidate) on the job application, where the connect page
 * names the assessor (Employee_ID) and status (Assessment_Status_ID) the operation requires: label,
 * URL and attributes go into Overall_Assessment_Comment. Workday refuses it (a validation fault)
 * unless the application's business process is at its Assess Candidate step; then, and where
 * nothing is configured, the caller falls back to a text file. Returns the warning for a fallback,
 * null when the assessment was recorded.
 */
async function assess(ctx: WorkdayContext, application: ApplicationRef, link: ResultLinkInput): Promise<string | null> {
  const assessor = ctx.credentials.assessor_employee_id?.trim();
  const status = ctx.credentials.assessment_status_id?.trim();
  if (!assessor || !status)
    return workdayWarn.resultAsFile(`job application ${application.remote_id}`) + workdayWarn.assessmentNotConfigured;
  try {
    await call(ctx, 'Assess_Candidate', {
      Assess_Candidate_Data: {
        Job_Application_Reference: ref('WID', application.remote_id),
        Candidate_Assessment_Data: {
          Assessed_By_Reference: ref('Employee_ID', assessor),
          Assessed_On_Date: new Date().toISOString().slice(0, 10),
          Assessment_Status_Reference: ref('Assessment_Status_ID', status),
          Overall_Assessment_Comment: resultNoteText(link),
        },
      },
    });
    return null;
  } catch (err) {
    // A validation fault (not at the step, unknown assessor or status) or a security refusal (the
    // user's groups lack the business process's Assess Candidate action): Workday's texts for
    // either are not settled by the WSDL, so both keep the link as a file instead of losing it.
    if (!(err instanceof AtsgateError) || (err.code !== 'REMOTE.INPUT_INVALID' && err.code !== 'INTEGRATION.PERMISSION_MISSING')) throw err;
    return workdayWarn.assessmentRefused(application.remote_id, err.message);
  }
}

async function resultOnApplication(ctx: WorkdayContext, application: ApplicationRef, link: ResultLinkInput): Promise<string[]> {
  const fallback = await assess(ctx, application, link);
  if (fallback === null) return [];
  const f = resultFile(link);
  await putOnApplication(ctx, application, f.name, f.data, f.comment);
  return [fallback];
}

export async function addApplicationResultLink(
  ctx: WorkdayContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  return { warnings: [...(await resultOnApplication(ctx, application, link)), ...ignored(link.remote_fields)] };
}

/** On the candidate's current job applications; a candidate without any gets a candidate attachment. */
export async function addCandidateResultLink(ctx: WorkdayContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const targets = currentApplications(candidate);
  if (!targets.length) {
    const f = resultFile(link);
    await putOnCandidate(ctx, candidate.remote_id, f.name, f.data, f.comment);
    return { warnings: [workdayWarn.resultAsFile(`candidate ${candidate.remote_id}`), ...ignored(link.remote_fields)] };
  }
  const warnings: string[] = [];
  for (const a of targets) warnings.push(...(await resultOnApplication(ctx, a, link)));
  if (targets.length > 1 || candidate.applications.length > 1) warnings.push(workdayWarn.fannedOut(targets.length));
  return { warnings: [...new Set(warnings), ...ignored(link.remote_fields)] };
}

function typeOf(category: string | null, name: string): AttachmentType {
  const s = `${category ?? ''} ${name}`;
  if (/cover/i.test(s)) return 'COVER_LETTER';
  if (/resume|résumé|\bcv\b/i.test(s)) return 'CV';
  return 'OTHER';
}

export async function listCandidateAttachments(ctx: WorkdayContext, candidate: CandidateRef) {
  const attachments: RemoteAttachment[] = [];
  for await (const page of pages(
    ctx,
    'Get_Candidate_Attachments',
    { head: { Request_Criteria: { Candidate_Reference: ref('WID', candidate.remote_id) } }, group: { Include_Reference: true } },
    (d) => (Array.isArray(d.Candidate_Attachment) ? d.Candidate_Attachment : []),
  )) {
    for (const a of page) {
      const data = a.Candidate_Attachment_Data ?? {};
      const id = wid(data.Candidate_Attachment_Reference);
      const name = text(data.Attachment_Data?.Filename) ?? 'file';
      if (!id) continue;
      attachments.push({
        remote_id: id,
        application_remote_id: null,
        type: typeOf(text(data.Document_Category_Reference?.['@_Descriptor']), name),
        file_name: name,
        content_type: contentTypeFromName(name),
        data_url: ctx.signedFileUrl(id),
      });
    }
  }
  return { attachments, warnings: [] as string[] };
}

export async function listApplicationAttachments(ctx: WorkdayContext, application: ApplicationRef) {
  const out = await listCandidateAttachments(ctx, { remote_id: application.candidate_remote_id, applications: [application] });
  return { attachments: out.attachments, warnings: [workdayWarn.listedFromCandidate(application), ...out.warnings] };
}

/** Serves a signed file URL: the attachment by its WID, content from Attachment_Data/File_Content. */
export async function downloadAttachment(ctx: WorkdayContext, attachmentId: string) {
  const res = await call(ctx, 'Get_Candidate_Attachments', {
    Request_References: { '@_Skip_Non_Existing_Instances': true, Candidate_Attachment_Reference: ref('WID', attachmentId) },
  });
  const list: any[] = Array.isArray(res.Response_Data?.Candidate_Attachment) ? res.Response_Data.Candidate_Attachment : [];
  const found = list.find((a) => wid(a.Candidate_Attachment_Data?.Candidate_Attachment_Reference) === attachmentId) ?? list[0];
  const att = found?.Candidate_Attachment_Data?.Attachment_Data;
  if (!att) throw new AtsgateError('REMOTE.INPUT_INVALID', `Workday has no candidate attachment ${attachmentId}.`, { status: 404 });
  const name = text(att.Filename) ?? 'file';
  return { content_type: contentTypeFromName(name), file_name: name, data: Buffer.from(String(att.File_Content ?? ''), 'base64') };
}
