/**
 * Crashes, for real: atsgate runs as a child process (`node bin/atsgate.js serve`) against the
 * Recruitee fake, and is killed with SIGKILL while a write is in flight at the fake.
 * - a synchronous write leaves its log entry PENDING (the log is opened before the ATS call);
 * - an asynchronous write is delivered after the restart, and reaches the fake exactly once.
 * The fake holds the chosen request until the process is dead, then drops the connection
 * without applying it, as a request that never got through would be.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseKinds, freshPostgres } from '../support/databases.ts';
import { seedPgliteDataDir } from '../support/templates.ts';
import { startRecruiteeFake, type RecruiteeFake } from '../fakes/recruitee.ts';
import type { FakeRequest, FakeResponse } from '../fakes/server.ts';
import { INTERRUPTED_WARNING } from '../../src/writes/outbox.ts';
import { eventually } from '../support/eventually.ts';

const BIN = new URL('../../bin/atsgate.js', import.meta.url).pathname;
const run = promisify(execFile);

/** One atsgate server process; resolves once it prints its URL. */
async function serve(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; kill9(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`atsgate exited with ${code} before listening: ${err.slice(-2000)}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Holds the first request matching `match` after arm(): tells the test, then drops it unapplied when released. */
function holdOnce(fake: RecruiteeFake, match: (r: FakeRequest) => boolean) {
  const original = fake.server.before;
  let armed = false;
  let arrived!: () => void;
  let release!: () => void;
  const inFlight = new Promise<void>((r) => (arrived = r));
  const released = new Promise<void>((r) => (release = r));
  fake.server.before = async (req): Promise<FakeResponse | undefined> => {
    if (armed && match(req)) {
      armed = false;
      arrived();
      await released;
      return { headers: { 'x-fake-drop': '1' } };
    }
    return original?.(req);
  };
  return { arm: () => (armed = true), inFlight, release, restore: () => (fake.server.before = original) };
}

for (const kind of databaseKinds()) {
  describe(`crash safety with a real process on ${kind}`, () => {
    let fake: RecruiteeFake;
    let env: Record<string, string>;
    let dataDir: string;
    let drop: (() => Promise<void>) | null = null;
    let integrationId: string;
    let server: Awaited<ReturnType<typeof serve>> | null = null;
    const apiKey = 'test_' + randomBytes(16).toString('hex');

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(server!.url + path, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'x-integration-id': integrationId,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };
    const candidateFor = async (remoteId: string) =>
      (await call('GET', `/v1/ats/candidates?remote_ids=${remoteId}`)).body.data.results[0].id as string;

    before(async () => {
      fake = await startRecruiteeFake();
      dataDir = mkdtempSync(join(tmpdir(), 'atsgate-crash-'));
      env = {
        PORT: '0',
        HOST: '127.0.0.1',
        ATSGATE_DATA_DIR: dataDir,
        ATSGATE_API_KEY: apiKey,
        ATSGATE_SECRET: randomBytes(32).toString('hex'),
        ATSGATE_SEED_DEMO: 'false',
        LOG_LEVEL: 'silent',
        // One HTTP attempt per delivery, so the only retry is the outbox's.
        ATSGATE_RETRY_MAX_ATTEMPTS: '1',
        // A dead process's lease lapses quickly (PostgreSQL cannot tell that the holder is gone).
        ATSGATE_WRITE_LEASE_SECONDS: '2',
      };
      if (kind === 'postgres') {
        const pg = await freshPostgres();
        env.DATABASE_URL = pg.url;
        drop = pg.drop;
      } else {
        await seedPgliteDataDir(dataDir); // the embedded database, migrated (test/support/templates.ts)
      }
      const created = await run(
        process.execPath,
        [
          BIN,
          'integrations',
          'create',
          'recruitee',
          '--name',
          'Acme',
          '--credentials',
          JSON.stringify(fake.credentials),
          '--base-url',
          fake.url,
        ],
        {
          env: { ...process.env, ...env },
        },
      );
      integrationId = /Created (\S+)/.exec(created.stdout)![1];
      server = await serve(env);
    });
    after(async () => {
      server?.child.kill('SIGKILL');
      await fake?.stop();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('kill -9 during a synchronous write leaves its log entry PENDING; the key can be retried', async () => {
      const remote = fake.candidateRemoteIds()[2];
      const id = await candidateFor(remote);
      const url = `https://assess.example.com/sync-crash/${randomUUID()}`;
      const key = randomUUID();
      const hold = holdOnce(fake, (r) => r.method === 'POST' && r.path.endsWith(`/candidates/${remote}/notes`));
      hold.arm();
      const pending = call('POST', `/v1/ats/candidates/${id}/result-links`, { label: 'Crash', url }, { 'idempotency-key': key }).catch(
        (e) => e,
      );
      await hold.inFlight;
      await server!.kill9();
      assert.ok((await pending) instanceof Error, 'the caller got no answer');
      hold.release();
      hold.restore();

      server = await serve(env);
      const logs = (await call('GET', `/v1/logs?integration_id=${encodeURIComponent(integrationId)}&limit=500`)).body.data.results;
      const entry = logs.find((l: any) => l.request?.url === url);
      assert.ok(entry, 'the write was logged before the ATS call');
      assert.equal(entry.outcome, 'PENDING');
      assert.equal(entry.completed_at, null);
      assert.equal(entry.action, 'ats_add_candidate_result_link');

      // The holder of the key died: once its lease lapses the key is taken over and the write runs.
      const retry = await call('POST', `/v1/ats/candidates/${id}/result-links`, { label: 'Crash', url }, { 'idempotency-key': key });
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.headers.get('idempotent-replayed'), null);
      assert.equal(fake.notes.filter((n) => n.body.includes(url)).length, 1);
    });

    test('kill -9 while an asynchronous write is in flight: after restart it is delivered exactly once', async () => {
      const remote = fake.candidateRemoteIds()[3];
      const id = await candidateFor(remote);
      const url = `https://assess.example.com/async-crash/${randomUUID()}`;
      // With attributes the Recruitee connector first reads the candidate (its profile fields),
      // then posts the note: the read is held, so the delivery is in flight when the process dies.
      const body = {
        label: 'Crash async',
        url,
        details: { custom_field_name_prefix: 'Assess', attributes: [{ key: 'Score', value: '91' }] },
      };
      const hold = holdOnce(fake, (r) => r.method === 'GET' && r.path.endsWith(`/candidates/${remote}`));
      hold.arm();
      const accepted = await call('POST', `/v1/ats/candidates/${id}/result-links`, body, { prefer: 'respond-async' });
      assert.equal(accepted.status, 200);
      const logId = accepted.headers.get('x-atsgate-log-id')!;
      await hold.inFlight;
      await server!.kill9();
      hold.release();
      hold.restore();
      const notesToCandidate = () =>
        fake.server.journal.filter((r) => r.method === 'POST' && r.path.endsWith(`/candidates/${remote}/notes`));
      assert.equal(notesToCandidate().length, 0, 'the note was not sent before the crash');

      server = await serve(env);
      const done = await eventually('the write to be delivered after the restart', async () => {
        const l = (await call('GET', `/v1/logs/${logId}`)).body.data;
        return l.outcome !== 'PENDING' ? l : null;
      });
      assert.equal(done.outcome, 'SUCCESS', JSON.stringify(done.error));
      assert.equal(done.warnings[0].message, INTERRUPTED_WARNING, 'the log says a delivery was interrupted');
      assert.equal(notesToCandidate().length, 1, 'exactly one note request reached the fake');
      const notes = fake.notes.filter((n) => n.body.includes(url));
      assert.equal(notes.length, 1);
      assert.match(notes[0].body, /Score/);
    });
  });
}
