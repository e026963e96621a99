/**
 * Connect links and their activation tokens. Only SHA-256 hashes of the tokens are stored, so a
 * database dump cannot be turned into working links; every lookup checks expiry in SQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';
import { randomId } from '../ids.ts';

export type LinkKind = 'CONNECT' | 'RELINK';
export type LinkType = 'EMBEDDED' | 'MAGIC_LINK';

export interface ConnectLink {
  id: string;
  account_id: string;
  kind: LinkKind;
  link_type: LinkType;
  end_user_email: string | null;
  end_user_organization_name: string;
  end_user_origin_id: string | null;
  integration_tool: string | null;
  integration_id: string | null;
  options: Record<string, unknown>;
  expires_at: Date;
  created_at: Date;
  completed_at: Date | null;
}

const COLUMNS = `id, account_id, kind, link_type, end_user_email, end_user_organization_name, end_user_origin_id,
  integration_tool, integration_id, options, expires_at, created_at, completed_at`;

/** 32 random bytes, URL-safe: unguessable, and fits a path segment. */
export const newToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** What a token we issued looks like; anything else is refused before touching the database. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface NewLink {
  accountId: string;
  kind: LinkKind;
  linkType: LinkType;
  ttlMs: number;
  endUserEmail: string | null;
  organizationName: string;
  originId: string | null;
  tool: string | null;
  integrationId: string | null;
  options: Record<string, unknown>;
}

/** Stores a link and returns its token (the only time the plaintext exists). */
export async function createLink(db: Queryable, n: NewLink): Promise<{ link: ConnectLink; token: string }> {
  const token = newToken();
  const { rows } = await db.query<ConnectLink>(
    `INSERT INTO connect_links (id, account_id, kind, token_hash, link_type, end_user_email, end_user_organization_name,
       end_user_origin_id, integration_tool, integration_id, options, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, now() + ($12::bigint * interval '1 millisecond'))
     RETURNING ${COLUMNS}`,
    [
      randomId(),
      n.accountId,
      n.kind,
      hashToken(token),
      n.linkType,
      n.endUserEmail,
      n.organizationName,
      n.originId,
      n.tool,
      n.integrationId,
      JSON.stringify(n.options),
      n.ttlMs,
    ],
  );
  return { link: rows[0], token };
}

/** The unexpired link a token opens, or null (unknown and expired look the same). */
export async function findLinkByToken(db: Queryable, token: string): Promise<ConnectLink | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query<ConnectLink>(`SELECT ${COLUMNS} FROM connect_links WHERE token_hash = $1 AND expires_at > now()`, [
    hashToken(token),
  ]);
  return rows[0] ?? null;
}

/**
 * Takes the link for one submission. A second submission while the first is still checking
 * credentials is refused (it would create a second integration); a claim left by a crashed
 * process lapses after `holdMs`.
 */
export async function claimLink(db: Queryable, id: string, holdMs: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE connect_links SET claimed_until = now() + ($2::bigint * interval '1 millisecond')
     WHERE id = $1 AND completed_at IS NULL AND expires_at > now() AND (claimed_until IS NULL OR claimed_until < now())`,
    [id, holdMs],
  );
  return res.rowCount > 0;
}

export async function releaseLink(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE connect_links SET claimed_until = NULL WHERE id = $1 AND completed_at IS NULL', [id]);
}

/** Marks the flow done and issues the activation token the embedding app exchanges. */
export async function completeLink(db: Queryable, id: string, integrationId: string, activationTtlMs: number): Promise<string> {
  const activation = newToken();
  await db.query(
    `UPDATE connect_links SET completed_at = now(), claimed_until = NULL, integration_id = $2, activation_token_hash = $3,
       activation_expires_at = now() + ($4::bigint * interval '1 millisecond')
     WHERE id = $1`,
    [id, integrationId, hashToken(activation), activationTtlMs],
  );
  return activation;
}

/** The link an activation token was issued for, within the caller's account only. */
export async function findLinkByActivationToken(db: Queryable, accountId: string, token: string): Promise<ConnectLink | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query<ConnectLink>(
    `SELECT ${COLUMNS} FROM connect_links
     WHERE activation_token_hash = $1 AND account_id = $2 AND activation_expires_at > now() AND integration_id IS NOT NULL`,
    [hashToken(token), accountId],
  );
  return rows[0] ?? null;
}
