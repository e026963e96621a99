/**
 * Background work (syncs, outbox deliveries, webhooks) goes through this interface, so that
 * what runs the work can change without touching the work: in one process on the embedded
 * database, on a PostgreSQL job engine when several processes share one database.
 * Durability lives in the tables the tasks read (outbox rows, sync rows), so a task that was
 * queued in memory and lost with its process is re-queued from those tables at start.
 */
export interface JobOptions {
  /** At most one queued job per key; adding again replaces the queued one. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /**
   * What adding with a key that is already queued does: 'replace' (default) replaces it,
   * 'preserve_run_at' replaces the payload but keeps the earlier run time, 'unsafe_dedupe'
   * keeps the existing job, even one that is running (periodic schedulers).
   */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
}

export interface JobHelpers {
  attempt: number;
  signal: AbortSignal;
  /** The engine worker running this job (PostgreSQL engine only), recorded for lease recovery. */
  workerId?: string;
}

export type TaskHandler = (payload: any, helpers: JobHelpers) => Promise<void>;

export interface JobQueue {
  register(task: string, handler: TaskHandler): void;
  add(task: string, payload: Record<string, unknown>, opts?: JobOptions): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones (graceful shutdown). */
  stop(): Promise<void>;
  /** Adds `task` every `everyMinutes`, once per deployment however many processes run. Call before start(). */
  repeat?(task: string, everyMinutes: number): void;
  /** Jobs due and not yet running (the queue-depth metric). */
  depth?(): Promise<number>;
  /** Hands jobs held by dead workers back to the queue (lease recovery). */
  releaseWorkers?(workerIds: string[]): Promise<void>;
}

/** The single-process queue for the embedded database: timers, bounded retries with backoff. */
export class InProcessQueue implements JobQueue {
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;
  private seq = 0;
  private readonly repeats: { task: string; everyMinutes: number }[] = [];
  private readonly intervals: NodeJS.Timeout[] = [];

  constructor(private readonly opts: { baseDelayMs?: number; onError?: (task: string, err: unknown) => void } = {}) {}

  register(task: string, handler: TaskHandler): void {
    this.handlers.set(task, handler);
  }

  async add(task: string, payload: Record<string, unknown>, opts: JobOptions = {}): Promise<void> {
    if (this.abort.signal.aborted) return;
    const key = opts.jobKey ? `${task}:${opts.jobKey}` : `${task}:#${++this.seq}`;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.schedule(key, task, payload, Math.max(0, (opts.runAt?.getTime() ?? Date.now()) - Date.now()), 1, opts.maxAttempts ?? 10);
  }

  private schedule(
    key: string,
    task: string,
    payload: Record<string, unknown>,
    delayMs: number,
    attempt: number,
    maxAttempts: number,
  ): void {
    const t = setTimeout(() => {
      this.timers.delete(key);
      if (!this.started) return this.schedule(key, task, payload, 50, attempt, maxAttempts);
      const handler = this.handlers.get(task);
      if (!handler) return this.opts.onError?.(task, new Error(`no handler for task ${task}`));
      const run = handler(payload, { attempt, signal: this.abort.signal })
        .catch((err) => {
          this.opts.onError?.(task, err);
          if (attempt < maxAttempts && !this.abort.signal.aborted) {
            const backoff = Math.min(60_000, (this.opts.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
            this.schedule(key, task, payload, backoff, attempt + 1, maxAttempts);
          }
        })
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, delayMs);
    t.unref?.();
    this.timers.set(key, t);
  }

  repeat(task: string, everyMinutes: number): void {
    this.repeats.push({ task, everyMinutes });
  }

  async depth(): Promise<number> {
    return this.timers.size;
  }

  async start(): Promise<void> {
    this.started = true;
    for (const r of this.repeats) {
      const t = setInterval(() => void this.add(r.task, {}, { jobKey: r.task, maxAttempts: 1 }), r.everyMinutes * 60_000);
      t.unref?.();
      this.intervals.push(t);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.intervals.splice(0)) clearInterval(t);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
    this.abort.abort();
  }
}
