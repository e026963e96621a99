/**
 * The built-in sandbox ATS's "vendor data": its objects in the sandbox_objects table, per
 * integration. The sandbox connector (src/connectors/sandbox/client.ts) reads and writes them
 * only through these functions.
 */
import type { Queryable } from './db.ts';

export interface SandboxObject {
  kind: string;
  remote_id: string;
  parent_id: string | null;
  data: any;
  created_at: Date;
  updated_at: Date;
}

export interface NewSandboxObject {
  kind: string;
  remote_id: string;
  parent_id: string | null;
  data: unknown;
  at: string | Date;
}

export async function hasSandboxObjects(db: Queryable, integrationId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM sandbox_objects WHERE integration_id = $1 LIMIT 1', [integrationId])).rows.length > 0;
}

/** Inserts seed objects (created and updated at `at`), 100 to a statement; existing ones are kept. */
export async function seedSandboxObjects(db: Queryable, integrationId: string, objs: NewSandboxObject[]): Promise<void> {
  for (let i = 0; i < objs.length; i += 100) {
    const batch = objs.slice(i, i + 100);
    const params: unknown[] = [];
    const tuples = batch.map((o) => {
      const b = params.length;
      params.push(integrationId, o.kind, o.remote_id, o.parent_id, JSON.stringify(o.data), o.at);
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}::timestamptz, $${b + 6}::timestamptz)`;
    });
    await db.query(
      `INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, created_at, updated_at) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

export async function listSandboxObjects(
  db: Queryable,
  integrationId: string,
  kind: string,
  opts: { after?: string; limit: number; updatedAfter?: Date; parentIds?: string[] },
): Promise<SandboxObject[]> {
  const params: unknown[] = [integrationId, kind, opts.after ?? ''];
  let sql = `SELECT kind, remote_id, parent_id, data, created_at, updated_at FROM sandbox_objects
             WHERE integration_id = $1 AND kind = $2 AND remote_id > $3 AND deleted_at IS NULL`;
  if (opts.updatedAfter) sql += ` AND updated_at >= $${params.push(opts.updatedAfter.toISOString())}::timestamptz`;
  if (opts.parentIds) sql += ` AND parent_id = ANY($${params.push(opts.parentIds)}::text[])`;
  sql += ` ORDER BY remote_id LIMIT ${opts.limit}`;
  return (await db.query<SandboxObject>(sql, params)).rows;
}

export async function getSandboxObject(
  db: Queryable,
  integrationId: string,
  kind: string,
  remoteId: string,
): Promise<SandboxObject | null> {
  const { rows } = await db.query<SandboxObject>(
    'SELECT kind, remote_id, parent_id, data, created_at, updated_at FROM sandbox_objects WHERE integration_id = $1 AND kind = $2 AND remote_id = $3 AND deleted_at IS NULL',
    [integrationId, kind, remoteId],
  );
  return rows[0] ?? null;
}

export async function insertSandboxObject(
  db: Queryable,
  integrationId: string,
  o: { kind: string; remoteId: string; parentId: string | null; data: unknown; content?: Buffer },
): Promise<void> {
  await db.query(
    'INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, content) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
    [integrationId, o.kind, o.remoteId, o.parentId, JSON.stringify(o.data), o.content ?? null],
  );
}

/** Merges `fields` into an object's custom fields and bumps its updated_at. */
export async function mergeSandboxCustomFields(
  db: Queryable,
  integrationId: string,
  kind: string,
  remoteId: string,
  fields: Record<string, string>,
): Promise<void> {
  await db.query(
    `UPDATE sandbox_objects SET data = jsonb_set(data, '{custom_fields}', COALESCE(data->'custom_fields', '{}'::jsonb) || $4::jsonb), updated_at = now()
     WHERE integration_id = $1 AND kind = $2 AND remote_id = $3`,
    [integrationId, kind, remoteId, JSON.stringify(fields)],
  );
}

export async function touchSandboxObject(db: Queryable, integrationId: string, kind: string, remoteId: string): Promise<void> {
  await db.query('UPDATE sandbox_objects SET updated_at = now() WHERE integration_id = $1 AND kind = $2 AND remote_id = $3', [
    integrationId,
    kind,
    remoteId,
  ]);
}

export async function sandboxObjectContent(
  db: Queryable,
  integrationId: string,
  kind: string,
  remoteId: string,
): Promise<{ data: any; content: Buffer } | null> {
  const { rows } = await db.query<{ data: any; content: Uint8Array }>(
    'SELECT data, content FROM sandbox_objects WHERE integration_id = $1 AND kind = $2 AND remote_id = $3 AND deleted_at IS NULL',
    [integrationId, kind, remoteId],
  );
  return rows[0] ? { data: rows[0].data, content: Buffer.from(rows[0].content) } : null;
}

/** Marks a candidate and its applications deleted "upstream" (for trying deletion detection). */
export async function deleteSandboxCandidate(db: Queryable, integrationId: string, remoteId: string): Promise<void> {
  await db.query(
    `UPDATE sandbox_objects SET deleted_at = now() WHERE integration_id = $1 AND ((kind = 'candidate' AND remote_id = $2) OR (kind = 'application' AND parent_id = $2))`,
    [integrationId, remoteId],
  );
}

/** Merges top-level `patch` keys into an object's data and bumps its updated_at. */
export async function patchSandboxObject(
  db: Queryable,
  integrationId: string,
  kind: string,
  remoteId: string,
  patch: Record<string, unknown>,
): Promise<void> {
  await db.query(
    'UPDATE sandbox_objects SET data = data || $4::jsonb, updated_at = now() WHERE integration_id = $1 AND kind = $2 AND remote_id = $3',
    [integrationId, kind, remoteId, JSON.stringify(patch)],
  );
}
