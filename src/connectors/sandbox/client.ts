/**
 * The sandbox's "vendor API": its objects in the sandbox_objects table. Seeded on first use.
 */
import type { Queryable } from '../../store/db.ts';
import type { ConnectorContext } from '../types.ts';
import { AtsgateError } from '../../errors.ts';
import { seedObjects } from './seed.ts';

export interface SandboxObject {
  kind: string;
  remote_id: string;
  parent_id: string | null;
  data: any;
  created_at: Date;
  updated_at: Date;
}

export class SandboxClient {
  constructor(readonly db: Queryable, readonly integrationId: string) {}

  static from(ctx: ConnectorContext<{ api_key: string }>): SandboxClient {
    if (!ctx.localStore) throw new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'The sandbox needs atsgate\'s database.');
    if (!String(ctx.credentials.api_key ?? '').startsWith('sandbox')) {
      throw new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', 'The Sandbox ATS rejected the API key: sandbox keys start with "sandbox" (try "sandbox-demo").');
    }
    return new SandboxClient(ctx.localStore, ctx.integrationId);
  }

  /** Seeds the integration's sandbox the first time it is used (idempotent). */
  async ensureSeeded(): Promise<void> {
    const { rows } = await this.db.query('SELECT 1 FROM sandbox_objects WHERE integration_id = $1 LIMIT 1', [this.integrationId]);
    if (rows.length) return;
    const objs = seedObjects();
    for (let i = 0; i < objs.length; i += 100) {
      const batch = objs.slice(i, i + 100);
      const params: unknown[] = [];
      const tuples = batch.map((o) => {
        const b = params.length;
        params.push(this.integrationId, o.kind, o.remote_id, o.parent_id, JSON.stringify(o.data), o.at);
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}::timestamptz, $${b + 6}::timestamptz)`;
      });
      await this.db.query(
        `INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, created_at, updated_at) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
        params,
      );
    }
  }

  async list(kind: string, opts: { after?: string; limit: number; updatedAfter?: Date; parentIds?: string[] }): Promise<SandboxObject[]> {
    const params: unknown[] = [this.integrationId, kind, opts.after ?? ''];
    let sql = `SELECT kind, remote_id, parent_id, data, created_at, updated_at FROM sandbox_objects
               WHERE integration_id = $1 AND kind = $2 AND remote_id > $3 AND deleted_at IS NULL`;
    if (opts.updatedAfter) sql += ` AND updated_at >= $${params.push(opts.updatedAfter.toISOString())}::timestamptz`;
    if (opts.parentIds) sql += ` AND parent_id = ANY($${params.push(opts.parentIds)}::text[])`;
    sql += ` ORDER BY remote_id LIMIT ${opts.limit}`;
    return (await this.db.query<SandboxObject>(sql, params)).rows;
  }

  async get(kind: string, remoteId: string): Promise<SandboxObject | null> {
    const { rows } = await this.db.query<SandboxObject>(
      'SELECT kind, remote_id, parent_id, data, created_at, updated_at FROM sandbox_objects WHERE integration_id = $1 AND kind = $2 AND remote_id = $3 AND deleted_at IS NULL',
      [this.integrationId, kind, remoteId],
    );
    return rows[0] ?? null;
  }

  async insert(kind: string, remoteId: string, parentId: string | null, data: unknown, content?: Buffer): Promise<void> {
    await this.db.query(
      'INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, content) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
      [this.integrationId, kind, remoteId, parentId, JSON.stringify(data), content ?? null],
    );
  }

  /** Merges `patch` into an object's custom fields and bumps its updated_at. */
  async setCustomFields(kind: string, remoteId: string, fields: Record<string, string>): Promise<void> {
    await this.db.query(
      `UPDATE sandbox_objects SET data = jsonb_set(data, '{custom_fields}', COALESCE(data->'custom_fields', '{}'::jsonb) || $4::jsonb), updated_at = now()
       WHERE integration_id = $1 AND kind = $2 AND remote_id = $3`,
      [this.integrationId, kind, remoteId, JSON.stringify(fields)],
    );
  }

  async touch(kind: string, remoteId: string): Promise<void> {
    await this.db.query('UPDATE sandbox_objects SET updated_at = now() WHERE integration_id = $1 AND kind = $2 AND remote_id = $3', [this.integrationId, kind, remoteId]);
  }

  async content(kind: string, remoteId: string): Promise<{ data: any; content: Buffer } | null> {
    const { rows } = await this.db.query<{ data: any; content: Uint8Array }>(
      'SELECT data, content FROM sandbox_objects WHERE integration_id = $1 AND kind = $2 AND remote_id = $3 AND deleted_at IS NULL',
      [this.integrationId, kind, remoteId],
    );
    return rows[0] ? { data: rows[0].data, content: Buffer.from(rows[0].content) } : null;
  }

  /** Removes a candidate and its applications "upstream" (for trying deletion detection). */
  async deleteCandidate(remoteId: string): Promise<void> {
    await this.db.query(
      `UPDATE sandbox_objects SET deleted_at = now() WHERE integration_id = $1 AND ((kind = 'candidate' AND remote_id = $2) OR (kind = 'application' AND parent_id = $2))`,
      [this.integrationId, remoteId],
    );
  }
}
