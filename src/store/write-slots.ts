/**
 * Slots of the deployment-wide cap on actions in flight per integration (src/writes/in-flight.ts),
 * one row each in write_slots (migration 013). Written on the relaxed connection: a crash of the
 * DATABASE SERVER that loses the last slot rows only frees those slots early.
 */
import type { Queryable } from './db.ts';

/** Takes slot `id` for the integration unless `cap` live slots are held; true when taken. */
export async function takeWriteSlot(db: Queryable, id: string, integrationId: string, cap: number, leaseSeconds: number): Promise<boolean> {
  const { rows } = await db.query<{ taken: boolean }>('SELECT atsgate_take_write_slot($1, $2, $3, $4) AS taken', [
    id,
    integrationId,
    cap,
    leaseSeconds,
  ]);
  return rows[0]?.taken === true;
}

export async function releaseWriteSlot(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM write_slots WHERE id = $1', [id]);
}

/** Pushes the expiry of the slots still held by this process one lease ahead. */
export async function renewWriteSlots(db: Queryable, ids: string[], leaseSeconds: number): Promise<void> {
  await db.query('UPDATE write_slots SET expires_at = clock_timestamp() + make_interval(secs => $2) WHERE id = ANY($1::text[])', [
    ids,
    leaseSeconds,
  ]);
}

/** Live slots per integration, for the given integrations or (without) all of them; read-only. */
export async function liveWriteSlots(db: Queryable, integrationIds?: string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ integration_id: string; n: number }>(
    `SELECT integration_id, count(*)::int AS n FROM write_slots
      WHERE expires_at > clock_timestamp() AND ($1::text[] IS NULL OR integration_id = ANY($1::text[]))
      GROUP BY integration_id`,
    [integrationIds ?? null],
  );
  return new Map(rows.map((r) => [r.integration_id, Number(r.n)]));
}
