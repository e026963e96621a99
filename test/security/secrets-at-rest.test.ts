/**
 * Credentials are encrypted at rest and the key can be rotated:
 *  - a full dump of the database (pg_dump for PostgreSQL; every table's rows as text for
 *    PGlite) contains none of: the integration's secret credential values, the API keys, the
 *    attachment contents (raw, base64 or hex);
 *  - `atsgate secrets rotate --new-secret` (the real CLI, in a child process) re-seals every
 *    integration: a server with the new secret still reads the credentials and writes to the
 *    ATS; the old secret no longer opens them; the embedded key file is replaced.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { getIntegrationById, openCredentials } from '../../src/store/integrations.ts';
import { SecretBox } from '../../src/crypto/secretbox.ts';
import { rotateCredentials, RotationError, sealedKeyId } from '../../src/crypto/rotate.ts';
import type { Db } from '../../src/store/db.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/** The CLI exactly as an operator runs it. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/atsgate.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'silent' },
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Every row of every table as text: what a logical dump of the embedded database holds. */
async function textDump(db: Db): Promise<string> {
  const { rows: tables } = await db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  const parts: string[] = [];
  for (const { t } of tables) {
    const { rows } = await db.query<{ r: string }>(`SELECT x::text AS r FROM "${t}" x`);
    parts.push(`-- ${t}\n${rows.map((r) => r.r).join('\n')}`);
  }
  return parts.join('\n');
}

async function pgDump(databaseUrl: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--data-only', '--no-owner', databaseUrl], { maxBuffer: 256 * 1024 * 1024 });
  assert.match(stdout, /COPY public\.integrations/, 'the dump has the integrations table');
  return stdout;
}

async function connectGreenhouse(s: TestServer, fake: GreenhouseFake, accountId = 'default') {
  return connectIntegration(s.started.rt, {
    accountId,
    tool: 'greenhouse',
    organizationName: 'Acme',
    credentials: fake.credentials,
    baseUrl: fake.url,
    waitForSync: true,
  });
}

for (const kind of databaseKinds()) {
  describe(`secrets at rest on ${kind}`, () => {
    let s: TestServer;
    let fake: GreenhouseFake;
    const oldSecret = randomBytes(32).toString('hex');
    const newSecret = randomBytes(32).toString('hex');

    before(async () => {
      fake = await startGreenhouseFake({ rateLimit: 10_000 });
      s = await startTestServer(kind, { env: { ATSGATE_SECRET: oldSecret } });
    });
    after(async () => {
      await s?.close();
      await fake?.stop();
    });

    test('a database dump contains no secret credential, API key or attachment content', async () => {
      const integration = await connectGreenhouse(s, fake);
      const extraKey = await createApiKey(s.started.db, 'default', 'dump-test');
      // A write with an attachment, a failing write, a result link.
      const marker = `CONFIDENTIAL-CV-${randomBytes(8).toString('hex')} `.repeat(40);
      const data = Buffer.from(marker).toString('base64');
      const cands = await s.call('GET', '/v1/ats/candidates?page_size=1', {
        integrationId: integration.id,
        headers: { authorization: `Bearer ${extraKey.key}` },
      });
      assert.equal(cands.status, 200, JSON.stringify(cands.body));
      const cand = cands.body.data.results[0].id;
      const ok = await s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
        integrationId: integration.id,
        body: { attachment: { name: 'cv.pdf', type: 'CV', content_type: 'application/pdf', data } },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(
        fake.attachments.some((a) => a.data.toString() === marker),
        'the file reached the ATS',
      );
      fake.failNext(1, 500);
      await s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
        integrationId: integration.id,
        body: { attachment: { name: 'cv2.pdf', type: 'CV', content_type: 'application/pdf', data } },
      });
      await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, {
        integrationId: integration.id,
        body: { label: 'Test', url: 'https://assess.example/r/1' },
      });

      const dump = kind === 'postgres' ? await pgDump(s.env.DATABASE_URL) : await textDump(s.started.db);
      assert.ok(dump.includes(integration.id), 'the dump is real (it has the integration)');
      const secrets: Record<string, string> = {
        'client secret': String(fake.credentials.client_secret),
        'bootstrap API key': s.apiKey,
        'created API key': extraKey.key,
        'attachment text': marker.slice(0, 40),
        'attachment base64': data.slice(0, 40),
        'attachment hex': Buffer.from(marker).toString('hex').slice(0, 40),
        'greenhouse access token': fake.tokens[0]?.token ?? 'no-token-issued',
      };
      for (const [what, value] of Object.entries(secrets)) assert.ok(!dump.includes(value), `${what} is not in the dump`);
      const row = (await getIntegrationById(s.started.db, integration.id))!;
      assert.match(row.credentials_sealed, /^v1:[\w-]{8}:/, 'credentials are sealed');
    });

    test('secrets rotate: the new secret reads every credential, the old one no longer does', async () => {
      const before = await s.started.db.query<{ id: string; credentials_sealed: string }>(
        'SELECT id, credentials_sealed FROM integrations ORDER BY id',
      );
      assert.ok(before.rows.length >= 2, 'the demo and the greenhouse integrations');
      await s.close({ keepData: true });

      const bad = await cli({ ...s.env }, 'secrets', 'rotate', '--new-secret', 'abc');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /64 hex/);
      const out = await cli({ ...s.env }, 'secrets', 'rotate', '--new-secret', newSecret);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, new RegExp(`Re-encrypted the credentials of ${before.rows.length} integration`));
      assert.match(out.stdout, /set ATSGATE_SECRET/);
      assert.ok(!out.stdout.includes(newSecret) && !out.stderr.includes(newSecret), 'the secret is not echoed');

      // The server started with the OLD secret cannot use the credentials, and says why.
      s = await startTestServer(kind, { reuse: s });
      const gh = (await s.started.db.query<{ id: string }>("SELECT id FROM integrations WHERE tool = 'greenhouse'")).rows[0].id;
      const cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: gh })).body.data.results[0].id;
      const notes = fake.notes.length;
      const refused = await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, {
        integrationId: gh,
        body: { label: 'After rotation', url: 'https://assess.example/r/2' },
      });
      assert.equal(refused.body.status, 'error');
      assert.match(refused.body.error.message, /encrypted with key .* runs with key .*secrets rotate/);
      assert.equal(fake.notes.length, notes, 'nothing reached the ATS');
      const row = (await getIntegrationById(s.started.db, gh))!;
      assert.throws(() => openCredentials(SecretBox.fromString(oldSecret), row));
      await s.close({ keepData: true });

      // With the new secret everything works: credentials decrypt and the write lands.
      s = await startTestServer(kind, { reuse: s, env: { ATSGATE_SECRET: newSecret } });
      assert.deepEqual(openCredentials(s.started.rt.box, (await getIntegrationById(s.started.db, gh))!), fake.credentials);
      const written = await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, {
        integrationId: gh,
        body: { label: 'After rotation', url: 'https://assess.example/r/2' },
      });
      assert.equal(written.status, 200, JSON.stringify(written.body));
      assert.ok(fake.notes.length > notes, 'the write reached the ATS with the re-sealed credentials');
      const after = await s.started.db.query<{ credentials_sealed: string }>('SELECT credentials_sealed FROM integrations');
      assert.ok(after.rows.every((r) => sealedKeyId(r.credentials_sealed) === s.started.rt.box.keyId));
      // The ATS webhook endpoint's token and secret (Greenhouse: pasted by the customer) moved too.
      const endpoints = await s.started.db.query<{ sealed: string }>('SELECT sealed FROM vendor_webhook_endpoints');
      assert.ok(endpoints.rows.length >= 1, 'the greenhouse integration has a webhook endpoint');
      assert.ok(endpoints.rows.every((r) => sealedKeyId(r.sealed) === s.started.rt.box.keyId));
      assert.ok(endpoints.rows.every((r) => s.started.rt.box.openJson<{ secrets: string[] }>(r.sealed).secrets.length >= 1));

      // Running it again is harmless (an interrupted rotation can be resumed), rotating to the same key is refused.
      await s.close({ keepData: true });
      const again = await cli({ ...s.env, ATSGATE_SECRET: newSecret }, 'secrets', 'rotate', '--new-secret', newSecret);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /nothing to rotate/);
      s = await startTestServer(kind, { reuse: s, env: { ATSGATE_SECRET: newSecret } });
    });

    test('rotation is all or nothing: one value sealed with an unknown key aborts it unchanged', async () => {
      const db = s.started.db;
      const current = s.started.rt.box;
      const stranger = new SecretBox(randomBytes(32));
      const gh = (await db.query<{ id: string }>("SELECT id FROM integrations WHERE tool = 'greenhouse'")).rows[0].id;
      const saved = (await getIntegrationById(db, gh))!.credentials_sealed;
      await db.query('UPDATE integrations SET credentials_sealed = $2 WHERE id = $1', [gh, stranger.sealJson({ x: 1 })]);
      const snapshot = (await db.query('SELECT id, credentials_sealed FROM integrations ORDER BY id')).rows;
      await assert.rejects(
        rotateCredentials(db, current, new SecretBox(randomBytes(32))),
        (e: any) => e instanceof RotationError && /neither the current key/.test(e.message),
      );
      assert.deepEqual((await db.query('SELECT id, credentials_sealed FROM integrations ORDER BY id')).rows, snapshot, 'no row changed');
      await db.query('UPDATE integrations SET credentials_sealed = $2 WHERE id = $1', [gh, saved]);
    });
  });
}

describe('secrets rotate with the embedded key file (no ATSGATE_SECRET)', () => {
  test('the key file is replaced (old kept as secret.key.old) and the restarted server reads credentials', async () => {
    const fake = await startGreenhouseFake({ rateLimit: 10_000 });
    let s = await startTestServer('pglite', { env: { ATSGATE_SECRET: '' } });
    try {
      const keyFile = join(s.env.ATSGATE_DATA_DIR, 'secret.key');
      const oldKey = readFileSync(keyFile, 'utf8').trim();
      const integration = await connectGreenhouse(s, fake);
      await s.close({ keepData: true });
      const newSecret = randomBytes(32).toString('hex');
      const out = await cli({ ...s.env }, 'secrets', 'rotate', '--new-secret', newSecret);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(readFileSync(keyFile, 'utf8').trim(), newSecret);
      assert.equal(readFileSync(keyFile + '.old', 'utf8').trim(), oldKey);
      assert.ok(!existsSync(keyFile + '.new'));
      s = await startTestServer('pglite', { reuse: s });
      assert.deepEqual(openCredentials(s.started.rt.box, (await getIntegrationById(s.started.db, integration.id))!), fake.credentials);
    } finally {
      await s.close();
      await fake.stop();
    }
  });
});
