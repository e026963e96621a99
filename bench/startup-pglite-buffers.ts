/**
 * Does PGlite's smaller buffer pool (src/store/db.ts: shared_buffers 16MB instead of initdb's
 * 128MB) cost time? `node --import tsx bench/startup-pglite-buffers.ts [--rows N] [--rounds R]`
 *
 * Each round opens a fresh on-disk PGlite per setting, in a child process of its own (so that
 * one setting's grown WebAssembly heap cannot count against the other), and runs a write-path
 * shaped workload: N single-row INSERT … RETURNING of ~1 KB JSON (a table larger than 16 MB at
 * the default N), N primary-key lookups in random order, and 5 full scans. It reports wall
 * time and CPU time (user + system, which is what a busy shared machine distorts least) and
 * the child's RSS at the end. Settings alternate round by round.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '2' }, child: { type: 'string' } },
});
const ROWS = Number(flags.rows);

interface Phase {
  wallMs: number;
  cpuMs: number;
}
interface Result {
  setting: string;
  insert: Phase;
  lookup: Phase;
  scan: Phase;
  rssMb: number;
}

async function child(setting: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = mkdtempSync(join(tmpdir(), 'atsgate-pglite-buffers-'));
  try {
    const pg = await PGlite.create(dir, {
      relaxedDurability: true,
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${setting}`],
    });
    await pg.exec(
      'CREATE TABLE r (id serial PRIMARY KEY, integration text NOT NULL, data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())',
    );
    const phase = async (fn: () => Promise<void>): Promise<Phase> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await fn();
      const c = process.cpuUsage(c0);
      return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
    };
    const pad = 'x'.repeat(900);
    const insert = await phase(async () => {
      for (let i = 0; i < ROWS; i++)
        await pg.query('INSERT INTO r (integration, data) VALUES ($1, $2) RETURNING id', ['lever:bench', JSON.stringify({ i, pad })]);
    });
    const ids = Array.from({ length: ROWS }, (_, i) => 1 + ((i * 7919) % ROWS));
    const lookup = await phase(async () => {
      for (const id of ids) await pg.query('SELECT data FROM r WHERE id = $1', [id]);
    });
    const scan = await phase(async () => {
      for (let i = 0; i < 5; i++) await pg.query(`SELECT count(*) FROM r WHERE data->>'pad' LIKE 'x%'`);
    });
    const result: Result = { setting, insert, lookup, scan, rssMb: process.memoryUsage().rss / 1048576 };
    await pg.close();
    process.send!(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(setting: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = fork(new URL(import.meta.url).pathname, ['--child', setting, '--rows', String(ROWS)], { execArgv: ['--import', 'tsx'] });
    p.once('message', (m) => resolve(m as Result));
    p.once('exit', (code) => (code ? reject(new Error(`child exited with ${code}`)) : undefined));
  });
}

if (flags.child) {
  await child(flags.child);
} else {
  const settings = ['128MB', '16MB'];
  const all: Result[] = [];
  for (let round = 0; round < Number(flags.rounds); round++) {
    for (const s of round % 2 ? [...settings].reverse() : settings) {
      const r = await runChild(s);
      all.push(r);
      const f = (p: Phase) => `${(p.wallMs / 1000).toFixed(2)} s wall / ${(p.cpuMs / 1000).toFixed(2)} s cpu`;
      console.log(
        `shared_buffers=${s.padEnd(5)} insert ${f(r.insert)} | lookup ${f(r.lookup)} | scan ${f(r.scan)} | rss ${r.rssMb.toFixed(0)} MB`,
      );
    }
  }
}
