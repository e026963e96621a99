/** Integrations: one connection to one customer's ATS. Credentials are sealed at rest. */
import type { Queryable } from './db.ts';
import type { SecretBox } from '../crypto/secretbox.ts';
import { randomId } from '../ids.ts';
import { AtsgateError } from '../errors.ts';

export type IntegrationStatus = 'ACTIVE' | 'INVALID' | 'INACTIVE';
export type SetupStatus = 'INCOMPLETE' | 'FINAL_SYNC_PENDING' | 'COMPLETED';

export interface Integration {
  id: string;
  account_id: string;
  tool: string;
  organization_name: string;
  creator_email: string | null;
  origin_id: string | null;
  config: { base_url?: string; [k: string]: unknown };
  status: IntegrationStatus;
  setup_status: SetupStatus;
  /** false: switched off with PUT /v1/integrations/:id/enabled (no writes, no syncs). */
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  last_sync_started_at: Date | null;
  last_sync_ended_at: Date | null;
}

export interface IntegrationWithSecrets extends Integration {
  credentials_sealed: string;
}

const COLUMNS = `id, account_id, tool, organization_name, creator_email, origin_id, config, status, setup_status, enabled,
  created_at, updated_at, last_sync_started_at, last_sync_ended_at`;

/** The columns of an IntegrationWithSecrets, qualified by a table alias (for joins). */
export const integrationColumns = (alias: string) =>
  `${COLUMNS}, credentials_sealed`
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');

export interface NewIntegration {
  accountId: string;
  tool: string;
  organizationName: string;
  creatorEmail?: string | null;
  originId?: string | null;
  credentials: Record<string, unknown>;
  config?: Integration['config'];
  /** Fixed id (the demo integration); otherwise `<tool>:<random>`. */
  id?: string;
}

export async function createIntegration(db: Queryable, box: SecretBox, n: NewIntegration): Promise<Integration> {
  const id = n.id ?? `${n.tool}:${randomId()}`;
  const { rows } = await db.query<Integration>(
    `INSERT INTO integrations (id, account_id, tool, organization_name, creator_email, origin_id, credentials_sealed, config)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [
      id,
      n.accountId,
      n.tool,
      n.organizationName,
      n.creatorEmail ?? null,
      n.originId ?? null,
      box.sealJson(n.credentials),
      JSON.stringify(n.config ?? {}),
    ],
  );
  return rows[0];
}

/** Scoped to the account: another account's integration is indistinguishable from none. */
export async function getIntegration(db: Queryable, accountId: string, id: string): Promise<IntegrationWithSecrets | null> {
  const { rows } = await db.query<IntegrationWithSecrets>(
    `SELECT ${COLUMNS}, credentials_sealed FROM integrations WHERE id = $1 AND account_id = $2`,
    [id, accountId],
  );
  return rows[0] ?? null;
}

/** Unscoped, for internal work (sync workers, the CLI). */
export async function getIntegrationById(db: Queryable, id: string): Promise<IntegrationWithSecrets | null> {
  const { rows } = await db.query<IntegrationWithSecrets>(`SELECT ${COLUMNS}, credentials_sealed FROM integrations WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listIntegrations(db: Queryable, accountId?: string): Promise<Integration[]> {
  const { rows } = accountId
    ? await db.query<Integration>(`SELECT ${COLUMNS} FROM integrations WHERE account_id = $1 ORDER BY created_at`, [accountId])
    : await db.query<Integration>(`SELECT ${COLUMNS} FROM integrations ORDER BY created_at`);
  return rows;
}

export async function deleteIntegration(db: Queryable, accountId: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM integrations WHERE id = $1 AND account_id = $2', [id, accountId])).rowCount > 0;
}

export async function setIntegrationState(
  db: Queryable,
  id: string,
  patch: { status?: IntegrationStatus; setup_status?: SetupStatus },
): Promise<void> {
  await db.query(
    `UPDATE integrations SET status = COALESCE($2, status), setup_status = COALESCE($3, setup_status), updated_at = now() WHERE id = $1`,
    [id, patch.status ?? null, patch.setup_status ?? null],
  );
}

/** Switches an integration on or off, within the account; false when there is no such integration. */
export async function setIntegrationEnabled(db: Queryable, accountId: string, id: string, enabled: boolean): Promise<boolean> {
  return (
    (await db.query('UPDATE integrations SET enabled = $3, updated_at = now() WHERE id = $1 AND account_id = $2', [id, accountId, enabled]))
      .rowCount > 0
  );
}

export async function updateCredentials(db: Queryable, box: SecretBox, id: string, credentials: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE integrations SET credentials_sealed = $2, status = $3, updated_at = now() WHERE id = $1', [
    id,
    box.sealJson(credentials),
    'ACTIVE',
  ]);
}

/** A sync of the integration ended successfully just now (the sync-lag metric reads this). */
export async function markSyncEnded(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE integrations SET last_sync_ended_at = now() WHERE id = $1', [id]);
}

/** Seconds since each integration's last successful sync ended (integrations that never synced are left out). */
export async function syncLags(db: Queryable): Promise<{ id: string; tool: string; lag: number }[]> {
  const { rows } = await db.query<{ id: string; tool: string; lag: number }>(
    `SELECT id, tool, extract(epoch FROM now() - last_sync_ended_at)::float8 AS lag
       FROM integrations WHERE last_sync_ended_at IS NOT NULL`,
  );
  return rows;
}

/** Every integration's sealed credentials, locked until the transaction ends (key rotation). */
export async function lockAllSealedCredentials(q: Queryable): Promise<{ id: string; credentials_sealed: string }[]> {
  return (
    await q.query<{ id: string; credentials_sealed: string }>('SELECT id, credentials_sealed FROM integrations ORDER BY id FOR UPDATE')
  ).rows;
}

/** Replaces sealed credentials as they are (key rotation: same plaintext, new key). */
export async function replaceSealedCredentials(q: Queryable, id: string, sealed: string): Promise<void> {
  await q.query('UPDATE integrations SET credentials_sealed = $2, updated_at = now() WHERE id = $1', [id, sealed]);
}

export function openCredentials(box: SecretBox, integration: IntegrationWithSecrets): Record<string, unknown> {
  const keyId = integration.credentials_sealed.split(':')[1];
  if (integration.credentials_sealed.startsWith('v1:') && keyId !== box.keyId) {
    // An operator error (ATSGATE_SECRET changed without `atsgate secrets rotate`): say so, by key id only.
    throw new AtsgateError(
      'PLATFORM.UNKNOWN_ERROR',
      `The credentials of integration ${integration.id} were encrypted with key ${keyId}, but this server runs with key ${box.keyId}: restore the previous ATSGATE_SECRET or run \`atsgate secrets rotate\` with it.`,
    );
  }
  return box.openJson<Record<string, unknown>>(integration.credentials_sealed);
}
