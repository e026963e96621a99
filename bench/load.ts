/**
 * A closed-loop load generator: `concurrency` workers each run `op` back to back for a fixed
 * time (after a warm-up that is not counted). Reports operations per second and latency
 * percentiles of whole operations.
 */
export interface LoadResult {
  ops: number;
  perSec: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function runLoad(
  op: (worker: number, n: number) => Promise<void>,
  opts: { concurrency: number; seconds: number; warmupSeconds?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown = null;
  let counting = false;
  let stop = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!stop) {
      const t0 = performance.now();
      try {
        await op(w, n++);
        if (counting) latencies.push(performance.now() - t0);
      } catch (err) {
        if (counting) errors++;
        firstError ??= err;
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, (opts.warmupSeconds ?? 1) * 1000));
  counting = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  if (!latencies.length) throw new Error(`no operation succeeded: ${String((firstError as Error)?.message ?? firstError)}`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { ops: latencies.length, perSec: latencies.length / elapsed, p50: pct(50), p99: pct(99), errors };
}
