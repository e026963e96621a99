/**
 * The vendor end-to-end suite (test/connectors/e2e.sdk.*.test.ts, each file one shard of it).
 * Every vendor connector end to end: its fake ATS, a real atsgate server, and the official
 * @kombo-api/sdk as a customer would use it. One generic scenario per connector: connect
 * (and refuse bad credentials), read everything with pagination, write result links and
 * attachments, survive a 429, surface a 503 storm as REMOTE.SERVICE_UNAVAILABLE, notice an
 * upstream deletion on a full sync, and never exceed the vendor's rate limit.
 */
import './fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kombo } from '@kombo-api/sdk';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { startTestServer, type TestServer } from './server.ts';
import { CONNECTOR_CASES, TimeScaledLimiter, allPages, eventually, startFileServer, type ConnectorCase } from './connector-suite.ts';
import type { VendorFake } from '../fakes/types.ts';
import { databaseKinds, type DbKind } from './databases.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { AtsgateError } from '../../src/errors.ts';

type FileServer = Awaited<ReturnType<typeof startFileServer>>;

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: any) => {
    assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.error.code, code, e.error.message);
    return true;
  });
}

/** The whole scenario for one connector, as a describe block of ordered tests. */
function connectorScenario(c: ConnectorCase, env: () => { s: TestServer; files: FileServer }) {
  const connector = getConnector(c.tool)!;
  const caps = connector.definition.capabilities;
  let fake: VendorFake;
  let kombo: Kombo;
  let integrationId = '';
  let target: any; // the candidate written to
  let targetApp: any;

  before(async () => {
    fake = await c.start();
  });
  after(async () => {
    await fake?.stop();
  });

  test('connects with the right credentials and runs the first sync', async () => {
    const { s } = env();
    const integration = await connectIntegration(s.started.rt, {
      accountId: 'default',
      tool: c.tool,
      organizationName: `Acme on ${c.tool}`,
      credentials: fake.credentials,
      baseUrl: fake.url,
      waitForSync: true,
    });
    integrationId = integration.id;
    assert.ok(integrationId.startsWith(`${c.tool}:`));
    kombo = s.sdk(integrationId);
    const details = await kombo.general.getIntegrationDetails({ integration_id: integrationId });
    assert.equal(details.data.tool.id, c.tool);
    assert.equal(details.data.setup_status, 'COMPLETED');
    assert.equal(details.data.end_user.organization_name, `Acme on ${c.tool}`);
  });

  test('reads every candidate, application and job through the SDK iterator', async () => {
    const candidates = await allPages(await kombo.ats.getCandidates({ page_size: 7 }));
    assert.ok(candidates.pages > 1, 'several pages');
    assert.deepEqual(candidates.items.map((x) => x.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
    assert.equal(new Set(candidates.items.map((x) => x.id)).size, candidates.items.length, 'no candidate twice');

    const applications = await allPages(await kombo.ats.getApplications({ page_size: 9 }));
    assert.ok(applications.pages > 1);
    assert.deepEqual(applications.items.map((x) => x.remote_id).sort(), [...fake.applicationRemoteIds()].sort());
    const candidateIds = new Set(candidates.items.map((x) => x.id));
    assert.ok(
      applications.items.every((a) => a.candidate_id && candidateIds.has(a.candidate_id)),
      'every application points at a synced candidate',
    );

    const jobs = await allPages(await kombo.ats.getJobs({ page_size: 1 }));
    assert.deepEqual(jobs.items.map((x) => x.remote_id).sort(), [...fake.jobRemoteIds()].sort());

    target = candidates.items.find((x) => x.applications.length > 0);
    assert.ok(target, 'a candidate with an application');
    targetApp = applications.items.find((a) => a.candidate_id === target.id);
    assert.ok(targetApp);
  });

  test("reads the ATS's users through the SDK iterator, or none where the connector reads none", async () => {
    const users = await allPages(await kombo.ats.getUsers({ page_size: 2 }));
    assert.deepEqual(users.items.map((x) => x.remote_id).sort(), [...fake.userRemoteIds()].sort());
    if (!caps.users.read) assert.equal(users.items.length, 0, `${c.tool} reads no users: ${caps.users.summary}`);
    else assert.ok(users.items.length > 0, `the ${c.tool} fake has users`);
    for (const u of users.items) {
      assert.ok(u.status === 'ACTIVE' || u.status === 'INACTIVE' || u.status === null);
      assert.ok(Array.isArray(u.system_roles));
    }
  });

  test('result links land in the ATS with label, url and every attribute', async () => {
    if (caps.resultLinks.candidate === 'unsupported' || caps.resultLinks.application === 'unsupported') {
      // An ATS that takes no result links answers Kombo's documented error, naming what it lacks.
      const seen = fake.server.journal.length;
      const body = { label: `Acme coding test (${c.tool})`, url: `https://assess.example.com/r/${c.tool}/1` };
      if (caps.resultLinks.candidate === 'unsupported')
        await rejectsWith(kombo.ats.addCandidateResultLink({ candidate_id: target.id, body }), 'INTEGRATION.ACTION_NOT_AVAILABLE');
      if (caps.resultLinks.application === 'unsupported')
        await rejectsWith(kombo.ats.addApplicationResultLink({ application_id: targetApp.id, body }), 'INTEGRATION.ACTION_NOT_AVAILABLE');
      assert.equal(fake.server.journal.length, seen, `no write call reached ${c.tool}`);
      assert.equal(fake.resultTextFor(target.remote_id), '', 'nothing landed');
      if (caps.resultLinks.candidate === 'unsupported' && caps.resultLinks.application === 'unsupported') return;
    }
    const label = `Acme coding test (${c.tool})`;
    const url = `https://assess.example.com/r/${c.tool}/1`;
    const res = await kombo.ats.addCandidateResultLink({
      candidate_id: target.id,
      body: {
        label,
        url,
        details: {
          custom_field_name_prefix: 'Acme:',
          attributes: [
            { key: 'Score', value: '93%' },
            { key: 'Level', value: 'Senior' },
            { key: 'Strength', value: 'window-functions' },
          ],
        },
      },
    });
    assert.equal(res.status, 'success');
    const text = fake.resultTextFor(target.remote_id);
    for (const piece of [label, url, '93%', 'Senior', 'window-functions'])
      assert.ok(text.includes(piece), `"${piece}" is in what ${c.tool} holds:\n${text}`);
    if (caps.resultLinks.candidate !== 'native')
      assert.ok(res.warnings.length > 0, `a ${caps.resultLinks.candidate} result link says so in warnings`);

    const appLabel = `Acme interview (${c.tool})`;
    const appUrl = `https://assess.example.com/r/${c.tool}/2`;
    const appRes = await kombo.ats.addApplicationResultLink({
      application_id: targetApp.id,
      body: { label: appLabel, url: appUrl, details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '71%' }] } },
    });
    assert.equal(appRes.status, 'success');
    const after = fake.resultTextFor(target.remote_id);
    for (const piece of [appLabel, appUrl, '71%']) assert.ok(after.includes(piece), `"${piece}" is in what ${c.tool} holds:\n${after}`);
    if (caps.resultLinks.application !== 'native')
      assert.ok(appRes.warnings.length > 0, `a ${caps.resultLinks.application} result link says so in warnings`);
  });

  test('attachments by data and by data_url arrive byte for byte and are listed with working URLs', async () => {
    const { files } = env();
    const cv = Buffer.concat([Buffer.from(`%PDF-1.4 CV for ${c.tool} `), Buffer.from([0, 1, 2, 254, 255]), Buffer.from('%%EOF')]);
    const report = Buffer.from(`%PDF-1.4 assessment report from ${c.tool} ${'x'.repeat(1000)} %%EOF`);
    const cvName = `cv-${c.tool}.pdf`;
    const reportName = `report-${c.tool}.pdf`;
    if (!caps.attachments.candidate) {
      const seen = fake.server.journal.length;
      await rejectsWith(
        kombo.ats.addCandidateAttachment({
          candidate_id: target.id,
          body: { attachment: { name: cvName, type: 'CV', content_type: 'application/pdf', data: cv.toString('base64') } },
        }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      const dataUrl = files.put(`/${c.tool}/report.pdf`, 'application/pdf', report);
      await rejectsWith(
        kombo.ats.addCandidateAttachment({
          candidate_id: target.id,
          body: { attachment: { name: reportName, type: 'OTHER', data_url: dataUrl } },
        }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.equal(fake.server.journal.length, seen, `no attachment call reached ${c.tool}`);
      assert.deepEqual(fake.filesFor(target.remote_id), []);
      if (!caps.reads.candidateAttachments) {
        await rejectsWith(kombo.ats.getCandidateAttachments({ candidate_id: target.id }), 'INTEGRATION.ACTION_NOT_AVAILABLE');
        assert.equal(fake.server.journal.length, seen, `no listing call reached ${c.tool}`);
        return;
      }
      // The files the ATS already has are still listed, and download.
      const all = (await allPages(await kombo.ats.getCandidates({ page_size: 250 }))).items;
      let listedSome = false;
      for (const cand of all.filter((x) => x.applications.length > 0).slice(0, 6)) {
        for (const a of (await kombo.ats.getCandidateAttachments({ candidate_id: cand.id })).data.results) {
          const res = await fetch(a.data_url);
          assert.equal(res.status, 200, `${a.file_name} downloads`);
          assert.ok((await res.arrayBuffer()).byteLength > 0);
          listedSome = true;
        }
      }
      assert.ok(listedSome, `some ${c.tool} candidate has files to list`);
      return;
    }
    const r1 = await kombo.ats.addCandidateAttachment({
      candidate_id: target.id,
      body: { attachment: { name: cvName, type: 'CV', content_type: 'application/pdf', data: cv.toString('base64') } },
    });
    assert.equal(r1.status, 'success');
    const dataUrl = files.put(`/${c.tool}/report.pdf`, 'application/pdf', report);
    const r2 = await kombo.ats.addCandidateAttachment({
      candidate_id: target.id,
      body: { attachment: { name: reportName, type: 'OTHER', data_url: dataUrl } },
    });
    assert.equal(r2.status, 'success');

    const stored = fake.filesFor(target.remote_id);
    for (const [bytes, name, type] of [
      [cv, cvName, 'CV'],
      [report, reportName, 'OTHER'],
    ] as const) {
      const f = stored.find((x) => x.data.equals(bytes));
      assert.ok(f, `${name} reached ${c.tool} byte for byte (has: ${stored.map((x) => x.name).join(', ')})`);
      assert.ok(f.name.includes(name), `file name ${f.name}`);
      assert.equal(f.type, c.fakeFileType?.(type) ?? caps.attachments.types[type], `${name} has the vendor type`);
    }

    const listed = (await kombo.ats.getCandidateAttachments({ candidate_id: target.id })).data.results;
    for (const [bytes, name] of [
      [cv, cvName],
      [report, reportName],
    ] as const) {
      const a = listed.find((x) => x.file_name.includes(name));
      assert.ok(a, `${name} is listed (listed: ${listed.map((x) => x.file_name).join(', ')})`);
      const dl = await fetch(a.data_url);
      assert.equal(dl.status, 200, `${a.data_url} downloads`);
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes, `${name} downloads byte for byte`);
    }
    // The files the ATS already had download as well.
    for (const a of listed) {
      const res = await fetch(a.data_url);
      await res.arrayBuffer();
      assert.equal(res.status, 200, `${a.file_name} downloads`);
    }
  });

  test('a 429 is waited out; a 503 storm on a read becomes REMOTE.SERVICE_UNAVAILABLE', async () => {
    if (caps.resultLinks.candidate === 'unsupported' && !caps.reads.candidateAttachments) {
      // A read-only ATS: the vendor is only called by syncs, so the faults are put on those.
      const db = env().s.started.rt.db;
      const stateOf = async (id: string) =>
        (await db.query<{ state: string }>('SELECT state FROM syncs WHERE id = $1', [id])).rows[0]?.state;
      const syncUntilDone = async () => {
        const sync = await kombo.general.triggerSync({ type: 'DELTA' });
        assert.ok(
          await eventually(async () => ['SUCCEEDED', 'FAILED'].includes((await stateOf(sync.data.sync_id)) ?? '')),
          'the sync ended',
        );
        return stateOf(sync.data.sync_id);
      };
      fake.failNext(1, 429);
      assert.equal(await syncUntilDone(), 'SUCCEEDED', 'the 429 was waited out');
      fake.failNext(20, 503);
      assert.equal(await syncUntilDone(), 'FAILED', 'a 503 storm fails the sync');
      let recovered = false;
      for (let i = 0; i < 8 && !recovered; i++) recovered = (await syncUntilDone()) === 'SUCCEEDED';
      assert.ok(recovered, 'syncs work again after the outage');
      return;
    }
    fake.failNext(1, 429);
    const label = `Acme retry (${c.tool})`;
    const res = await kombo.ats.addCandidateResultLink({
      candidate_id: target.id,
      body: { label, url: `https://assess.example.com/r/${c.tool}/3` },
    });
    assert.equal(res.status, 'success');
    assert.ok(fake.resultTextFor(target.remote_id).includes(label), 'the retried write landed');

    fake.failNext(20, 503);
    await rejectsWith(kombo.ats.getCandidateAttachments({ candidate_id: target.id }), 'REMOTE.SERVICE_UNAVAILABLE');
    // Once the vendor recovers (the queued failures are used up), the same read works again.
    let recovered = false;
    for (let i = 0; i < 25 && !recovered; i++) {
      recovered = await kombo.ats.getCandidateAttachments({ candidate_id: target.id }).then(
        () => true,
        (e) => {
          if (!(e instanceof KomboAtsError) || e.error.code !== 'REMOTE.SERVICE_UNAVAILABLE') throw e;
          return false;
        },
      );
    }
    assert.ok(recovered, 'reads work again after the outage');
  });

  test('a candidate deleted upstream disappears on a full sync and stays visible with include_deleted', async () => {
    const all = (await allPages(await kombo.ats.getCandidates({ page_size: 250 }))).items;
    const victim = all.find((x) => x.id !== target.id && x.applications.length > 0)!;
    const victimApps = victim.applications.map((a: any) => a.id);
    fake.deleteCandidate(victim.remote_id);
    const sync = await kombo.general.triggerSync({ type: 'FULL' });
    assert.equal(sync.data.type, 'FULL');
    const gone = await eventually(
      async () => (await kombo.ats.getCandidates({ remote_ids: [victim.remote_id] })).result.data.results.length === 0,
    );
    assert.ok(gone, 'the deleted candidate is no longer listed');
    const withDeleted = (await kombo.ats.getCandidates({ remote_ids: [victim.remote_id], include_deleted: true })).result.data.results;
    assert.equal(withDeleted.length, 1);
    assert.equal(withDeleted[0].id, victim.id, 'same atsgate id');
    assert.ok(withDeleted[0].remote_deleted_at, 'remote_deleted_at is set');
    // Its applications went with it; everyone else is still there.
    const apps = (await kombo.ats.getApplications({ ids: victimApps })).result.data.results;
    assert.deepEqual(apps, []);
    const db = env().s.started.rt.db;
    const syncState = async () =>
      (
        await db.query<{ state: string }>('SELECT state FROM syncs WHERE id = $1 AND integration_id = $2', [
          sync.data.sync_id,
          integrationId,
        ])
      ).rows[0]?.state;
    assert.ok(await eventually(async () => (await syncState()) === 'SUCCEEDED'), 'the triggered sync succeeded');
    const remaining = (await allPages(await kombo.ats.getCandidates({ page_size: 250 }))).items;
    assert.equal(remaining.length, all.length - 1);
  });

  test("never exceeded the vendor's rate limit", () => {
    const def = connector.definition.rateLimit;
    // atsgate's budget is within what the vendor allows (both as real-time rates).
    assert.ok(
      def.requests / def.perMs <= c.fakeLimit.requests / (c.fakeLimit.windowMs * c.timeScale),
      `${def.requests}/${def.perMs}ms fits the vendor's limit`,
    );
    const peak = fake.peakRate();
    assert.ok(peak > 0, 'the fake counted requests');
    assert.ok(
      peak <= c.fakeLimit.requests,
      `${c.tool}: peak ${peak} requests in ${c.fakeLimit.windowMs} ms, limit ${c.fakeLimit.requests}`,
    );
  });

  test('wrong credentials are refused and nothing is stored', async () => {
    const { s } = env();
    // Run last: the fake counts every request in its rate window, whatever the credential, and
    // a stranger's failed attempt is not part of this integration's budget.
    const count = async () =>
      (await s.started.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations WHERE tool = $1', [c.tool])).rows[0].n;
    const before = await count();
    assert.equal(before, 1, 'the integration connected above');
    await assert.rejects(
      connectIntegration(s.started.rt, {
        accountId: 'default',
        tool: c.tool,
        organizationName: 'Wrong Inc',
        credentials: fake.badCredentials,
        baseUrl: fake.url,
        waitForSync: true,
      }),
      (e: any) => {
        assert.ok(e instanceof AtsgateError, `expected AtsgateError, got ${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.code, 'INTEGRATION.AUTHENTICATION_INVALID', e.message);
        return true;
      },
    );
    assert.equal(await count(), before, 'no integration was stored');
    assert.ok(
      ![...s.started.rt.caches.keys()].some((k) => k.startsWith(`${c.tool}:`) && k !== integrationId),
      'no probe cache left behind',
    );
  });
}

function suiteOn(kind: DbKind, cases: ConnectorCase[], withToolsTest: boolean) {
  // Connectors are independent (own fake, own integration, own rate-limit key) and mostly wait
  // on rate limits and backoff, so two run side by side; each one's steps run in order. Not
  // more: the fakes live in this process, and when many syncs keep the event loop busy a
  // request admitted by the limiter can reach its fake hundreds of ms later, bunched with
  // later ones — a harness artefact that would show up as a false rate-limit excess.
  describe(`vendor connectors through the SDK on ${kind}`, { concurrency: 2 }, () => {
    let s: TestServer;
    let files: FileServer;
    before(async () => {
      // Retry backoff is shortened by ../support/fast-retries.ts (the client reads process.env).
      s = await startTestServer(kind, { env: { ATSGATE_SEED_DEMO: 'false' } });
      s.started.rt.limiter = new TimeScaledLimiter(
        s.started.rt.limiter,
        Object.fromEntries(CONNECTOR_CASES.map((c) => [c.tool, c.timeScale])),
      );
      files = await startFileServer();
    });
    after(async () => {
      await files?.close();
      await s?.close();
    });

    if (withToolsTest) {
      test('GET /v1/tools/ats lists every tool with its coverage', async () => {
        const res = await s.sdk().general.getTools({ category: 'ats' });
        // atsgate's extension (the SDK strips it): whether each tool's users are read, and why not.
        const raw = await s.call('GET', '/v1/tools/ats');
        for (const t of raw.body.data.tools) assert.deepEqual(t.atsgate.users, getConnector(t.id)!.definition.capabilities.users, t.id);
        const ids = res.data.tools.map((t) => t.id).sort();
        assert.deepEqual(ids, [
          'ashby',
          'bamboohr',
          'bullhorn',
          'greenhouse',
          'icims',
          'lever',
          'oraclerecruiting',
          'personio',
          'pinpoint',
          'recruitee',
          'sandbox',
          'smartrecruiters',
          'successfactors',
          'teamtailor',
          'ukgpro',
          'workable',
          'workday',
          'zohorecruit',
        ]);
        for (const t of res.data.tools) {
          const def = getConnector(t.id)!.definition;
          assert.equal(t.label, def.label);
          const reads = Object.fromEntries(t.coverage.read_models.map((m) => [m.id, m.coverage_status]));
          assert.deepEqual(reads, {
            ats_jobs: 'SUPPORTED',
            ats_candidates: 'SUPPORTED',
            ats_applications: 'SUPPORTED',
            ats_users: def.capabilities.users.read ? 'SUPPORTED' : 'UNSUPPORTED',
            // Tags: where the ATS has any (test/connectors/e2e.tags.sdk.test.ts covers them).
            ats_tags: def.capabilities.tags.list === 'none' ? 'UNSUPPORTED' : 'SUPPORTED',
            ats_rejection_reasons: def.capabilities.applicationStatus.rejectionReasons ? 'SUPPORTED' : 'UNSUPPORTED',
          });
          const writes = Object.fromEntries(t.coverage.write_actions.map((w) => [w.id, w.coverage_status]));
          assert.equal(
            writes.ats_add_candidate_result_link,
            def.capabilities.resultLinks.candidate === 'unsupported' ? 'UNSUPPORTED' : 'SUPPORTED',
          );
          assert.equal(writes.ats_add_candidate_attachment, def.capabilities.attachments.candidate ? 'SUPPORTED' : 'UNSUPPORTED');
          assert.equal(
            writes.ats_add_application_result_link,
            def.capabilities.resultLinks.application === 'unsupported' ? 'UNSUPPORTED' : 'SUPPORTED',
          );
          // Every connector lists attachments except one whose ATS returns no files (Personio).
          assert.equal(writes.ats_get_candidate_attachments, t.id === 'personio' ? 'UNSUPPORTED' : 'SUPPORTED');
          assert.equal(def.capabilities.reads.candidateAttachments, t.id !== 'personio');
        }
      });
    }

    for (const c of cases) {
      describe(c.tool, { concurrency: 1 }, () => connectorScenario(c, () => ({ s, files })));
    }
  });
}

/**
 * Declares shard `shard` of `shards` of the suite. The data layer is covered on both databases
 * elsewhere: every connector runs on PGlite and one on PostgreSQL too (all of them when
 * TEST_DB=postgres narrows the run to PostgreSQL). The (database, connector) runs are dealt out
 * in turn; the last shard, which gets the fewest, also checks GET /v1/tools/ats. The shards are
 * separate files so that they run as separate processes: each keeps its own event loop as idle
 * as the unsharded file's was (see suiteOn), and scripts/test.js runs them side by side.
 */
export function vendorSuite(shard: number, shards: number): void {
  const kinds = databaseKinds();
  const toolsTest = shard === shards - 1;
  let n = 0;
  for (const kind of kinds) {
    const cases =
      kind === 'postgres' && kinds.includes('pglite') ? CONNECTOR_CASES.filter((c) => c.tool === 'greenhouse') : CONNECTOR_CASES;
    const mine = cases.filter(() => n++ % shards === shard);
    const withTools = toolsTest && kind === kinds[0];
    if (mine.length || withTools) suiteOn(kind, mine, withTools);
  }
}
