/**
 * Secrets never reach the logs: a server with a real pino logger at level "trace", writing to
 * a captured stream, serves writes (with an attachment, and a failing one), a sync and some
 * bad requests for an integration with known credentials. Neither the captured log lines nor
 * the interaction_logs table contain the API key, a credential value, the vendor's access
 * token, an Authorization header, or the attachment's bytes or base64.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, freshPostgres } from '../support/databases.ts';
import { seedPgliteDataDir } from '../support/templates.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer, type Started } from '../../src/server.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { TimeScaledLimiter } from '../support/connector-suite.ts';

for (const kind of databaseKinds()) {
  describe(`no secret in any log on ${kind}`, () => {
    let started: Started;
    let fake: GreenhouseFake;
    let drop: (() => Promise<void>) | undefined;
    const lines: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'atsgate-logs-'));
    const apiKey = 'logtest_' + randomBytes(16).toString('hex');

    before(async () => {
      fake = await startGreenhouseFake({ rateLimit: 10_000 });
      let databaseUrl: string | undefined;
      if (kind === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      else await seedPgliteDataDir(dataDir); // the embedded database, migrated (test/support/templates.ts)
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        ATSGATE_DATA_DIR: dataDir,
        ATSGATE_API_KEY: apiKey,
        ATSGATE_SECRET: randomBytes(32).toString('hex'),
        ATSGATE_ALLOW_PRIVATE_DOWNLOADS: 'true',
        LOG_LEVEL: 'trace',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      });
      const stream = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      started = await startServer(config, { logger: { level: 'trace', stream } });
      // Greenhouse allows 50 requests per 10 s: the second full sync would wait out that window
      // in real time (~9 s, while the server stops). Rate limits are not what this file tests:
      // the real limiter still decides every request, on a window ten times shorter (the
      // fake allows 10,000).
      started.rt.limiter = new TimeScaledLimiter(started.rt.limiter, { greenhouse: 10 });
    });
    after(async () => {
      await started?.close();
      await fake?.stop();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('writes, a failing write, a sync and bad requests leave no secret in the logs or interaction_logs', async () => {
      const integration = await connectIntegration(started.rt, {
        accountId: 'default',
        tool: 'greenhouse',
        organizationName: 'Acme',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const res = await fetch(started.url + path, {
          method,
          headers: {
            authorization: `Bearer ${apiKey}`,
            'x-integration-id': integration.id,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const cand = (await call('GET', '/v1/ats/candidates?page_size=1')).body.data.results[0].id;
      const fileText = `PRIVATE-MEDICAL-NOTE-${randomBytes(6).toString('hex')} `.repeat(30);
      const data = Buffer.from(fileText).toString('base64');
      const ok = await call('POST', `/v1/ats/candidates/${cand}/attachments`, {
        attachment: { name: 'cv.pdf', type: 'CV', content_type: 'application/pdf', data },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const small = Buffer.from(`tiny-secret-${randomBytes(4).toString('hex')}`).toString('base64'); // short enough to dodge length-based redaction
      assert.equal(
        (
          await call('POST', `/v1/ats/candidates/${cand}/attachments`, {
            attachment: { name: 'n.txt', type: 'OTHER', content_type: 'text/plain', data: small },
          })
        ).status,
        200,
      );
      // The next vendor call must be the write's: earlier writes' background re-reads first.
      await started.rt.readBacks.drain();
      fake.failNext(1, 500);
      const failed = await call('POST', `/v1/ats/candidates/${cand}/result-links`, { label: 'Result', url: 'https://assess.example/r/1' });
      assert.equal(failed.body.status, 'error');
      assert.equal(
        (await call('POST', `/v1/ats/candidates/${cand}/result-links`, { label: 'Result', url: 'https://assess.example/r/1' })).status,
        200,
      );
      assert.equal((await call('POST', '/v1/ats/candidates/nope/result-links', { label: 'x', url: 'https://x.example' })).status, 404);
      assert.equal(
        (await call('GET', '/v1/check-api-key', undefined, { authorization: `Bearer ${apiKey}x` })).status,
        401,
        'a wrong key (containing the real one)',
      );
      const sync = await call('POST', '/v1/force-sync', { type: 'FULL' });
      assert.equal(sync.status, 200);
      for (let i = 0; i < 200; i++) {
        const { rows } = await started.db.query<{ state: string }>('SELECT state FROM syncs WHERE id = $1', [sync.body.data.sync_id]);
        if (rows[0]?.state !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // An expired token forces a fresh OAuth exchange (client secret on the wire) during a write.
      fake.revokeTokens();
      assert.equal(
        (
          await call(
            'POST',
            `/v1/ats/applications/${(await call('GET', '/v1/ats/applications?page_size=1')).body.data.results[0].id}/result-links`,
            { label: 'Again', url: 'https://assess.example/r/2' },
          )
        ).status,
        200,
      );

      const logText = lines.join('');
      assert.ok(lines.length > 20, `the logger really logged (${lines.length} lines)`);
      assert.match(logText, /"level":10|"level":20|"level":30/, 'trace/debug/info lines present');
      const interactionLogs = (await started.db.query<{ r: string }>('SELECT x::text AS r FROM interaction_logs x')).rows
        .map((r) => r.r)
        .join('\n');
      assert.ok(interactionLogs.includes('ats_add_candidate_attachment'), 'interaction logs exist');
      const forbidden: Record<string, string> = {
        'API key': apiKey,
        'client secret': String(fake.credentials.client_secret),
        'access token': fake.tokens[0]?.token ?? 'none',
        'latest access token': fake.tokens.at(-1)?.token ?? 'none',
        'file text': fileText.slice(0, 30),
        'file base64': data.slice(0, 40),
        'small file base64': small,
        'Bearer scheme': 'Bearer ',
      };
      for (const [what, value] of Object.entries(forbidden)) {
        assert.ok(!logText.includes(value), `${what} is not in the server log`);
        assert.ok(!interactionLogs.includes(value), `${what} is not in interaction_logs`);
      }
      assert.doesNotMatch(logText, /"authorization"\s*:\s*"(?!\[redacted\])/i, 'no Authorization header value in the server log');
      assert.doesNotMatch(interactionLogs, /"authorization"\s*:\s*"(?!\[redacted\])/i, 'no Authorization header value in interaction_logs');
    });
  });
}
