/**
 * Every write-back goes through here, whatever the ATS:
 *   open the interaction log (before anything touches the ATS) → cap concurrency per
 *   integration → resolve atsgate IDs to remote ones from the synced tables → prepare input
 *   (decode or download files, enforce limits) → call the connector → refresh the record so
 *   the write is visible to readers → complete the log.
 * The route only validates the body shape and sends the envelope.
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
import { AtsgateError, inputInvalid, notFoundInput } from '../errors.ts';
import type { AnyConnector, ConnectorContext, RemoteFields, ResultLinkInput, AttachmentInput, AttachmentType } from '../connectors/types.ts';

/** Kombo rejects more than 30 in-flight actions per integration with 429. */
export const MAX_IN_FLIGHT = 30;
const inFlight = new Map<string, number>();

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

export interface AttachmentBody {
  attachment: { name: string; type: AttachmentType; content_type?: string; data?: string; data_url?: string };
  remote_fields?: Record<string, any>;
}

type Op<T> = (connector: AnyConnector, ctx: ConnectorContext<any>, journal: CallJournal) => Promise<T & { warnings: string[] }>;

async function interact<T>(rt: Runtime, it: Interaction, action: string, body: unknown, op: Op<T>): Promise<T & { warnings: string[] }> {
  const logId = await openLog(rt.db, { accountId: it.accountId, integrationId: it.integration.id, method: it.method, path: it.path, action, request: body });
  it.onLogOpened?.(logId);
  const journal = new CallJournal();
  const n = inFlight.get(it.integration.id) ?? 0;
  if (n >= MAX_IN_FLIGHT) {
    const err = new AtsgateError('PLATFORM.CONCURRENCY_LIMIT_EXCEEDED', `More than ${MAX_IN_FLIGHT} actions are in flight for integration ${it.integration.id}; retry with backoff.`, { headers: { 'retry-after': '1' } });
    await completeLog(rt.db, logId, { statusCode: err.status, calls: [], warnings: [], error: { code: err.code, message: err.message } });
    throw err;
  }
  inFlight.set(it.integration.id, n + 1);
  try {
    if (it.integration.status === 'INACTIVE') throw new AtsgateError('INTEGRATION.INACTIVE', `Integration ${it.integration.id} is inactive.`);
    const { connector, ctx } = contextFor(rt, it.integration, { recorder: journal });
    const result = await op(connector, ctx, journal);
    await completeLog(rt.db, logId, { statusCode: 200, calls: journal.calls, warnings: result.warnings });
    return result;
  } catch (err) {
    const e = err instanceof AtsgateError ? err : new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred while talking to the ATS.', { cause: err });
    await completeLog(rt.db, logId, { statusCode: e.status, calls: journal.calls, warnings: [], error: { code: e.code, message: e.message } }).catch(() => undefined);
    throw e;
  } finally {
    const left = (inFlight.get(it.integration.id) ?? 1) - 1;
    if (left <= 0) inFlight.delete(it.integration.id);
    else inFlight.set(it.integration.id, left);
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

/** After a write, re-read the candidate so GET /ats/candidates shows it; never fails the write. */
async function refreshQuietly(rt: Runtime, connector: AnyConnector, ctx: ConnectorContext<any>, it: Interaction, remoteId: string): Promise<void> {
  await refreshCandidate(rt, connector, ctx, it.integration.id, remoteId).catch(() => undefined);
}

export async function addCandidateResultLink(rt: Runtime, it: Interaction, candidateId: string, body: ResultLinkBody) {
  return interact(rt, it, 'ats_add_candidate_result_link', body, async (connector, ctx) => {
    const ref = await findCandidateRef(rt.db, it.integration.id, candidateId);
    if (!ref) throw notFoundInput(`candidate_id "${candidateId}": the candidate`);
    const out = await connector.addCandidateResultLink(ctx, ref, linkInput(body));
    await refreshQuietly(rt, connector, ctx, it, ref.remote_id);
    return { warnings: out.warnings };
  });
}

export async function addApplicationResultLink(rt: Runtime, it: Interaction, applicationId: string, body: ResultLinkBody) {
  return interact(rt, it, 'ats_add_application_result_link', body, async (connector, ctx) => {
    const ref = await findApplicationRef(rt.db, it.integration.id, applicationId);
    if (!ref) throw notFoundInput(`application_id "${applicationId}": the application`);
    const out = await connector.addApplicationResultLink(ctx, ref, linkInput(body));
    await refreshQuietly(rt, connector, ctx, it, ref.candidate_remote_id);
    return { warnings: out.warnings };
  });
}

export async function addCandidateAttachment(rt: Runtime, it: Interaction, candidateId: string, body: AttachmentBody) {
  return interact(rt, it, 'ats_add_candidate_attachment', body, async (connector, ctx, journal) => {
    const ref = await findCandidateRef(rt.db, it.integration.id, candidateId);
    if (!ref) throw notFoundInput(`candidate_id "${candidateId}": the candidate`);
    const caps = connector.definition.capabilities.attachments;
    if (!caps.candidate) throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', `${connector.definition.label} does not support adding attachments to candidates.`);
    const maxBytes = Math.min(rt.config.attachmentMaxBytes, caps.maxBytes);
    const input = await attachmentInput(rt, body, maxBytes, connector.definition.label, journal);
    const out = await connector.addCandidateAttachment(ctx, ref, input);
    await refreshQuietly(rt, connector, ctx, it, ref.remote_id);
    return { warnings: out.warnings };
  });
}

export async function listCandidateAttachments(rt: Runtime, it: Interaction, candidateId: string) {
  const ref = await findCandidateRef(rt.db, it.integration.id, candidateId);
  if (!ref) throw notFoundInput(`candidate_id "${candidateId}": the candidate`);
  const { connector, ctx } = contextFor(rt, it.integration);
  const out = await connector.listCandidateAttachments(ctx, ref);
  return {
    warnings: out.warnings,
    results: out.attachments.map((a) => ({
      id: komboId(it.integration.id, a.remote_id),
      application_id: a.application_remote_id ? komboId(it.integration.id, a.application_remote_id) : null,
      candidate_id: candidateId,
      type: a.type,
      remote_id: a.remote_id,
      data_url: a.data_url,
      file_name: a.file_name,
      content_type: a.content_type,
      remote_created_at: iso(a.remote_created_at),
      remote_updated_at: iso(a.remote_updated_at),
    })),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decodes `data` strictly: Buffer.from() silently skips garbage, which would corrupt files. */
export function decodeBase64(data: string): Buffer {
  const s = data.replace(/\s+/g, '');
  if (!(BASE64.test(s) || BASE64URL.test(s)) || s.replace(/=+$/, '').length % 4 === 1) {
    throw inputInvalid('attachment.data must be base64-encoded file contents.');
  }
  return Buffer.from(s, BASE64.test(s) ? 'base64' : 'base64url');
}

async function attachmentInput(rt: Runtime, body: AttachmentBody, maxBytes: number, tool: string, journal: CallJournal): Promise<AttachmentInput> {
  const a = body.attachment;
  let data: Buffer;
  let contentType = a.content_type ?? null;
  if (a.data !== undefined) {
    // Cheap bound before decoding: base64 is 4/3 of the bytes.
    if (Math.floor((a.data.length * 3) / 4) > maxBytes + 3) throw tooLarge(maxBytes, tool);
    data = decodeBase64(a.data);
  } else {
    const got = await downloadDataUrl(a.data_url!, { maxBytes, timeoutMs: rt.config.downloadTimeoutMs, allowPrivate: rt.config.allowPrivateDownloads, recorder: journal });
    data = got.data;
    contentType ??= got.contentType;
  }
  if (data.length > maxBytes) throw tooLarge(maxBytes, tool);
  if (data.length === 0) throw inputInvalid('The attachment is empty (0 bytes).');
  if (!contentType || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) {
    throw inputInvalid('attachment.content_type is missing and the data_url response did not name a usable Content-Type; pass attachment.content_type.');
  }
  return { name: a.name, type: a.type, content_type: contentType, data, remote_fields: normalizeRemoteFields(body.remote_fields) };
}

const tooLarge = (max: number, tool: string) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `The attachment is larger than ${max} bytes, the most ${tool} (or this server's ATSGATE_ATTACHMENT_MAX_BYTES) accepts.`, { status: 413 });
