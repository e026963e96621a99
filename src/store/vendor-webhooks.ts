/**
 * Inbound vendor webhooks (src/webhooks/vendor/): each integration's endpoint (token hash,
 * sealed token and secrets, what was registered with the vendor) and the events already taken.
 */
import type { Queryable } from './db.ts';

export type VendorWebhookSetup = 'registered' | 'manual' | 'failed';

export interface VendorWebhookEndpointRow {
  integration_id: string;
  sealed: string;
  setup: VendorWebhookSetup;
  registrations: unknown[];
  last_error: string | null;
  last_event_at: Date | null;
}

const COLUMNS = 'integration_id, sealed, setup, registrations, last_error, last_event_at';

export async function upsertVendorWebhookEndpoint(
  db: Queryable,
  e: {
    integrationId: string;
    tokenHash: string;
    sealed: string;
    setup: VendorWebhookSetup;
    registrations: unknown[];
    lastError: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO vendor_webhook_endpoints (integration_id, token_hash, sealed, setup, registrations, last_error)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (integration_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, sealed = EXCLUDED.sealed, setup = EXCLUDED.setup,
       registrations = EXCLUDED.registrations, last_error = EXCLUDED.last_error, updated_at = now()`,
    [e.integrationId, e.tokenHash, e.sealed, e.setup, JSON.stringify(e.registrations), e.lastError],
  );
}

/** The endpoint a URL token addresses, with its integration's tool and account (unscoped: the token is the credential). */
export async function findVendorWebhookEndpointByTokenHash(
  db: Queryable,
  tokenHash: string,
): Promise<(VendorWebhookEndpointRow & { tool: string; enabled: boolean; credentials_sealed: string }) | null> {
  const { rows } = await db.query<VendorWebhookEndpointRow & { tool: string; enabled: boolean; credentials_sealed: string }>(
    `SELECT e.integration_id, e.sealed, e.setup, e.registrations, e.last_error, e.last_event_at, i.tool, i.enabled, i.credentials_sealed
       FROM vendor_webhook_endpoints e JOIN integrations i ON i.id = e.integration_id WHERE e.token_hash = $1`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

/** Scoped to the account: another account's integration has no endpoint. */
export async function getVendorWebhookEndpoint(
  db: Queryable,
  accountId: string,
  integrationId: string,
): Promise<VendorWebhookEndpointRow | null> {
  const { rows } = await db.query<VendorWebhookEndpointRow>(
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `e.${c}`)
      .join(', ')} FROM vendor_webhook_endpoints e JOIN integrations i ON i.id = e.integration_id
      WHERE e.integration_id = $1 AND i.account_id = $2`,
    [integrationId, accountId],
  );
  return rows[0] ?? null;
}

/**
 * Records an event as taken; false when it was taken before (a redelivery). Events are kept
 * for as long as vendors redeliver (pruneVendorWebhookEvents).
 */
export async function claimVendorWebhookEvent(db: Queryable, integrationId: string, eventKey: string): Promise<boolean> {
  const res = await db.query('INSERT INTO vendor_webhook_events (integration_id, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    integrationId,
    eventKey,
  ]);
  if (res.rowCount > 0)
    await db.query('UPDATE vendor_webhook_endpoints SET last_event_at = now() WHERE integration_id = $1', [integrationId]);
  return res.rowCount > 0;
}

/** Un-takes an event whose re-read could not be queued, so the vendor's retry is not mistaken for a redelivery. */
export async function releaseVendorWebhookEvent(db: Queryable, integrationId: string, eventKey: string): Promise<void> {
  await db.query('DELETE FROM vendor_webhook_events WHERE integration_id = $1 AND event_key = $2', [integrationId, eventKey]);
}

/** Forgets events older than `days` (redeliveries stop long before). */
export async function pruneVendorWebhookEvents(db: Queryable, days: number): Promise<number> {
  return (await db.query(`DELETE FROM vendor_webhook_events WHERE received_at < now() - make_interval(days => $1::int)`, [days])).rowCount;
}

/** The candidate remote ids of synced applications, by application remote id (unknown ones are left out). */
export async function candidatesOfApplications(
  db: Queryable,
  integrationId: string,
  applicationRemoteIds: string[],
): Promise<Map<string, string>> {
  if (!applicationRemoteIds.length) return new Map();
  const { rows } = await db.query<{ remote_id: string; candidate_remote_id: string | null }>(
    `SELECT remote_id, data->>'candidate_remote_id' AS candidate_remote_id FROM applications
      WHERE integration_id = $1 AND remote_id = ANY($2::text[])`,
    [integrationId, applicationRemoteIds],
  );
  return new Map(rows.filter((r) => r.candidate_remote_id).map((r) => [r.remote_id, r.candidate_remote_id!]));
}

/** A candidate the vendor no longer has (re-read found nothing): it and its applications are marked deleted upstream. */
export async function markCandidateDeleted(
  db: Queryable,
  integrationId: string,
  candidateRemoteId: string,
): Promise<{ candidates: number; applications: number }> {
  const c = await db.query(
    `UPDATE candidates SET remote_deleted_at = now(), changed_at = now()
      WHERE integration_id = $1 AND remote_id = $2 AND remote_deleted_at IS NULL`,
    [integrationId, candidateRemoteId],
  );
  const a = await db.query(
    `UPDATE applications SET remote_deleted_at = now(), changed_at = now()
      WHERE integration_id = $1 AND data->>'candidate_remote_id' = $2 AND remote_deleted_at IS NULL`,
    [integrationId, candidateRemoteId],
  );
  return { candidates: c.rowCount, applications: a.rowCount };
}

/** Every endpoint's sealed value, locked until the transaction ends (key rotation). */
export async function lockSealedVendorWebhookEndpoints(q: Queryable): Promise<{ id: string; sealed: string }[]> {
  return (await q.query<{ id: string; sealed: string }>('SELECT integration_id AS id, sealed FROM vendor_webhook_endpoints FOR UPDATE'))
    .rows;
}

/** One endpoint's sealed value, locked until the transaction ends (a pasted key replacing the last). */
export async function lockSealedVendorWebhookEndpoint(q: Queryable, integrationId: string): Promise<string | null> {
  const r = await q.query<{ sealed: string }>('SELECT sealed FROM vendor_webhook_endpoints WHERE integration_id = $1 FOR UPDATE', [
    integrationId,
  ]);
  return r.rows[0]?.sealed ?? null;
}

export async function replaceSealedVendorWebhookEndpoint(q: Queryable, integrationId: string, sealed: string): Promise<void> {
  await q.query('UPDATE vendor_webhook_endpoints SET sealed = $2 WHERE integration_id = $1', [integrationId, sealed]);
}

/**
 * Endpoints atsgate registered with a vendor that queues events to be fetched (Bullhorn's event
 * subscriptions), of enabled integrations of the given tools: unscoped, for the poller.
 */
export async function listPolledVendorWebhookEndpoints(
  db: Queryable,
  tools: string[],
): Promise<{ integration_id: string; registrations: unknown[] }[]> {
  if (!tools.length) return [];
  const { rows } = await db.query<{ integration_id: string; registrations: unknown[] }>(
    `SELECT e.integration_id, e.registrations FROM vendor_webhook_endpoints e JOIN integrations i ON i.id = e.integration_id
      WHERE e.setup = 'registered' AND i.enabled AND i.tool = ANY($1::text[]) ORDER BY e.integration_id`,
    [tools],
  );
  return rows;
}
