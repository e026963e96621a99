/** Files published for a vendor to fetch (see migration 005). Bytes arrive and leave sealed. */
import type { Queryable } from './db.ts';

export interface PublishedFile {
  content: Buffer;
  content_type: string;
  file_name: string;
}

export async function insertPublishedFile(
  db: Queryable,
  r: { id: string; integrationId: string; sealed: Buffer; contentType: string; fileName: string; expiresAt: Date },
): Promise<void> {
  // Expired files go whenever a new one arrives: no separate sweeper needed.
  await db.query('DELETE FROM published_files WHERE expires_at < now()');
  await db.query(
    'INSERT INTO published_files (id, integration_id, content, content_type, file_name, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [r.id, r.integrationId, r.sealed, r.contentType, r.fileName, r.expiresAt.toISOString()],
  );
}

/** The sealed file, if it exists, belongs to the integration and has not expired. */
export async function getPublishedFile(db: Queryable, integrationId: string, id: string): Promise<PublishedFile | null> {
  const { rows } = await db.query<{ content: Uint8Array; content_type: string; file_name: string }>(
    'SELECT content, content_type, file_name FROM published_files WHERE id = $1 AND integration_id = $2 AND expires_at > now()',
    [id, integrationId],
  );
  return rows[0] ? { content: Buffer.from(rows[0].content), content_type: rows[0].content_type, file_name: rows[0].file_name } : null;
}
