/**
 * The cap on actions in flight per integration. Kombo refuses more than 30 at once with
 * PLATFORM.CONCURRENCY_LIMIT_EXCEEDED (429) instead of letting them queue behind the vendor's
 * rate limit until the client times out. An action holds a slot from the moment atsgate starts
 * on it to its answer: a synchronous write (src/writes/service.ts), and an asynchronous write
 * while a worker delivers it (src/writes/outbox.ts; a delivery that finds the cap full is tried
 * again shortly, without spending one of its attempts).
 *
 * ONE cap per integration for the whole deployment. On PostgreSQL the slots are rows of
 * write_slots (src/store/write-slots.ts, migration 013), taken in one statement that serialises
 * the takers of one integration across processes; the embedded database is one process, so
 * counting in memory is the same thing there (as the inbound limits do, src/limits/inbound.ts).
 *
 * Crash safety, on PostgreSQL: each slot is a LEASE. The process renews the expiry of the slots
 * it holds every third of the lease (ATSGATE_WRITE_SLOT_LEASE_SECONDS, 30 s by default), and a
 * taker ignores and deletes expired slots, so a process killed with `kill -9` leaves its slots
 * taken for at most one lease. Why not session advisory locks, which the database frees at once
 * when the connection dies: a session lock lives on one connection, so every write in flight
 * (up to 30 per integration, for seconds against a slow ATS, per process) would pin a connection
 * of its own for its whole length, far beyond the pool (10) and the server's max_connections,
 * and transaction-mode poolers (PgBouncer) do not keep session locks at all. Leases cost one
 * short statement to take, one to release and one per process per renewal, on pooled connections.
 * The price is that slots of a dead process stay taken for up to a lease, and a process that
 * cannot reach the database for longer than a lease may see its slots taken over (the cap is
 * then exceeded by those writes until they end).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { liveWriteSlots, releaseWriteSlot, renewWriteSlots, takeWriteSlot } from '../store/write-slots.ts';

/** Kombo rejects more than 30 in-flight actions per integration with 429. */
export const MAX_IN_FLIGHT = 30;

/** A slot held; release it when the action ends (a second release does nothing). */
export interface WriteSlot {
  release(): Promise<void>;
}

export interface WriteSlots {
  readonly max: number;
  /** Takes a slot for the integration; null when all `max` are taken. */
  tryEnter(integrationId: string): Promise<WriteSlot | null>;
  /** Slots held now, deployment-wide, per integration: of `integrationIds`, or of every integration holding any. */
  inFlight(integrationIds?: string[]): Promise<Map<string, number>>;
  /** Stops renewing and gives back what is still held (the server is closing). */
  close(): Promise<void>;
}

/** The embedded database's cap: one process, counted in memory (also one per Runtime in tests). */
export class InProcessWriteSlots implements WriteSlots {
  private readonly counts = new Map<string, number>();

  constructor(readonly max = MAX_IN_FLIGHT) {}

  async tryEnter(integrationId: string): Promise<WriteSlot | null> {
    const n = this.counts.get(integrationId) ?? 0;
    if (n >= this.max) return null;
    this.counts.set(integrationId, n + 1);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        const left = (this.counts.get(integrationId) ?? 1) - 1;
        if (left <= 0) this.counts.delete(integrationId);
        else this.counts.set(integrationId, left);
      },
    };
  }

  async inFlight(integrationIds?: string[]): Promise<Map<string, number>> {
    if (!integrationIds) return new Map(this.counts);
    return new Map(integrationIds.flatMap((id) => (this.counts.has(id) ? [[id, this.counts.get(id)!] as const] : [])));
  }

  async close(): Promise<void> {}
}

/** The deployment-wide cap on PostgreSQL: leased rows, renewed by this process while it holds them. */
export class DatabaseWriteSlots implements WriteSlots {
  /** Slot id → integration, for every slot this process holds (or is taking). */
  private readonly held = new Map<string, string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Queryable,
    readonly leaseSeconds: number,
    readonly max = MAX_IN_FLIGHT,
  ) {}

  async tryEnter(integrationId: string): Promise<WriteSlot | null> {
    const id = randomUUID();
    // Counted as held from before the statement, so a renewal running meanwhile includes it.
    this.hold(id, integrationId);
    let taken = false;
    try {
      taken = await takeWriteSlot(this.db, id, integrationId, this.max, this.leaseSeconds);
    } finally {
      if (!taken) this.forget(id);
    }
    if (!taken) return null;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        // No longer renewed from here on: if the DELETE fails, the lease runs out on its own.
        this.forget(id);
        await releaseWriteSlot(this.db, id);
      },
    };
  }

  inFlight(integrationIds?: string[]): Promise<Map<string, number>> {
    return liveWriteSlots(this.db, integrationIds);
  }

  async close(): Promise<void> {
    const ids = [...this.held.keys()];
    this.held.clear();
    this.stopHeartbeat();
    await Promise.all(ids.map((id) => releaseWriteSlot(this.db, id).catch(() => undefined)));
  }

  private hold(id: string, integrationId: string): void {
    this.held.set(id, integrationId);
    if (this.heartbeat) return;
    this.heartbeat = setInterval(
      () => {
        const ids = [...this.held.keys()];
        if (ids.length) void renewWriteSlots(this.db, ids, this.leaseSeconds).catch(() => undefined);
      },
      (this.leaseSeconds * 1000) / 3,
    );
    this.heartbeat.unref?.();
  }

  private forget(id: string): void {
    this.held.delete(id);
    if (!this.held.size) this.stopHeartbeat();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
