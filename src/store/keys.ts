/**
 * Accounts and API keys. Keys are stored as SHA-256 hashes; lookup is by hash, so the
 * plaintext never touches the database and comparison does not leak through timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db.ts';
import { randomId } from '../ids.ts';
import { integrationColumns, type IntegrationWithSecrets } from './integrations.ts';

export const DEFAULT_ACCOUNT = 'default';
const BOOTSTRAP_KEY_ID = 'env-bootstrap';

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export interface ApiKeyRow {
  id: string;
  account_id: string;
  prefix: string;
  name: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

export async function ensureAccount(db: Queryable, id: string, name = id): Promise<void> {
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

/** ATSGATE_API_KEY is always a valid key of the default account; a changed value replaces the old. */
export async function ensureBootstrapKey(db: Queryable, key: string): Promise<void> {
  await ensureAccount(db, DEFAULT_ACCOUNT, 'Default account');
  await db.query(
    `INSERT INTO api_keys (id, account_id, key_hash, prefix, name) VALUES ($1, $2, $3, $4, 'ATSGATE_API_KEY')
     ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, prefix = EXCLUDED.prefix, revoked_at = NULL`,
    [BOOTSTRAP_KEY_ID, DEFAULT_ACCOUNT, hashKey(key), key.slice(0, 8)],
  );
}

export async function createApiKey(db: Queryable, accountId: string, name: string | null): Promise<{ id: string; key: string }> {
  await ensureAccount(db, accountId);
  const key = 'atsg_' + randomBytes(24).toString('base64url');
  const id = randomId();
  await db.query('INSERT INTO api_keys (id, account_id, key_hash, prefix, name) VALUES ($1, $2, $3, $4, $5)', [
    id,
    accountId,
    hashKey(key),
    key.slice(0, 9),
    name,
  ]);
  return { id, key };
}

export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const res = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return res.rowCount > 0;
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  return (await db.query<ApiKeyRow>('SELECT id, account_id, prefix, name, created_at, revoked_at FROM api_keys ORDER BY created_at')).rows;
}

/** The account a presented key belongs to, or null (unknown or revoked). */
export async function authenticate(db: Queryable, presented: string): Promise<{ keyId: string; accountId: string } | null> {
  const h = hashKey(presented);
  const { rows } = await db.query<{ id: string; account_id: string; key_hash: string }>(
    'SELECT id, account_id, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [h],
  );
  const row = rows[0];
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(h))) return null;
  return { keyId: row.id, accountId: row.account_id };
}

/**
 * authenticate() and, in the same round trip, the key's account's integration `integrationId`
 * (null when the account has none by that id). Every integration-scoped request needs both, and
 * on PostgreSQL the round trip costs more than either lookup.
 */
export async function authenticateWithIntegration(
  db: Queryable,
  presented: string,
  integrationId: string,
): Promise<{ keyId: string; accountId: string; integration: IntegrationWithSecrets | null } | null> {
  const h = hashKey(presented);
  const { rows } = await db.query<IntegrationWithSecrets & { key_id: string; key_account_id: string; key_hash: string }>(
    `SELECT k.id AS key_id, k.account_id AS key_account_id, k.key_hash, ${integrationColumns('i')}
       FROM api_keys k LEFT JOIN integrations i ON i.id = $2 AND i.account_id = k.account_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [h, integrationId],
  );
  const row = rows[0];
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(h))) return null;
  const { key_id, key_account_id, key_hash: _, ...integration } = row;
  return { keyId: key_id, accountId: key_account_id, integration: integration.id == null ? null : integration };
}

/** The stored hash of a live (not revoked) key of the account, or null (dashboard sessions re-check it). */
export async function liveKeyHash(db: Queryable, keyId: string, accountId: string): Promise<string | null> {
  const { rows } = await db.query<{ key_hash: string }>(
    'SELECT key_hash FROM api_keys WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL',
    [keyId, accountId],
  );
  return rows[0]?.key_hash ?? null;
}
