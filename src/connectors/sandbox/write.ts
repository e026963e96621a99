import { randomUUID } from 'node:crypto';
import type {
  ApplicationRef,
  AttachmentInput,
  CandidateRef,
  ConnectorContext,
  NoteInput,
  RejectInput,
  RemoteAttachment,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { attributeFields } from '../helpers/result-link.ts';
import { attachmentBytes } from '../helpers/files.ts';
import { AtsgateError } from '../../errors.ts';
import { SandboxClient } from './client.ts';
import { definition } from './definition.ts';
import { REJECTION_REASONS } from './read.ts';

type Ctx = ConnectorContext<{ api_key: string }>;

/** Native result link on the record, attributes as custom fields on the same record. */
async function addResultLink(ctx: Ctx, kind: 'candidate' | 'application', remoteId: string, link: ResultLinkInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  if (!(await client.get(kind, remoteId)))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `${kind} ${remoteId} was not found in the Sandbox ATS.`, { status: 404 });
  const fields = attributeFields(link);
  await client.insert('result_link', `link-${randomUUID()}`, remoteId, {
    label: link.label,
    url: link.url,
    attributes: link.details?.attributes ?? [],
    created_at: new Date().toISOString(),
  });
  if (Object.keys(fields).length) await client.setCustomFields(kind, remoteId, fields);
  else await client.touch(kind, remoteId);
  return { warnings: [] };
}

export const addCandidateResultLink = (ctx: Ctx, c: CandidateRef, link: ResultLinkInput) =>
  addResultLink(ctx, 'candidate', c.remote_id, link);
export const addApplicationResultLink = (ctx: Ctx, a: ApplicationRef, link: ResultLinkInput) =>
  addResultLink(ctx, 'application', a.remote_id, link);

export async function addCandidateAttachment(ctx: Ctx, c: CandidateRef, att: AttachmentInput): Promise<WriteResult> {
  return storeFile(ctx, c.remote_id, null, att);
}

/** Files hang off the candidate; one sent to an application also names that application. */
async function storeFile(ctx: Ctx, candidateId: string, applicationId: string | null, att: AttachmentInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  if (!(await client.get('candidate', candidateId)))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${candidateId} was not found in the Sandbox ATS.`, { status: 404 });
  const type = definition.capabilities.attachments.types[att.type];
  const data = await attachmentBytes(att);
  const meta = {
    name: att.name,
    type,
    kombo_type: att.type,
    content_type: att.content_type,
    size: data.length,
    application_remote_id: applicationId,
  };
  await client.insert('attachment', `file-${randomUUID()}`, candidateId, meta, data);
  await client.touch('candidate', candidateId);
  return { warnings: [] };
}

export async function listCandidateAttachments(
  ctx: Ctx,
  c: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = SandboxClient.from(ctx);
  const files = await client.list('attachment', { limit: 1000, parentIds: [c.remote_id] });
  return {
    warnings: [],
    attachments: files.map((f) => ({
      remote_id: f.remote_id,
      application_remote_id: f.data.application_remote_id ?? null,
      type: f.data.kombo_type,
      file_name: f.data.name,
      content_type: f.data.content_type,
      data_url: ctx.signedFileUrl(f.remote_id),
      remote_created_at: f.created_at,
      remote_updated_at: f.updated_at,
    })),
  };
}

export async function downloadAttachment(ctx: Ctx, ref: string) {
  const got = await SandboxClient.from(ctx).content('attachment', ref);
  if (!got) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The file no longer exists.', { status: 404 });
  return { content_type: got.data.content_type as string, file_name: got.data.name as string, data: got.content };
}

// Application notes and files: native, on the application.

async function requireApplication(client: SandboxClient, a: ApplicationRef): Promise<void> {
  if (!(await client.get('application', a.remote_id)))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `application ${a.remote_id} was not found in the Sandbox ATS.`, { status: 404 });
}

export async function addApplicationNote(ctx: Ctx, a: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  await requireApplication(client, a);
  await client.insert('note', `note-${randomUUID()}`, a.remote_id, {
    content: note.content,
    content_type: note.content_type,
    created_at: new Date().toISOString(),
  });
  await client.touch('application', a.remote_id);
  return { warnings: [] };
}

export async function addApplicationAttachment(ctx: Ctx, a: ApplicationRef, att: AttachmentInput): Promise<WriteResult> {
  await requireApplication(SandboxClient.from(ctx), a);
  return storeFile(ctx, a.candidate_remote_id, a.remote_id, att);
}

export async function listApplicationAttachments(
  ctx: Ctx,
  a: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const all = await listCandidateAttachments(ctx, { remote_id: a.candidate_remote_id, applications: [a] });
  return { attachments: all.attachments.filter((f) => f.application_remote_id === a.remote_id), warnings: [] };
}

// Stage moves and rejections: native, like an ATS with per-job pipelines and a reject action.

/** The application as the sandbox holds it now (the synced copy may be older). */
async function currentApplication(client: SandboxClient, a: ApplicationRef) {
  const app = await client.get('application', a.remote_id);
  if (!app)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `application ${a.remote_id} was not found in the Sandbox ATS.`, { status: 404 });
  return app;
}

/**
 * Moves the application within its job's pipeline. Like most ATSs, the sandbox does not move a
 * rejected or hired application (it would have to be reopened first): a 400 that says so.
 */
export async function moveApplicationToStage(ctx: Ctx, a: ApplicationRef, move: StageMoveInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  const app = await currentApplication(client, a);
  if (!move.stage.remote_id.startsWith(`${app.data.job_remote_id}-stage-`))
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Stage ${move.stage.remote_id} is not a stage of job ${app.data.job_remote_id} in the Sandbox ATS.`,
    );
  if (app.data.outcome !== 'PENDING')
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Application ${a.remote_id} is ${app.data.outcome === 'HIRED' ? 'hired' : 'rejected'} in the Sandbox ATS; only an open application moves between stages.`,
    );
  if (app.data.stage_remote_id === move.stage.remote_id)
    return { warnings: [`Application ${a.remote_id} was already in stage "${move.stage.name}"; nothing changed.`] };
  await client.patch('application', a.remote_id, { stage_remote_id: move.stage.remote_id });
  return { warnings: [] };
}

/** Rejects with the reason; the note is kept on the rejection itself (the sandbox has a field for it). */
export async function rejectApplication(ctx: Ctx, a: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  const app = await currentApplication(client, a);
  if (!REJECTION_REASONS.some((r) => r.remote_id === reject.reason.remote_id))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `Rejection reason ${reject.reason.remote_id} does not exist in the Sandbox ATS.`);
  if (app.data.outcome === 'HIRED')
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Application ${a.remote_id} is hired in the Sandbox ATS; a hired application cannot be rejected.`,
    );
  const warnings =
    app.data.outcome === 'DECLINED'
      ? [`Application ${a.remote_id} was already rejected; its rejection reason is now "${reject.reason.name}".`]
      : [];
  await client.patch('application', a.remote_id, {
    outcome: 'DECLINED',
    rejection_reason_remote_id: reject.reason.remote_id,
    rejection_note: reject.note,
    rejected_at: new Date().toISOString(),
  });
  return { warnings };
}
