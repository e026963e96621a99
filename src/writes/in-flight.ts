/**
 * The cap on synchronous writes in flight per integration, held by the Runtime (one per server,
 * so two servers in one process, as in tests and the bench, never share counts). Beyond the
 * cap a write is refused with PLATFORM.CONCURRENCY_LIMIT_EXCEEDED instead of queueing behind
 * the vendor's rate limit until the client times out.
 */
/** Kombo rejects more than 30 in-flight actions per integration with 429. */
export const MAX_IN_FLIGHT = 30;

export class InFlightWrites {
  private readonly counts = new Map<string, number>();

  constructor(readonly max = MAX_IN_FLIGHT) {}

  /** Takes a slot for the integration; false when all `max` are taken. */
  tryEnter(integrationId: string): boolean {
    const n = this.counts.get(integrationId) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(integrationId, n + 1);
    return true;
  }

  leave(integrationId: string): void {
    const left = (this.counts.get(integrationId) ?? 1) - 1;
    if (left <= 0) this.counts.delete(integrationId);
    else this.counts.set(integrationId, left);
  }
}
