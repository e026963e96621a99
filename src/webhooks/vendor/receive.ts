/**
 * One request to an integration's webhook URL: find the endpoint by its token, answer a
 * vendor's set-up handshake, verify the signature with the connector's scheme, take each event
 * once, and queue a re-read of what it names. The payload is only a trigger: the records are
 * read again from the vendor's API (src/webhooks/vendor/refresh.ts), and Kombo's
 * `data-changed` follows when that read changed something.
 */
import { createHash } from 'node:crypto';
import type { Runtime } from '../../runtime.ts';
import { getConnector } from '../../connectors/registry.ts';
import type { InboundVendorRequest, VendorWebhookAnswer } from '../../connectors/types.ts';
import { openCredentials, type IntegrationWithSecrets } from '../../store/integrations.ts';
import {
  candidatesOfApplications,
  claimVendorWebhookEvent,
  findVendorWebhookEndpointByTokenHash,
  releaseVendorWebhookEvent,
} from '../../store/vendor-webhooks.ts';
import { openEndpoint, tokenHash, verificationSecrets } from './endpoint.ts';
import { queueCandidateRefresh } from './refresh.ts';
import { requestSync } from '../../jobs/sync-tasks.ts';

export type ReceiveOutcome =
  | { kind: 'not_found' }
  | { kind: 'unauthorized' }
  | { kind: 'handshake'; headers: Record<string, string> }
  | { kind: 'accepted'; duplicate: boolean; refreshed: number; resync: boolean; ignored?: string };

/** URL tokens are 43 base64url characters; anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export async function receiveVendorWebhook(rt: Runtime, token: string, req: InboundVendorRequest): Promise<ReceiveOutcome> {
  if (!TOKEN.test(token)) return { kind: 'not_found' };
  const row = await findVendorWebhookEndpointByTokenHash(rt.db, tokenHash(token));
  const spec = row ? getConnector(row.tool)?.webhooks : undefined;
  if (!row || !spec) return { kind: 'not_found' };

  const handshake = spec.handshake?.(req);
  if (handshake) return { kind: 'handshake', headers: handshake };

  const secrets = verificationSecrets(openEndpoint(rt, row));
  // Opened only for vendors that sign with the integration's own key (Workable).
  let creds: Record<string, unknown> | undefined;
  const credentials = () =>
    (creds ??= openCredentials(rt.box, { id: row.integration_id, credentials_sealed: row.credentials_sealed } as IntegrationWithSecrets));
  let verified = false;
  try {
    verified = spec.verify(req, secrets, credentials);
  } catch {
    verified = false; // a malformed header or body is a failed verification, never a 500
  }
  if (!verified) return { kind: 'unauthorized' };

  const answer = spec.parse(req);
  if (answer.kind === 'ping') return { kind: 'accepted', duplicate: false, refreshed: 0, resync: false, ignored: 'ping' };
  if (!row.enabled) return { kind: 'accepted', duplicate: false, refreshed: 0, resync: false, ignored: 'integration disabled' };

  return takeVendorEvent(rt, row.integration_id, row.tool, answer, createHash('sha256').update(req.rawBody).digest('hex'));
}

/**
 * Takes one verified event (pushed, or fetched by the poller): once per event id (else per
 * `contentHash`), then queues the re-read of what it names.
 */
export async function takeVendorEvent(
  rt: Runtime,
  integrationId: string,
  tool: string,
  answer: Extract<VendorWebhookAnswer, { kind: 'event' }>,
  contentHash: string,
): Promise<Extract<ReceiveOutcome, { kind: 'accepted' }>> {
  const key = (answer.eventId ? `id:${answer.eventId}` : `sha256:${contentHash}`).slice(0, 300);
  if (!(await claimVendorWebhookEvent(rt.db, integrationId, key))) {
    return { kind: 'accepted', duplicate: true, refreshed: 0, resync: false };
  }
  try {
    return await queueRereads(rt, integrationId, answer, Boolean(getConnector(tool)?.readCandidate));
  } catch (err) {
    // Nothing was queued: the event is not taken, and the vendor's retry (after our 500) is processed.
    await releaseVendorWebhookEvent(rt.db, integrationId, key).catch(() => undefined);
    throw err;
  }
}

async function queueRereads(
  rt: Runtime,
  integrationId: string,
  answer: Extract<VendorWebhookAnswer, { kind: 'event' }>,
  targeted: boolean,
): Promise<Extract<ReceiveOutcome, { kind: 'accepted' }>> {
  // A connector without a one-candidate read (iCIMS, Pinpoint, Zoho Recruit...) re-reads with a
  // delta sync queued at once: the change still arrives within seconds, with its data-changed.
  if (!targeted) {
    await requestSync(rt, integrationId, 'DELTA');
    return { kind: 'accepted', duplicate: false, refreshed: 0, resync: true };
  }
  const apps = unique(answer.applications ?? []);
  const known = await candidatesOfApplications(rt.db, integrationId, apps);
  const candidates = unique([...(answer.candidates ?? []), ...known.values()]);
  // An application atsgate has not synced (just created) has no candidate to re-read through.
  const resync = Boolean(answer.resync) || apps.some((a) => !known.has(a) && !(answer.candidates ?? []).length);
  for (const c of candidates) await queueCandidateRefresh(rt, integrationId, c);
  if (resync) await requestSync(rt, integrationId, 'DELTA');
  return { kind: 'accepted', duplicate: false, refreshed: candidates.length, resync };
}

const unique = (xs: string[]): string[] => [...new Set(xs.filter((x) => typeof x === 'string' && x !== ''))].slice(0, 100);
