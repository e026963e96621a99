/**
 * The job engine when several atsgate processes share one PostgreSQL database: graphile-worker
 * (jobs are rows in its own `graphile_worker` schema, taken with SKIP LOCKED, woken by
 * LISTEN/NOTIFY). What this adds over the in-process queue:
 * - a job with a key is queued once for the whole deployment, and runs on one process;
 * - a job survives the process that queued it, and retries run on whichever process is free;
 * - periodic tasks (`repeat`) are graphile cron items, which graphile runs once per tick for
 *   the whole deployment however many processes have the same crontab.
 * graphile-worker's own lock expiry is 4 hours; atsgate shortens that for syncs with its
 * own lease (src/sync/lease.ts) and `releaseWorkers`.
 */
import pg from 'pg';
import { run, makeWorkerUtils, Logger, type Runner, type WorkerUtils, type Task, type TaskList } from 'graphile-worker';
import type { JobOptions, JobQueue, TaskHandler } from './queue.ts';
import { countDueJobs } from '../store/job-queue.ts';

export interface GraphileQueueOptions {
  connectionString: string;
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How long a graceful stop waits for running jobs before aborting them (they are retried). */
  shutdownAbortMs?: number;
  /** Poll fallback when LISTEN/NOTIFY misses (ms). */
  pollIntervalMs?: number;
  onError?: (task: string, err: unknown) => void;
  /** Where graphile-worker's own warnings and errors go. */
  log?: (level: 'warn' | 'error', message: string) => void;
}

export class GraphileQueue implements JobQueue {
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly repeats: { task: string; everyMinutes: number }[] = [];
  private runner: Runner | null = null;
  private utils: Promise<WorkerUtils> | null = null;
  private stopped = false;
  private readonly logger: Logger;
  /**
   * Our own pool for graphile-worker, so that a connection the server terminates (failover,
   * restart, a dropped test database) is an 'error' event we handle, never an uncaught one.
   */
  private readonly pool: pg.Pool;

  constructor(private readonly opts: GraphileQueueOptions) {
    this.pool = new pg.Pool({ connectionString: opts.connectionString, max: (opts.concurrency ?? 4) + 3 });
    this.pool.on('error', (err) => opts.log?.('warn', `job engine connection lost: ${err.message}`));
    this.logger = new Logger(() => (level, message) => {
      if (level === 'error' || level === 'warning') opts.log?.(level === 'error' ? 'error' : 'warn', message);
    });
  }

  register(task: string, handler: TaskHandler): void {
    this.handlers.set(task, handler);
  }

  repeat(task: string, everyMinutes: number): void {
    if (this.runner) throw new Error('repeat() must be called before start()');
    if (!Number.isInteger(everyMinutes) || everyMinutes < 1 || everyMinutes > 59) throw new Error('repeat interval must be 1..59 minutes');
    this.repeats.push({ task, everyMinutes });
  }

  /** Worker utilities (adding jobs, unlocking) for processes that queue without running a worker (the CLI). */
  private workerUtils(): Promise<WorkerUtils> {
    return (this.utils ??= (async () => {
      const u = await makeWorkerUtils({ pgPool: this.pool, logger: this.logger });
      await u.migrate();
      return u;
    })());
  }

  async add(task: string, payload: Record<string, unknown>, opts: JobOptions = {}): Promise<void> {
    if (this.stopped) return;
    const spec = {
      jobKey: opts.jobKey,
      runAt: opts.runAt,
      maxAttempts: opts.maxAttempts,
      jobKeyMode: opts.jobKey ? opts.jobKeyMode : undefined,
    };
    if (this.runner) await this.runner.addJob(task, payload, spec);
    else await (await this.workerUtils()).addJob(task, payload, spec);
  }

  async start(): Promise<void> {
    if (this.runner || this.stopped) return;
    const taskList: TaskList = {};
    for (const [name, handler] of this.handlers) {
      const task: Task = async (payload, helpers) => {
        try {
          await handler(payload, {
            attempt: helpers.job.attempts,
            signal: helpers.abortSignal ?? new AbortController().signal,
            workerId: helpers.job.locked_by ?? undefined,
          });
        } catch (err) {
          this.opts.onError?.(name, err);
          throw err; // graphile-worker retries with exponential backoff up to max_attempts
        }
      };
      taskList[name] = task;
    }
    const crontab = this.repeats
      .map((r) => `${r.everyMinutes === 1 ? '*' : `*/${r.everyMinutes}`} * * * * ${r.task} ?max=1&jobKey=${r.task}&jobKeyMode=replace`)
      .join('\n');
    this.runner = await run({
      pgPool: this.pool,
      concurrency: this.opts.concurrency ?? 4,
      pollInterval: this.opts.pollIntervalMs ?? 2000,
      noHandleSignals: true, // the server owns SIGTERM and stops the queue itself
      gracefulShutdownAbortTimeout: this.opts.shutdownAbortMs ?? 20_000,
      logger: this.logger,
      taskList,
      crontab,
    } as Parameters<typeof run>[0]);
  }

  async depth(): Promise<number> {
    const u = await this.workerUtils();
    return u.withPgClient((c) => countDueJobs(c));
  }

  async releaseWorkers(workerIds: string[]): Promise<void> {
    if (workerIds.length) await (await this.workerUtils()).forceUnlockWorkers(workerIds);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const runner = this.runner;
    this.runner = null;
    if (runner) await runner.stop();
    const utils = this.utils;
    this.utils = null;
    if (utils) await (await utils.catch(() => null))?.release();
    await this.pool.end().catch(() => undefined);
  }
}
