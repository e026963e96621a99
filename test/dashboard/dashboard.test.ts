/**
 * The dashboard on the server side, on PGlite and PostgreSQL: login and sessions, account
 * isolation, log pages over 10,000 rows, the log detail page and "sync now".
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createApiKey, ensureBootstrapKey, revokeApiKey } from '../../src/store/keys.ts';
import { SESSION_TTL_MS, SessionSigner } from '../../src/dashboard/session.ts';
import { createIntegration } from '../../src/store/integrations.ts';
import { completeLog, openLog } from '../../src/store/logs.ts';

const DEMO = 'sandbox:demo';

interface Res {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

async function request(
  s: TestServer,
  method: string,
  path: string,
  o: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  let body: string | undefined;
  if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  }
  const res = await fetch(s.url + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* a page */
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Logs in through the form and returns the Cookie header value to send afterwards. */
async function login(s: TestServer, key: string): Promise<string> {
  const r = await request(s, 'POST', '/dashboard/login', { form: { api_key: key } });
  assert.equal(r.status, 303, r.text);
  const set = r.headers.get('set-cookie') ?? '';
  assert.match(set, /^atsgate_dashboard=[^;]+/);
  return set.split(';')[0];
}

/** Every entry of a filtered log listing, walking the keyset pages of the JSON view. */
async function walk(
  s: TestServer,
  cookie: string,
  query: string,
  limit = 200,
): Promise<{ ids: string[]; at: string[]; outcomes: string[]; integrations: string[]; pages: number; count: number }> {
  const out = { ids: [] as string[], at: [] as string[], outcomes: [] as string[], integrations: [] as string[], pages: 0, count: -1 };
  let cursor: string | null = null;
  do {
    const r = await request(s, 'GET', `/dashboard/data/logs?limit=${limit}${query}${cursor ? `&after=${cursor}` : ''}`, { cookie });
    assert.equal(r.status, 200, r.text);
    out.pages++;
    out.count = r.json.data.count;
    for (const e of r.json.data.results) {
      out.ids.push(e.id);
      out.at.push(e.created_at);
      out.outcomes.push(e.outcome);
      out.integrations.push(e.integration_id);
    }
    cursor = r.json.data.older_cursor;
    assert.ok(out.pages <= 100, 'paging must end');
  } while (cursor);
  return out;
}

test('session tokens: signed, expiring, bound to one signing key', () => {
  const signer = new SessionSigner(Buffer.alloc(32, 1));
  const t = signer.issue('key1', 'acct', 'hash', 1_000);
  assert.deepEqual(signer.verify(t, 2_000), {
    keyId: 'key1',
    accountId: 'acct',
    keyFingerprint: signer.fingerprint('hash'),
    expiresAt: 1_000 + SESSION_TTL_MS,
  });
  assert.equal(signer.verify(t, 1_000 + SESSION_TTL_MS), null, 'expired');
  assert.equal(new SessionSigner(Buffer.alloc(32, 2)).verify(t, 2_000), null, 'another secret');
  const [payload, mac] = t.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), a: 'other' })).toString(
    'base64url',
  );
  assert.equal(signer.verify(`${forged}.${mac}`, 2_000), null, 'changed payload');
  for (const junk of ['', '.', 'abc', 'a.b', `${payload}.`]) assert.equal(signer.verify(junk, 2_000), null, junk);
  assert.notEqual(signer.issue('key1', 'acct', 'hash', 1_000), t, 'each session its own token');
});

for (const kind of databaseKinds()) {
  describe(`dashboard on ${kind}`, () => {
    let s: TestServer;
    let cookie: string;

    before(async () => {
      s = await startTestServer(kind);
      cookie = await login(s, s.apiKey);
    });
    after(async () => s?.close());

    test('without a session every page redirects to the login form and the JSON says 401', async () => {
      for (const path of [
        '/dashboard',
        '/dashboard/',
        '/dashboard/logs?outcome=ERROR',
        `/dashboard/integrations/${encodeURIComponent(DEMO)}`,
        '/dashboard/logs/anything',
      ]) {
        const r = await request(s, 'GET', path);
        assert.equal(r.status, 303, path);
        assert.equal(r.headers.get('location'), `/dashboard/login?next=${encodeURIComponent(path)}`);
      }
      const data = await request(s, 'GET', '/dashboard/data/logs');
      assert.equal(data.status, 401);
      assert.equal(data.json.error.code, 'PLATFORM.AUTHENTICATION_INVALID');
      const sync = await request(s, 'POST', `/dashboard/integrations/${encodeURIComponent(DEMO)}/sync`, { form: { type: 'DELTA' } });
      assert.equal(sync.status, 303);
      assert.equal(sync.headers.get('location'), '/dashboard/login');
      // A forged or tampered cookie is no session either.
      const forged = await request(s, 'GET', '/dashboard', { cookie: cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
      assert.equal(forged.status, 303);
      const form = await request(s, 'GET', '/dashboard/login?next=/dashboard/logs');
      assert.equal(form.status, 200);
      assert.match(form.text, /<label for="api_key">API key<\/label>/);
      assert.match(form.text, /name="next" value="\/dashboard\/logs"/);
      // The bearer API is untouched: /v1 still wants the key, not the cookie.
      const api = await request(s, 'GET', '/v1/check-api-key', { cookie });
      assert.equal(api.status, 401);
    });

    test('a bad key shows an error and sets no cookie; a good one sets a strict HttpOnly cookie', async () => {
      const bad = await request(s, 'POST', '/dashboard/login', { form: { api_key: 'not-a-key' } });
      assert.equal(bad.status, 401);
      assert.match(bad.text, /role="alert"[^>]*>That API key is not valid or has been revoked\./);
      assert.equal(bad.headers.get('set-cookie'), null);
      const empty = await request(s, 'POST', '/dashboard/login', { form: { api_key: '' } });
      assert.equal(empty.status, 401);
      assert.match(empty.text, /Enter an API key/);

      const good = await request(s, 'POST', '/dashboard/login', { form: { api_key: s.apiKey, next: '/dashboard/logs' } });
      assert.equal(good.status, 303);
      assert.equal(good.headers.get('location'), '/dashboard/logs');
      const set = good.headers.get('set-cookie')!;
      for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/dashboard', 'Max-Age=28800'])
        assert.ok(set.includes(attr), `${attr} in ${set}`);
      assert.ok(!set.includes('Secure'), 'no Secure flag over plain http');
      assert.ok(!set.includes(s.apiKey), 'the key itself is never in the cookie');
      const https = await request(s, 'POST', '/dashboard/login', {
        form: { api_key: s.apiKey },
        headers: { 'x-forwarded-proto': 'https' },
      });
      assert.match(https.headers.get('set-cookie')!, /; Secure/);
      // next may only lead inside the dashboard.
      const offsite = await request(s, 'POST', '/dashboard/login', { form: { api_key: s.apiKey, next: '//evil.example/x' } });
      assert.equal(offsite.headers.get('location'), '/dashboard');
      // A form posted from another site is refused (SameSite aside).
      const csrf = await request(s, 'POST', '/dashboard/logout', { cookie, headers: { origin: 'http://evil.example' } });
      assert.equal(csrf.status, 403);
    });

    test("the integrations page lists the account's integrations with counts and failures", async () => {
      const kombo = s.sdk(DEMO);
      await assert.rejects(
        kombo.ats.addCandidateResultLink({ candidate_id: 'NoSuchCandidate123456789', body: { label: 'L', url: 'https://x.example' } }),
        KomboAtsError,
      );
      const r = await request(s, 'GET', '/dashboard', { cookie });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /text\/html/);
      assert.match(r.headers.get('content-security-policy')!, /default-src 'none'/);
      assert.match(r.text, /<main id="main"/);
      assert.match(r.text, /<nav aria-label="Dashboard">/);
      assert.match(r.text, /src="\/v1\/assets\/tools\/sandbox\.svg"/);
      assert.match(r.text, /href="\/dashboard\/integrations\/sandbox%3Ademo">Demo Company<\/a>/);
      const data = await request(s, 'GET', '/dashboard/data/integrations', { cookie });
      const demo = data.json.data.results.find((i: any) => i.id === DEMO);
      assert.equal(demo.setup_status, 'COMPLETED');
      assert.ok(demo.records.candidates > 0 && demo.records.jobs > 0 && demo.records.applications > 0);
      assert.ok(demo.failed_writes_24h >= 1);
      assert.ok(r.text.includes(`>${demo.records.candidates}</td>`));
      // The integration page counts the synced tags with the other records.
      assert.ok(demo.records.tags > 0, JSON.stringify(demo.records));
      const one = await request(s, 'GET', `/dashboard/integrations/${encodeURIComponent(DEMO)}`, { cookie });
      assert.ok(one.text.includes(`<dt>Tags</dt><dd>${demo.records.tags}</dd>`), 'the Tags count is shown');
      const css = await request(s, 'GET', '/dashboard/assets/dashboard.css');
      assert.equal(css.status, 200);
      assert.match(css.text, /:focus-visible/);
    });

    test("a revoked key's session stops working at once; logout clears the cookie", async () => {
      const k = await createApiKey(s.started.db, 'default', 'dashboard person');
      const c = await login(s, k.key);
      assert.equal((await request(s, 'GET', '/dashboard', { cookie: c })).status, 200);
      await revokeApiKey(s.started.db, k.id);
      const after = await request(s, 'GET', '/dashboard', { cookie: c });
      assert.equal(after.status, 303);
      assert.match(after.headers.get('location')!, /^\/dashboard\/login/);
      const relogin = await request(s, 'POST', '/dashboard/login', { form: { api_key: k.key } });
      assert.equal(relogin.status, 401);

      // ATSGATE_API_KEY changed by the operator keeps its key id; the old value's sessions end.
      const k2 = await createApiKey(s.started.db, 'rotating', 'r');
      const rotCookie = await login(s, k2.key);
      await s.started.db.query('UPDATE api_keys SET key_hash = $2 WHERE id = $1', [k2.id, 'f'.repeat(64)]);
      assert.equal((await request(s, 'GET', '/dashboard', { cookie: rotCookie })).status, 303);
      const boot = await login(s, s.apiKey);
      await ensureBootstrapKey(s.started.db, s.apiKey); // same value: still fine
      assert.equal((await request(s, 'GET', '/dashboard', { cookie: boot })).status, 200);

      const out = await request(s, 'POST', '/dashboard/logout', { cookie });
      assert.equal(out.status, 303);
      assert.equal(out.headers.get('location'), '/dashboard/login');
      assert.match(out.headers.get('set-cookie')!, /^atsgate_dashboard=; .*Max-Age=0/);
    });

    test("another account's integrations and logs are not found", async () => {
      const db = s.started.db;
      const other = await createApiKey(db, 'other-account', 'other');
      const theirs = await createIntegration(db, s.started.rt.box, {
        accountId: 'other-account',
        tool: 'sandbox',
        organizationName: 'Other Corp',
        credentials: { api_key: 'sandbox-x' },
      });
      const theirLog = await openLog(db, {
        accountId: 'other-account',
        integrationId: theirs.id,
        method: 'POST',
        path: '/v1/ats/x',
        action: 'secret_action',
        request: { label: 'theirs' },
      });
      const mine = await request(s, 'GET', '/dashboard', { cookie });
      assert.ok(!mine.text.includes('Other Corp'));
      for (const path of [
        `/dashboard/integrations/${encodeURIComponent(theirs.id)}`,
        `/dashboard/logs/${theirLog}`,
        '/dashboard/logs/NoSuchLogEntry1234567890',
      ]) {
        const r = await request(s, 'GET', path, { cookie });
        assert.equal(r.status, 404, path);
        assert.ok(!r.text.includes('Other Corp') && !r.text.includes('secret_action'));
      }
      const data = await request(s, 'GET', `/dashboard/data/logs/${theirLog}`, { cookie });
      assert.equal(data.status, 404);
      assert.equal(data.json.status, 'error');
      const sync = await request(s, 'POST', `/dashboard/integrations/${encodeURIComponent(theirs.id)}/sync`, {
        cookie,
        form: { type: 'FULL' },
      });
      assert.equal(sync.status, 404);
      const filtered = await request(s, 'GET', `/dashboard/data/logs?integration=${encodeURIComponent(theirs.id)}`, { cookie });
      assert.equal(filtered.json.data.count, 0);
      assert.deepEqual(filtered.json.data.results, []);
      // And the other way round: their key sees their integration, not ours.
      const theirCookie = await login(s, other.key);
      const page = await request(s, 'GET', '/dashboard', { cookie: theirCookie });
      assert.ok(page.text.includes('Other Corp') && !page.text.includes('Demo Company'));
      assert.equal((await request(s, 'GET', `/dashboard/logs/${theirLog}`, { cookie: theirCookie })).status, 200);
      assert.equal((await request(s, 'GET', `/dashboard/integrations/${encodeURIComponent(DEMO)}`, { cookie: theirCookie })).status, 404);
    });

    test('10,000 log rows: keyset pages cover every entry once, newest first, and filters hold', async () => {
      const db = s.started.db;
      const bulk = await createApiKey(db, 'bulk-account', 'bulk');
      // Seven entries share each second, and one in seven is a microsecond later: ties and
      // sub-millisecond order both have to survive the cursor.
      await db.query(
        `INSERT INTO interaction_logs (id, account_id, integration_id, method, path, action, outcome, status_code, created_at)
         SELECT 'bulk-' || lpad(i::text, 5, '0'), 'bulk-account', CASE WHEN i % 2 = 0 THEN 'int-a' ELSE 'int-b' END, 'POST', '/v1/ats/candidates/x/result-links',
                'ats_add_candidate_result_link', CASE i % 3 WHEN 0 THEN 'SUCCESS' WHEN 1 THEN 'ERROR' ELSE 'PENDING' END, 200,
                timestamptz '2024-01-01 00:00:00+00' + (i / 7) * interval '1 second' + (CASE WHEN i % 7 = 3 THEN 1 ELSE 0 END) * interval '1 microsecond'
         FROM generate_series(1, 10000) AS i`,
      );
      const c = await login(s, bulk.key);
      const all = await walk(s, c, '');
      assert.equal(all.count, 10_000);
      assert.equal(all.ids.length, 10_000);
      assert.equal(new Set(all.ids).size, 10_000, 'no entry twice');
      assert.equal(all.pages, 50);
      const expected = Array.from({ length: 10_000 }, (_, n) => 10_000 - n);
      // Newest first: a larger i is later or, within a second, the microsecond one first, then by id.
      const order = [...expected].sort(
        (a, b) => Math.floor(b / 7) - Math.floor(a / 7) || Number(b % 7 === 3) - Number(a % 7 === 3) || b - a,
      );
      assert.deepEqual(
        all.ids,
        order.map((i) => `bulk-${String(i).padStart(5, '0')}`),
      );

      const errors = await walk(s, c, '&outcome=ERROR');
      assert.equal(errors.count, 3334);
      assert.equal(errors.ids.length, 3334);
      assert.ok(errors.outcomes.every((o) => o === 'ERROR'));
      // Old PENDING entries are "outcome unknown" and match both filters.
      const pending = await walk(s, c, '&outcome=PENDING');
      assert.equal(pending.ids.length, 3333);
      assert.ok(pending.outcomes.every((o) => o === 'UNKNOWN'));
      assert.equal((await walk(s, c, '&outcome=UNKNOWN')).count, 3333);
      const a = await walk(s, c, '&integration=int-a&outcome=SUCCESS', 97);
      assert.equal(a.ids.length, 1666); // multiples of 6
      assert.equal(new Set(a.ids).size, 1666);
      assert.ok(a.integrations.every((i) => i === 'int-a') && a.outcomes.every((o) => o === 'SUCCESS'));
      // Time range: seconds 600 to 1199 hold i = 4200..8399.
      const range = await walk(s, c, '&from=2024-01-01T00:10:00&to=2024-01-01T00:20:00');
      assert.equal(range.ids.length, 4200);
      assert.equal(range.count, 4200);
      assert.ok(range.at.every((t) => t >= '2024-01-01T00:10:00' && t < '2024-01-01T00:20:00'));

      // The HTML pages: count, and Older then Newer returns to the same entries.
      const first = await request(s, 'GET', '/dashboard/logs?outcome=ERROR&limit=25', { cookie: c });
      assert.equal(first.status, 200);
      assert.match(first.text, /3,334 entries match/);
      const idsOf = (text: string) => [...text.matchAll(/href="\/dashboard\/logs\/(bulk-\d+)"/g)].map((m) => m[1]);
      const firstIds = idsOf(first.text);
      assert.equal(firstIds.length, 25);
      const olderHref = /rel="next" href="([^"]+)"/.exec(first.text)![1].replace(/&amp;/g, '&');
      const second = await request(s, 'GET', olderHref, { cookie: c });
      const secondIds = idsOf(second.text);
      assert.equal(secondIds.length, 25);
      assert.ok(secondIds.every((id) => !firstIds.includes(id)));
      const newerHref = /rel="prev" href="([^"]+)"/.exec(second.text)![1].replace(/&amp;/g, '&');
      const back = await request(s, 'GET', newerHref, { cookie: c });
      assert.deepEqual(idsOf(back.text), firstIds);
      assert.ok(!/rel="prev"/.test(first.text), 'the newest page has no newer page');

      // Bad filter values are named, not a 500; a doctored cursor falls back to the newest page.
      const bad = await request(s, 'GET', '/dashboard/logs?outcome=MAYBE&from=yesterday&after=bm9wZQ', { cookie: c });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Unknown outcome &quot;MAYBE&quot;/);
      assert.match(bad.text, /&quot;from&quot; must be a date and time/);
      const badCursor = Buffer.from(JSON.stringify(['2024-02-31 00:00:00+00', 'x'])).toString('base64url');
      const badData = await request(s, 'GET', `/dashboard/data/logs?after=${badCursor}`, { cookie: c });
      assert.equal(badData.status, 400);
      assert.equal(badData.json.error.code, 'PLATFORM.INPUT_INVALID');
    });

    test('the log detail page shows the request, outbound calls, error and warnings, escaped', async () => {
      const db = s.started.db;
      const id = await openLog(db, {
        accountId: 'default',
        integrationId: DEMO,
        method: 'POST',
        path: '/v1/ats/candidates/c1/result-links',
        action: 'ats_add_candidate_result_link',
        request: { label: '<script>alert(1)</script>', url: 'https://x.example' },
      });
      await completeLog(db, id, {
        statusCode: 502,
        calls: [
          {
            method: 'POST',
            url: 'https://ats.example/notes',
            status: 503,
            duration_ms: 120,
            attempt: 1,
            error: 'Service Unavailable',
            response_body: { message: 'try later' },
          },
          { method: 'POST', url: 'https://ats.example/notes', status: 500, duration_ms: 80, attempt: 2, response_body: '<b>boom</b>' },
        ],
        warnings: ['Attribute "score" was written as a note.'],
        error: { code: 'REMOTE.SERVICE_UNAVAILABLE', message: 'The ATS is unavailable.' },
      });
      const r = await request(s, 'GET', `/dashboard/logs/${id}`, { cookie });
      assert.equal(r.status, 200);
      assert.ok(!r.text.includes('<script>alert(1)') && r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(!r.text.includes('<b>boom</b>') && r.text.includes('&lt;b&gt;boom&lt;/b&gt;'));
      assert.match(r.text, /Outbound calls \(2\)/);
      assert.match(r.text, /1\. POST https:\/\/ats\.example\/notes/);
      assert.match(r.text, /<dt>Status<\/dt><dd>503<\/dd>/);
      assert.match(r.text, /<dt>Attempt<\/dt><dd>2<\/dd>/);
      assert.match(r.text, /<dt>Duration<\/dt><dd>120 ms<\/dd>/);
      assert.match(r.text, /Service Unavailable/);
      assert.match(r.text, /try later/);
      assert.match(r.text, /<code>REMOTE\.SERVICE_UNAVAILABLE<\/code>/);
      assert.match(r.text, /Attribute &quot;score&quot; was written as a note\./);
      // The API route keeps answering JSON to the SDK world.
      const api = await s.call('GET', `/v1/logs/${id}`);
      assert.equal(api.status, 200);
      assert.equal(api.body.data.error.code, 'REMOTE.SERVICE_UNAVAILABLE');
      const data = await request(s, 'GET', `/dashboard/data/logs/${id}`, { cookie });
      assert.deepEqual(data.json.data, api.body.data);

      // A PENDING entry older than 10 minutes reads "outcome unknown"; a fresh one is PENDING.
      const stale = await openLog(db, {
        accountId: 'default',
        integrationId: DEMO,
        method: 'POST',
        path: '/v1/ats/x',
        action: 'stale',
        request: {},
      });
      await db.query(`UPDATE interaction_logs SET created_at = now() - interval '11 minutes' WHERE id = $1`, [stale]);
      const fresh = await openLog(db, {
        accountId: 'default',
        integrationId: DEMO,
        method: 'POST',
        path: '/v1/ats/x',
        action: 'fresh',
        request: {},
      });
      assert.match(
        (await request(s, 'GET', `/dashboard/logs/${stale}`, { cookie })).text,
        /Outcome unknown: this interaction started more than 10 minutes ago/,
      );
      const freshPage = await request(s, 'GET', `/dashboard/logs/${fresh}`, { cookie });
      assert.ok(!freshPage.text.includes('Outcome unknown') && freshPage.text.includes('>PENDING</span>'));

      // A real failed write through the SDK: its log_url's id opens the same entry here.
      const err = await s
        .sdk(DEMO)
        .ats.addCandidateResultLink({ candidate_id: 'NoSuchCandidate123456789', body: { label: 'L', url: 'https://x.example' } })
        .catch((e) => e);
      assert.ok(err instanceof KomboAtsError);
      const logId = new URL(err.error.log_url!).pathname.split('/').pop();
      const page = await request(s, 'GET', `/dashboard/logs/${logId}`, { cookie });
      assert.equal(page.status, 200);
      assert.match(page.text, /<code>PLATFORM\.INPUT_INVALID<\/code>/);
      assert.match(page.text, /NoSuchCandidate123456789/);
      assert.match(page.text, /No call reached the ATS/);
    });

    test('"sync now" starts a sync that shows up in the sync history', async () => {
      const before = await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM syncs WHERE integration_id = $1', [DEMO]);
      // The sync goes through the job queue, like POST /v1/force-sync (retries; a graceful stop waits for it).
      const jobs = s.started.rt.jobs;
      const add = jobs.add;
      const queued: { task: string; payload: Record<string, unknown> }[] = [];
      jobs.add = (task, payload, opts) => (queued.push({ task, payload }), add.call(jobs, task, payload, opts));
      let r: Res;
      try {
        r = await request(s, 'POST', `/dashboard/integrations/${encodeURIComponent(DEMO)}/sync`, { cookie, form: { type: 'FULL' } });
      } finally {
        jobs.add = add;
      }
      assert.equal(r.status, 303);
      assert.match(r.headers.get('location')!, /^\/dashboard\/integrations\/sandbox%3Ademo\?sync=(started|running)$/);
      if (r.headers.get('location')!.endsWith('=started'))
        assert.deepEqual(
          queued.map((q) => [q.task, q.payload.integrationId, q.payload.type]),
          [['sync-integration', DEMO, 'FULL']],
        );
      else assert.deepEqual(queued, [], 'a running sync answers the request; nothing is queued');
      // Wait for the sync to end (bounded by the test runner's timeout, not by a clock here).
      for (;;) {
        const { rows } = await s.started.db.query<{ n: number; running: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'RUNNING')::int AS running FROM syncs WHERE integration_id = $1`,
          [DEMO],
        );
        if (rows[0].n > before.rows[0].n && rows[0].running === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const page = await request(s, 'GET', `${r.headers.get('location')}`, { cookie });
      assert.equal(page.status, 200);
      assert.match(page.text, /role="status">A sync has started|role="status">A sync of this integration is already running/);
      assert.match(page.text, /<h2 id="syncs-h">Sync history<\/h2>/);
      assert.ok((page.text.match(/>SUCCEEDED</g) ?? []).length >= 2, 'the first sync and this one');
      assert.match(page.text, /<td>FULL<\/td>/);
      assert.match(page.text, /Recent logs/);
    });
  });
}
