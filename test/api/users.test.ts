/**
 * GET /v1/ats/users on the sandbox: synced like jobs and candidates, in Kombo's page envelope,
 * parsed by the official SDK and by Kombo's newest models, with Kombo's filters (`ids`,
 * `remote_ids`, `emails`), cursors, deletion tracking, and another account's ids matching nothing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { checkKomboModel } from '../support/kombo-models.ts';
import { allPages } from '../support/connector-suite.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { startSync } from '../../src/sync/run.ts';
import { SANDBOX_USERS } from '../../src/connectors/sandbox/seed.ts';
import { startLeverFake } from '../fakes/lever.ts';

const DEMO = 'sandbox:demo';

for (const kind of databaseKinds()) {
  describe(`GET /v1/ats/users on ${kind}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s?.close());

    const users = (query = '', integrationId = DEMO, headers?: Record<string, string>) =>
      s.call('GET', `/v1/ats/users${query}`, { integrationId, headers });

    test("the sandbox's team is synced, with status and roles, in Kombo's newest model", async () => {
      const res = await users('?page_size=250');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(checkKomboModel(res.body, 'GetAtsUsersPositiveResponse'), []);
      const got = res.body.data.results;
      assert.deepEqual(got.map((u: { remote_id: string }) => u.remote_id).sort(), SANDBOX_USERS.map((u) => u.remote_id).sort());
      const ada = got.find((u: { remote_id: string }) => u.remote_id === 'user-003');
      assert.equal(ada.email, 'ada.admin@sandbox.example');
      assert.equal(ada.status, 'ACTIVE');
      assert.deepEqual(ada.system_roles, [{ remote_id: 'admin', remote_label: 'Admin', scope: 'SYSTEM', unified_type: 'ADMIN' }]);
      assert.equal(got.find((u: { remote_id: string }) => u.remote_id === 'user-005').status, 'INACTIVE');
      assert.equal(new Set(got.map((u: { id: string }) => u.id)).size, got.length);
    });

    test('the official SDK pages through them; filters by ids, remote_ids and emails (case-insensitive)', async () => {
      const all = await allPages(await s.sdk(DEMO).ats.getUsers({ page_size: 2 }));
      assert.equal(all.pages, 3);
      assert.equal(all.items.length, SANDBOX_USERS.length);
      const hana = all.items.find((u) => u.remote_id === 'user-002')!;
      assert.deepEqual(
        (await users(`?ids=${hana.id}`)).body.data.results.map((u: { remote_id: string }) => u.remote_id),
        ['user-002'],
      );
      assert.deepEqual(
        (await users('?remote_ids=user-001,user-004')).body.data.results.map((u: { remote_id: string }) => u.remote_id).sort(),
        ['user-001', 'user-004'],
      );
      assert.deepEqual(
        (await users('?emails=HANA.MANAGER@sandbox.example,nobody@x.example')).body.data.results.map((u: { id: string }) => u.id),
        [hana.id],
      );
      const sdkFiltered = await s.sdk(DEMO).ats.getUsers({ emails: ['riley.recruiter@sandbox.example'] });
      assert.deepEqual(
        sdkFiltered.result.data.results.map((u) => u.remote_id),
        ['user-001'],
      );
    });

    test('a user removed upstream is marked deleted by the next sync, and shown with include_deleted', async () => {
      await s.started.db.query(`DELETE FROM sandbox_objects WHERE integration_id = $1 AND kind = 'user' AND remote_id = 'user-004'`, [
        DEMO,
      ]);
      const stats = await (await startSync(s.started.rt, DEMO, 'DELTA')).done;
      assert.equal(stats.deleted.users, 1, 'a delta sync reads users whole, so it sees the deletion');
      assert.ok(!(await users('?page_size=250')).body.data.results.some((u: { remote_id: string }) => u.remote_id === 'user-004'));
      const withDeleted = (await users('?page_size=250&include_deleted=true')).body.data.results;
      const gone = withDeleted.find((u: { remote_id: string }) => u.remote_id === 'user-004');
      assert.ok(gone?.remote_deleted_at, 'remote_deleted_at is set');
      const since = (await users(`?updated_after=${encodeURIComponent(gone.changed_at)}&include_deleted=true`)).body.data.results;
      assert.deepEqual(
        since.map((u: { remote_id: string }) => u.remote_id),
        ['user-004'],
      );
    });

    test("another account's user ids, under that account's own integration, match nothing", async () => {
      const other = (await createApiKey(s.started.db, 'users-other', 'other')).key;
      const mine = await connectIntegration(s.started.rt, {
        accountId: 'users-other',
        tool: 'sandbox',
        organizationName: 'Other Inc',
        credentials: { api_key: 'sandbox-other' },
        waitForSync: true,
      });
      const demoIds = (await users('?page_size=250')).body.data.results.map((u: { id: string }) => u.id);
      const auth = { authorization: `Bearer ${other}` };
      const foreign = await users(`?ids=${demoIds.join(',')}`, mine.id, auth);
      assert.equal(foreign.status, 200);
      assert.deepEqual(foreign.body.data.results, [], "the demo's user ids are not the other integration's");
      const own = await users('?page_size=250', mine.id, auth);
      assert.equal(own.body.data.results.length, SANDBOX_USERS.length);
      assert.ok(
        own.body.data.results.every((u: { id: string }) => !demoIds.includes(u.id)),
        'ids are per integration',
      );
      const demoAsOther = await users('', DEMO, auth);
      assert.equal(demoAsOther.status, 404);
      assert.equal(demoAsOther.body.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND');
    });
  });
}

describe('users the credentials may not list (Lever key without the Users permission)', () => {
  let s: TestServer;
  let fake: Awaited<ReturnType<typeof startLeverFake>>;
  before(async () => {
    s = await startTestServer('pglite');
    fake = await startLeverFake();
  });
  after(async () => {
    await s?.close();
    await fake?.stop();
  });

  test('the sync reads everything else, reads no users, marks none deleted, and its stats say why', async () => {
    const i = await connectIntegration(s.started.rt, {
      accountId: 'default',
      tool: 'lever',
      organizationName: 'Lever Inc',
      credentials: fake.noUsersCredentials,
      baseUrl: fake.url,
      waitForSync: true,
    });
    const users = await s.call('GET', '/v1/ats/users?include_deleted=true', { integrationId: i.id });
    assert.equal(users.status, 200);
    assert.deepEqual(users.body.data.results, []);
    const candidates = await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: i.id });
    assert.equal(candidates.body.data.results.length, 1, 'candidates were synced');
    const sync = await s.started.db.query<{ state: string; stats: { warnings?: string[] } }>(
      'SELECT state, stats FROM syncs WHERE integration_id = $1',
      [i.id],
    );
    assert.equal(sync.rows[0].state, 'SUCCEEDED');
    assert.match(sync.rows[0].stats.warnings?.[0] ?? '', /^Users were not read: /);
    // The users list was asked for (and refused by the fake: the key lacks users:read).
    assert.ok(fake.server.calls('GET', '/v1/users').length > 0);
    assert.match(sync.rows[0].stats.warnings?.[0] ?? '', /permission/i);
  });
});
