/**
 * Graceful shutdown and health: `atsgate serve` in a child process, sent SIGTERM while a write
 * is in flight against a slow ATS (answers after ~1 s), stops taking new requests, finishes
 * that write (the caller gets its 200 and the ATS has the note), then exits 0. Liveness is
 * always 200; readiness is 503 once the database is closed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { databaseKinds, freshPostgres } from '../support/databases.ts';
import { startTestServer } from '../support/server.ts';
import { seedPgliteDataDir } from '../support/templates.ts';
import { startGreenhouseFake } from '../fakes/greenhouse.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { loadConfig } from '../../src/config.ts';
import { openRuntime } from '../../src/server.ts';
import { buildApp } from '../../src/api/app.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';

const ROOT = new URL('../..', import.meta.url).pathname;

for (const kind of databaseKinds()) {
  describe(`graceful shutdown and health on ${kind}`, () => {
    test('SIGTERM: stops accepting, finishes the in-flight slow write, exits 0', async () => {
      const fake = await startGreenhouseFake({ rateLimit: 10_000 });
      // Prepare the data (an integration on the fake) in-process, then hand it to the child.
      const prep = await startTestServer(kind);
      const integration = await connectIntegration(prep.started.rt, {
        accountId: 'default',
        tool: 'greenhouse',
        organizationName: 'Acme',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      const cand = (await prep.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: integration.id })).body.data.results[0].id;
      await prep.close({ keepData: true });

      let slowSeen!: () => void;
      const slowStarted = new Promise<void>((r) => (slowSeen = r));
      fake.server.before = async (req) => {
        if (req.method === 'POST' && !req.path.includes('token')) {
          slowSeen();
          await new Promise((r) => setTimeout(r, 1000));
        }
        return undefined;
      };

      const child = spawn(process.execPath, [join(ROOT, 'bin/atsgate.js'), 'serve'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...prep.env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`server exited early: ${stdout} ${stderr}`)));
      });
      try {
        const headers = { authorization: `Bearer ${prep.apiKey}`, 'x-integration-id': integration.id, 'content-type': 'application/json' };
        const live = await fetch(`${url}/health/live`);
        assert.equal(live.status, 200);
        const ready = await fetch(`${url}/health/ready`);
        assert.equal(ready.status, 200);
        const notesBefore = fake.notes.length;
        const inFlight = fetch(`${url}/v1/ats/candidates/${cand}/result-links`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ label: 'Slow write', url: 'https://assess.example/r/slow' }),
        });
        await slowStarted; // the write is at the ATS now
        const sigtermLogged = new Promise<void>((r) => child.stdout.on('data', () => /SIGTERM/.test(stdout) && r()));
        child.kill('SIGTERM');
        await sigtermLogged;
        // A new request after SIGTERM is not served: refused connection or 503 while closing.
        const late = await fetch(`${url}/v1/check-api-key`, { headers }).then(
          (r) => r.status,
          (e) => e?.cause?.code ?? 'error',
        );
        assert.ok(late === 503 || typeof late === 'string', `new requests are not accepted (got ${late})`);
        const res = await inFlight;
        assert.equal(res.status, 200, 'the in-flight write finished');
        assert.equal(((await res.json()) as any).status, 'success');
        assert.equal(fake.notes.length, notesBefore + 1, 'and it reached the ATS');
        assert.equal(await exited, 0, `exit code (stderr: ${stderr})`);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await fake.stop();
        await prep.close();
      }
    });

    test('/health/live is 200; /health/ready is 200 with the database and 503 once it is closed', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'atsgate-health-'));
      const pg = kind === 'postgres' ? await freshPostgres() : null;
      const config = loadConfig({
        ATSGATE_DATA_DIR: dataDir,
        ATSGATE_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'silent',
        ...(pg ? { DATABASE_URL: pg.url } : {}),
      });
      if (!pg) await seedPgliteDataDir(dataDir); // the embedded database, migrated, on disk in dataDir
      const rt = await openRuntime(config);
      const app = await buildApp(rt);
      try {
        assert.equal((await app.inject('/health/live')).statusCode, 200);
        const ready = await app.inject('/health/ready');
        assert.equal(ready.statusCode, 200);
        assert.equal(ready.json().database, kind);
        await rt.db.close();
        const down = await app.inject('/health/ready');
        assert.equal(down.statusCode, 503);
        assert.equal(down.json().status, 'unavailable');
        assert.equal((await app.inject('/health/live')).statusCode, 200, 'the process itself is alive');
      } finally {
        await app.close();
        await pg?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
