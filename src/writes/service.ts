/**
 * Every write-back goes through here, whatever the ATS:
 *   open the interaction log (before anything touches the ATS) → cap concurrency per
 *   integration for the deployment (src/writes/in-flight.ts) → resolve atsgate IDs to remote
 *   ones from the synced tables → prepare input (decode or download files, enforce limits) →
 *   call the connector → refresh the record so the write is visible to readers → complete the log.
 * The route only validates the body shape and sends the envelope.
 * The two halves, prepareWrite (validate) and sendWrite (the ATS call), are also used apart by
 * asynchronous writes (src/writes/outbox.ts): validated now, stored, sent later. Idempotency
 * keys wrap the whole request (src/writes/idempotency.ts) and never reach this file.
 */
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import type { IntegrationWithSecrets } from '../store/integrations.ts';
import { openLog, completeLog, CallJournal } from '../store/logs.ts';
import { findApplicationRef, findCandidateRef } from '../store/records.ts';
import { refreshCandidate } from '../sync/run.ts';
import { iso } from '../sync/normalize.ts';
import { komboId } from '../ids.ts';
import { downloadDataUrl } from '../http/download.ts';
import type { RequestFiles, TempFile } from '../uploads/temp-files.ts';
import { AtsgateError, inputInvalid, notFoundInput } from '../errors.ts';
import { assertEnabled } from '../integrations/enabled.ts';
import type { WriteSlot } from './in-flight.ts';
import type {
  AnyConnector,
  ConnectorContext,
  RemoteFields,
  ResultLinkInput,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  ApplicationRef,
  NoteInput,
  RemoteAttachment,
} from '../connectors/types.ts';

export interface Interaction {
  accountId: string;
  integration: IntegrationWithSecrets;
  method: string;
  path: string;
  /** Told the log id as soon as the row exists, so error responses can carry log_url. */
  onLogOpened?: (logId: string) => void;
}

export interface ResultLinkBody {
  label: string;
  url: string;
  details?: { custom_field_name_prefix: string; attributes: { key: string; value: string }[] };
  remote_fields?: Record<string, any>;
}

export interface NoteBody {
  content: string;
  content_type: 'PLAIN_TEXT';
  remote_fields?: Record<string, any>;
}

export interface AttachmentBody {
  attachment: { name: string; type: AttachmentType; content_type?: string; data?: string; data_url?: string };
  remote_fields?: Record<string, any>;
}

/** A write as the route received it: which action, on which atsgate ID, with which body. */
export type WriteRequest =
  | { action: 'ats_add_candidate_result_link'; candidateId: string; body: ResultLinkBody }
  | { action: 'ats_add_application_result_link'; applicationId: string; body: ResultLinkBody }
  | { action: 'ats_add_candidate_attachment'; candidateId: string; body: AttachmentBody; files?: RequestFiles }
  | { action: 'ats_add_note_to_application'; applicationId: string; body: NoteBody }
  | { action: 'ats_add_application_attachment'; applicationId: string; body: AttachmentBody; files?: RequestFiles };

/**
 * A write once validated: remote IDs resolved, files decoded or downloaded. Everything the ATS
 * call needs and nothing more, so an asynchronous write can be stored and sent later.
 */
export type PreparedWrite =
  | { action: 'ats_add_candidate_result_link'; candidate: CandidateRef; link: ResultLinkInput }
  | { action: 'ats_add_application_result_link'; application: ApplicationRef; link: ResultLinkInput }
  | { action: 'ats_add_candidate_attachment'; candidate: CandidateRef; attachment: AttachmentInput }
  | { action: 'ats_add_note_to_application'; application: ApplicationRef; note: NoteInput }
  | { action: 'ats_add_application_attachment'; application: ApplicationRef; attachment: AttachmentInput };

/** Anything thrown on the write path, as the error the caller sees. */
export function asAtsgateError(err: unknown): AtsgateError {
  return err instanceof AtsgateError
    ? err
    : new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred while talking to the ATS.', { cause: err });
}

/** The integration can take writes at all (checked before validating, again before sending). */
export function assertWritable(integration: IntegrationWithSecrets): void {
  if (integration.status === 'INACTIVE') throw new AtsgateError('INTEGRATION.INACTIVE', `Integration ${integration.id} is inactive.`);
  assertEnabled(integration, 'ats');
}

/**
 * Validates a write against the synced data and the connector's limits; touches the network
 * only to download data_url files, and only once `logged` resolves (the log row exists).
 */
export async function prepareWrite(
  rt: Runtime,
  integrationId: string,
  connector: AnyConnector,
  req: WriteRequest,
  journal: CallJournal,
  logged?: Promise<unknown>,
): Promise<PreparedWrite> {
  switch (req.action) {
    case 'ats_add_candidate_result_link': {
      const ref = await findCandidateRef(rt.db, integrationId, req.candidateId);
      if (!ref) throw notFoundInput(`candidate_id "${req.candidateId}": the candidate`);
      return { action: req.action, candidate: plainCandidateRef(ref), link: linkInput(req.body) };
    }
    case 'ats_add_application_result_link': {
      const ref = await findApplicationRef(rt.db, integrationId, req.applicationId);
      if (!ref) throw notFoundInput(`application_id "${req.applicationId}": the application`);
      return { action: req.action, application: plainApplicationRef(ref), link: linkInput(req.body) };
    }
    case 'ats_add_candidate_attachment': {
      const ref = await findCandidateRef(rt.db, integrationId, req.candidateId);
      if (!ref) throw notFoundInput(`candidate_id "${req.candidateId}": the candidate`);
      const caps = connector.definition.capabilities.attachments;
      if (!caps.candidate)
        throw new AtsgateError(
          'INTEGRATION.ACTION_NOT_AVAILABLE',
          caps.unavailable ?? `${connector.definition.label} does not support adding attachments to candidates.`,
        );
      const maxBytes = Math.min(rt.config.attachmentMaxBytes, caps.maxBytes);
      await logged;
      const attachment = await attachmentInput(rt, req.body, maxBytes, connector.definition.label, journal, req.files);
      return { action: req.action, candidate: plainCandidateRef(ref), attachment };
    }
    case 'ats_add_note_to_application': {
      const ref = await findApplicationRef(rt.db, integrationId, req.applicationId);
      if (!ref) throw notFoundInput(`application_id "${req.applicationId}": the application`);
      const note: NoteInput = {
        content: req.body.content,
        content_type: req.body.content_type,
        remote_fields: normalizeRemoteFields(req.body.remote_fields),
      };
      return { action: req.action, application: plainApplicationRef(ref), note };
    }
    case 'ats_add_application_attachment': {
      const ref = await findApplicationRef(rt.db, integrationId, req.applicationId);
      if (!ref) throw notFoundInput(`application_id "${req.applicationId}": the application`);
      // On the application, else on its candidate, within the same limits as candidate files;
      // refused before any byte is read where the ATS takes no file at all.
      const caps = connector.definition.capabilities.attachments;
      if (connector.definition.capabilities.applicationWrites.attachments === 'unsupported') {
        throw new AtsgateError(
          'INTEGRATION.ACTION_NOT_AVAILABLE',
          caps.unavailable ?? `${connector.definition.label} does not support adding attachments to applications.`,
        );
      }
      const maxBytes = Math.min(rt.config.attachmentMaxBytes, caps.maxBytes);
      await logged;
      const attachment = await attachmentInput(rt, req.body, maxBytes, connector.definition.label, journal, req.files);
      return { action: req.action, application: plainApplicationRef(ref), attachment };
    }
  }
}

/**
 * Sends a prepared write to the ATS, then has the candidate re-read so readers see the change:
 * before answering where that read is cheap (the definition says 'inline'), otherwise in the
 * background after the answer (src/writes/read-back.ts), unless ATSGATE_READ_BACK_AFTER_WRITE
 * is off. Never fails the write: the ATS has it already.
 */
export async function sendWrite(
  rt: Runtime,
  integration: IntegrationWithSecrets,
  connector: AnyConnector,
  ctx: ConnectorContext<any>,
  w: PreparedWrite,
): Promise<{ warnings: string[] }> {
  let out: { warnings: string[] };
  let candidateRemoteId: string;
  switch (w.action) {
    case 'ats_add_candidate_result_link':
      out = await connector.addCandidateResultLink(ctx, w.candidate, w.link);
      candidateRemoteId = w.candidate.remote_id;
      break;
    case 'ats_add_application_result_link':
      out = await connector.addApplicationResultLink(ctx, w.application, w.link);
      candidateRemoteId = w.application.candidate_remote_id;
      break;
    case 'ats_add_candidate_attachment':
      out = await connector.addCandidateAttachment(ctx, w.candidate, w.attachment);
      candidateRemoteId = w.candidate.remote_id;
      break;
    case 'ats_add_note_to_application':
      out = await connector.addApplicationNote(ctx, w.application, w.note);
      candidateRemoteId = w.application.candidate_remote_id;
      break;
    case 'ats_add_application_attachment':
      out = await connector.addApplicationAttachment(ctx, w.application, w.attachment);
      candidateRemoteId = w.application.candidate_remote_id;
      break;
  }
  if (connector.definition.refreshAfterWrite === 'inline') {
    await refreshCandidate(rt, connector, ctx, integration.id, candidateRemoteId).catch(() => undefined);
  } else if (rt.config.readBackAfterWrite) {
    // A context of its own: the write's call journal is closed by the time this runs.
    rt.readBacks.schedule(`${integration.id}\u0000${candidateRemoteId}`, () =>
      refreshCandidate(rt, connector, contextFor(rt, integration).ctx, integration.id, candidateRemoteId),
    );
  }
  return { warnings: out.warnings };
}

/** The refs without the atsgate-side extras (id, candidate_id), as connectors take them. */
const plainApplicationRef = (r: ApplicationRef): ApplicationRef => ({
  remote_id: r.remote_id,
  candidate_remote_id: r.candidate_remote_id,
  job_remote_id: r.job_remote_id,
  outcome: r.outcome,
});
const plainCandidateRef = (r: CandidateRef): CandidateRef => ({
  remote_id: r.remote_id,
  applications: r.applications.map(plainApplicationRef),
});

/**
 * A synchronous write: log, concurrency cap, validate, send, complete the log.
 * The log row is inserted while the write is validated against the synced tables (two database
 * round trips at once instead of one after the other); nothing reaches the network until
 * the row exists, so a crash mid-write still leaves a PENDING entry behind.
 */
export async function interact(rt: Runtime, it: Interaction, req: WriteRequest): Promise<{ warnings: string[] }> {
  const opening = openLog(rt.db.relaxed, {
    accountId: it.accountId,
    integrationId: it.integration.id,
    method: it.method,
    path: it.path,
    action: req.action,
    request: req.body,
  });
  opening.then(
    (id) => it.onLogOpened?.(id),
    () => undefined,
  );
  const journal = new CallJournal();
  let slot: WriteSlot | null = null;
  let failed: AtsgateError | null = null;
  try {
    slot = await rt.writesInFlight.tryEnter(it.integration.id);
  } catch (e) {
    failed = asAtsgateError(e); // the database could not be asked: nothing was sent
  }
  if (!slot) {
    const err =
      failed ??
      new AtsgateError(
        'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED',
        `More than ${rt.writesInFlight.max} actions are in flight for integration ${it.integration.id}; retry with backoff.`,
        { headers: { 'retry-after': '1' } },
      );
    await completeLog(rt.db.relaxed, await opening, {
      statusCode: err.status,
      calls: [],
      warnings: [],
      error: { code: err.code, message: err.message },
    });
    throw err;
  }
  let logId: string | null = null;
  try {
    assertWritable(it.integration);
    const { connector, ctx } = contextFor(rt, it.integration, { recorder: journal });
    const preparing = prepareWrite(rt, it.integration.id, connector, req, journal, opening);
    preparing.catch(() => undefined); // awaited below, after the log row
    logId = await opening;
    const prepared = await preparing;
    const result = await sendWrite(rt, it.integration, connector, ctx, prepared);
    await completeLog(rt.db.relaxed, logId, { statusCode: 200, calls: journal.calls, warnings: result.warnings });
    return result;
  } catch (err) {
    const e = asAtsgateError(err);
    if (logId)
      await completeLog(rt.db.relaxed, logId, {
        statusCode: e.status,
        calls: journal.calls,
        warnings: [],
        error: { code: e.code, message: e.message },
      }).catch(() => undefined);
    throw e;
  } finally {
    // Before the answer, so that a client's next write after it finds the slot free; a release
    // that fails leaves a lease that runs out by itself.
    await slot.release().catch(() => undefined);
  }
}

/** `remote_fields` with the SDK's two spellings of Greenhouse's header folded into one. */
export function normalizeRemoteFields(raw: Record<string, any> | undefined): RemoteFields {
  const rf: RemoteFields = { ...(raw ?? {}) };
  const gh = raw?.greenhouse?.post_headers;
  if (gh) rf.greenhouse = { on_behalf_of: gh['On-Behalf-Of'] ?? gh.on_behalf_of ?? null };
  return rf;
}

function linkInput(body: ResultLinkBody): ResultLinkInput {
  return { label: body.label, url: body.url, details: body.details ?? null, remote_fields: normalizeRemoteFields(body.remote_fields) };
}

export async function listCandidateAttachments(rt: Runtime, it: Interaction, candidateId: string) {
  const ref = await findCandidateRef(rt.db, it.integration.id, candidateId);
  if (!ref) throw notFoundInput(`candidate_id "${candidateId}": the candidate`);
  const { connector, ctx } = contextFor(rt, it.integration);
  const out = await connector.listCandidateAttachments(ctx, ref);
  return {
    warnings: out.warnings,
    results: out.attachments.map((a) => ({
      ...attachmentRecord(it.integration.id, a),
      application_id: a.application_remote_id ? komboId(it.integration.id, a.application_remote_id) : null,
      candidate_id: candidateId,
    })),
  };
}

/** An attachment in Kombo's fields common to both listings. */
function attachmentRecord(integrationId: string, a: RemoteAttachment) {
  return {
    id: komboId(integrationId, a.remote_id),
    type: a.type,
    remote_id: a.remote_id,
    data_url: a.data_url,
    file_name: a.file_name,
    content_type: a.content_type,
    remote_created_at: iso(a.remote_created_at),
    remote_updated_at: iso(a.remote_updated_at),
  };
}

/** GET /ats/applications/:id/attachments: Kombo's fields only (its model has no candidate_id nor application_id). */
export async function listApplicationAttachments(rt: Runtime, it: Interaction, applicationId: string) {
  const ref = await findApplicationRef(rt.db, it.integration.id, applicationId);
  if (!ref) throw notFoundInput(`application_id "${applicationId}": the application`);
  const { connector, ctx } = contextFor(rt, it.integration);
  const out = await connector.listApplicationAttachments(ctx, plainApplicationRef(ref));
  return { warnings: out.warnings, results: out.attachments.map((a) => attachmentRecord(it.integration.id, a)) };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

const INVALID_BASE64 = 'attachment.data must be base64-encoded file contents.';

/**
 * Decodes `data` strictly: Buffer.from() silently skips garbage, which would corrupt files.
 * (src/uploads/json-spool.ts applies the same rules while it decodes a body as it arrives.)
 */
export function decodeBase64(data: string): Buffer {
  const s = data.replace(/\s+/g, '');
  if (!(BASE64.test(s) || BASE64URL.test(s)) || s.replace(/=+$/, '').length % 4 === 1) {
    throw inputInvalid(INVALID_BASE64);
  }
  return Buffer.from(s, BASE64.test(s) ? 'base64' : 'base64url');
}

/**
 * The file of an attachment write, within the limits. With `files` (the request's, from the
 * route) the bytes stay on disk: `data` was decoded into a temporary file while the body was
 * read (`files.spooledData`), and a `data_url` is downloaded into one; the request removes them
 * when it ends. Without `files`, the bytes are decoded or read into memory.
 */
async function attachmentInput(
  rt: Runtime,
  body: AttachmentBody,
  maxBytes: number,
  tool: string,
  journal: CallJournal,
  files?: RequestFiles,
): Promise<AttachmentInput> {
  const a = body.attachment;
  let contentType = a.content_type ?? null;
  let size: number;
  let onDisk: TempFile | null = null;
  let inMemory: Buffer | null = null;
  if (a.data !== undefined) {
    const spooled = files?.spooledData?.marker === a.data ? files.spooledData : null;
    // Cheap bound before decoding: base64 is 4/3 of the bytes.
    if (Math.floor(((spooled ? spooled.chars : a.data.length) * 3) / 4) > maxBytes + 3) throw tooLarge(maxBytes, tool);
    if (spooled) {
      if (!spooled.valid) throw inputInvalid(INVALID_BASE64);
      size = spooled.bytes;
      onDisk = spooled.file;
    } else {
      inMemory = decodeBase64(a.data);
      size = inMemory.length;
    }
  } else {
    const got = await downloadDataUrl(a.data_url!, {
      maxBytes,
      timeoutMs: rt.config.downloadTimeoutMs,
      allowPrivate: rt.config.allowPrivateDownloads,
      recorder: journal,
    });
    contentType ??= got.contentType;
    size = got.file.size;
    if (files) onDisk = files.track(got.file);
    else {
      try {
        inMemory = await got.file.read();
      } finally {
        await got.file.dispose();
      }
    }
  }
  if (size > maxBytes) throw tooLarge(maxBytes, tool);
  if (size === 0) throw inputInvalid('The attachment is empty (0 bytes).');
  if (!contentType || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) {
    throw inputInvalid(
      'attachment.content_type is missing and the data_url response did not name a usable Content-Type; pass attachment.content_type.',
    );
  }
  let file: Blob;
  if (onDisk) file = await onDisk.blob(contentType);
  else if (inMemory) file = new Blob([inMemory as Uint8Array<ArrayBuffer>], { type: contentType });
  else throw new Error(`attachment of ${size} bytes: its decoded bytes were not kept`); // (cannot happen: bytes beyond the keep limit are over maxBytes)
  return { name: a.name, type: a.type, content_type: contentType, file, remote_fields: normalizeRemoteFields(body.remote_fields) };
}

const tooLarge = (max: number, tool: string) =>
  new AtsgateError(
    'PLATFORM.INPUT_INVALID',
    `The attachment is larger than ${max} bytes, the most ${tool} (or this server's ATSGATE_ATTACHMENT_MAX_BYTES) accepts.`,
    { status: 413 },
  );
