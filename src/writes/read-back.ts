/**
 * After a write, the candidate is re-read from the ATS so readers of GET /v1/ats/candidates see
 * the change without waiting for the next sync. For a real ATS that read costs vendor calls
 * (Lever: three) and two upserts, more than the write itself, so it must not hold up the
 * answer: it runs here, in the background, after the response.
 *
 * Coalesced per candidate: ten writes to one candidate in a burst cause one or two reads, not
 * ten. A candidate queued and not yet started is not queued twice; one whose read is already
 * running is read once more after it, since that read may have missed the newest write.
 * Bounded: at most `concurrency` reads at a time per process, the rest wait in order.
 *
 * In-process on purpose: the read is a convenience, not a promise. If the process dies before
 * it runs, the next periodic sync picks the change up; a durable job per write would cost a
 * database statement on every write to save a read that is cheap to lose.
 */

export type ReadBack = () => Promise<void>;

export class ReadBackQueue {
  /** key → the read to run; insertion order is the order they run in. */
  private readonly waiting = new Map<string, ReadBack>();
  /** Keys being read now, and whether another write arrived for them meanwhile. */
  private readonly running = new Map<string, { again: ReadBack | null; waiters: (() => void)[] }>();
  private readonly idle = new Set<() => void>();
  private active = 0;

  constructor(
    private readonly concurrency = 4,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Queues a read of `key` (integration + candidate); returns at once. */
  schedule(key: string, read: ReadBack): void {
    const run = this.running.get(key);
    if (run) {
      run.again = read;
      return;
    }
    if (!this.waiting.has(key)) this.waiting.set(key, read);
    this.pump();
  }

  /**
   * Resolves once no read of `key` is running. A write that changes what the synced record
   * shows (a stage move, a rejection) waits for it before writing, so a read that began before
   * the write cannot store its older copy over the change afterwards.
   */
  settled(key: string): Promise<void> {
    const run = this.running.get(key);
    if (!run) return Promise.resolve();
    return new Promise((resolve) => run.waiters.push(resolve));
  }

  /** Reads queued or running (tests, shutdown). */
  get size(): number {
    return this.waiting.size + this.running.size;
  }

  /** Resolves when nothing is queued or running (graceful shutdown, tests). */
  drain(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.size) {
      const [key, read] = this.waiting.entries().next().value as [string, ReadBack];
      this.waiting.delete(key);
      this.start(key, read);
    }
    if (this.size === 0) {
      for (const resolve of this.idle) resolve();
      this.idle.clear();
    }
  }

  private start(key: string, read: ReadBack): void {
    const state = { again: null as ReadBack | null, waiters: [] as (() => void)[] };
    this.running.set(key, state);
    this.active++;
    void read()
      .catch(this.onError)
      .finally(() => {
        this.active--;
        this.running.delete(key);
        for (const resolve of state.waiters) resolve();
        if (state.again) this.waiting.set(key, state.again);
        this.pump();
      });
  }
}
