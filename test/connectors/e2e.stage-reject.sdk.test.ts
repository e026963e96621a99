/**
 * Stage moves, rejections and rejection reasons on every vendor connector, end to end: the
 * connector's fake ATS, a real atsgate server, and the official @kombo-api/sdk
 * (`ats.getRejectionReasons`, `ats.moveApplicationToStage`, `ats.rejectApplication`). What the
 * ATS holds afterwards is read at the fake (`applicationStatus`); the synced application must
 * show the change at once. Where the ATS cannot take the action (capabilities.applicationStatus),
 * the answer is Kombo's INTEGRATION.ACTION_NOT_AVAILABLE and nothing reaches the ATS.
 * Every connector on PGlite, Greenhouse on PostgreSQL too (as the other vendor e2e files).
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kombo } from '@kombo-api/sdk';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { startTestServer, type TestServer } from '../support/server.ts';
import { CONNECTOR_CASES, TimeScaledLimiter, allPages, type ConnectorCase } from '../support/connector-suite.ts';
import type { VendorFake } from '../fakes/types.ts';
import { databaseKinds, type DbKind } from '../support/databases.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { ALL_SCOPES, startGreenhouseFake } from '../fakes/greenhouse.ts';

/** The SDK's error for an action the ATS cannot take. */
function notAvailable(e: any): boolean {
  assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.error.code, 'INTEGRATION.ACTION_NOT_AVAILABLE');
  assert.ok(e.error.message.length > 20, 'says what the ATS lacks');
  return true;
}

function inputInvalid(status: number, mentions: string) {
  return (e: any): boolean => {
    assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
    assert.equal(e.statusCode, status, e.error.message);
    assert.ok(e.error.message.includes(mentions), `${e.error.message} mentions ${mentions}`);
    return true;
  };
}

/** Stages a plain move may target: not an end state (hired, archived, rejected), which ATSs guard. */
const ORDINARY = (name: string | null) => !/hire|archiv|reject|declin|not a fit|withdr|offer|qualified/i.test(name ?? '');

interface App {
  id: string;
  remote_id: string;
  job_id: string | null;
  current_stage_id: string | null;
  candidate: { remote_id: string } | null;
}
interface Job {
  id: string;
  stages: { id: string; remote_id: string | null; name: string | null }[];
}

function scenario(c: ConnectorCase, env: () => { s: TestServer }) {
  const caps = getConnector(c.tool)!.definition.capabilities.applicationStatus;
  let fake: VendorFake;
  let kombo: Kombo;
  let apps: App[];
  let jobs: Job[];
  /** A pending application whose job lists a stage a move can target, and that stage. */
  let app: App;
  let target: Job['stages'][number];

  before(async () => {
    fake = await c.start();
    const integration = await connectIntegration(env().s.started.rt, {
      accountId: 'default',
      tool: c.tool,
      organizationName: `Acme on ${c.tool}`,
      credentials: fake.credentials,
      baseUrl: fake.url,
      waitForSync: true,
    });
    kombo = env().s.sdk(integration.id);
    apps = (await allPages(await kombo.ats.getApplications({ page_size: 250, outcomes: ['PENDING'] }))).items as App[];
    jobs = (await allPages(await kombo.ats.getJobs({ page_size: 250 }))).items as Job[];
    for (const a of apps) {
      const job = jobs.find((j) => j.id === a.job_id);
      const st = job?.stages.find((x) => x.id !== a.current_stage_id && ORDINARY(x.name));
      if (a.candidate?.remote_id && st && fake.applicationStatus(a.remote_id)?.rejected === false) {
        app = a;
        target = st;
        break;
      }
    }
    if (!app && !caps.stageMove) {
      // Nothing will move: any application and any stage id show the refusal.
      app = apps.find((a) => a.candidate?.remote_id)!;
      target = jobs.flatMap((j) => j.stages)[0] ?? { id: 'AnyStage123', remote_id: null, name: null };
    }
    assert.ok(app, `${c.tool}: a pending application whose job has another ordinary stage`);
  });
  after(async () => {
    await fake?.stop();
  });

  test('rejection reasons are synced and listed in Kombo’s page envelope', async () => {
    const page = await kombo.ats.getRejectionReasons({ page_size: 250 });
    assert.equal(page.result.status, 'success');
    const reasons = page.result.data.results;
    if (!caps.rejectionReasons) {
      assert.deepEqual(reasons, [], `${c.tool} has no rejection reasons to list`);
      return;
    }
    assert.ok(reasons.length > 0, `${c.tool}: the ATS's reasons were synced`);
    for (const r of reasons) {
      assert.ok(r.id && r.remote_id, 'ids');
      assert.ok(r.name, 'a name');
    }
    assert.equal(new Set(reasons.map((r) => r.id)).size, reasons.length, 'ids are unique');
    const one = await kombo.ats.getRejectionReasons({ remote_ids: [reasons[0].remote_id] });
    assert.deepEqual(
      one.result.data.results.map((r) => r.id),
      [reasons[0].id],
      'the remote_ids filter',
    );
  });

  test('a move reaches the ATS and the synced application shows the new stage at once', async () => {
    if (!caps.stageMove) {
      await assert.rejects(kombo.ats.moveApplicationToStage({ application_id: app.id, body: { stage_id: target.id } }), notAvailable);
      return;
    }
    const res = await kombo.ats.moveApplicationToStage({ application_id: app.id, body: { stage_id: target.id } });
    assert.equal(res.status, 'success');
    assert.equal(fake.applicationStatus(app.remote_id)?.stage, target.remote_id, `${c.tool} holds the new stage`);
    const synced = await kombo.ats.getApplications({ ids: [app.id] });
    assert.equal(synced.result.data.results[0].current_stage_id, target.id, 'the synced application reflects the move');
  });

  test('a stage of another job is refused before the ATS is called; unknown ids are 404s', async () => {
    const own = new Set(jobs.find((j) => j.id === app.job_id)?.stages.map((s) => s.id) ?? []);
    const foreign = jobs.flatMap((j) => (j.id === app.job_id ? [] : j.stages)).find((s) => !own.has(s.id));
    const before = fake.applicationStatus(app.remote_id);
    if (caps.stageMove && foreign) {
      await assert.rejects(
        kombo.ats.moveApplicationToStage({ application_id: app.id, body: { stage_id: foreign.id } }),
        inputInvalid(400, 'not of job'),
      );
      assert.deepEqual(fake.applicationStatus(app.remote_id), before, 'nothing changed in the ATS');
    }
    await assert.rejects(
      kombo.ats.moveApplicationToStage({ application_id: 'NoSuchApplication123', body: { stage_id: target.id } }),
      inputInvalid(404, 'NoSuchApplication123'),
    );
    if (caps.stageMove)
      await assert.rejects(
        kombo.ats.moveApplicationToStage({ application_id: app.id, body: { stage_id: 'NoSuchStage123' } }),
        inputInvalid(404, 'NoSuchStage123'),
      );
    if (caps.reject)
      await assert.rejects(
        kombo.ats.rejectApplication({ application_id: app.id, body: { rejection_reason_id: 'NoSuchReason123' } }),
        inputInvalid(404, 'NoSuchReason123'),
      );
  });

  test('a rejection reaches the ATS with its reason and note; the synced application is DECLINED', async () => {
    const reasons = (await kombo.ats.getRejectionReasons({})).result.data.results;
    const note = `Rejected through atsgate on ${c.tool}: skills assessment below the bar (ref ${app.remote_id}).`;
    if (!caps.reject) {
      const any = reasons[0]?.id ?? 'NoReasonsHere';
      await assert.rejects(
        kombo.ats.rejectApplication({ application_id: app.id, body: { rejection_reason_id: any, note } }),
        caps.rejectionReasons ? notAvailable : (e: any) => notAvailable(e) || inputInvalid(404, any)(e),
      );
      assert.equal(fake.applicationStatus(app.remote_id)?.rejected, false, 'nothing reached the ATS');
      return;
    }
    const reason = reasons[0];
    const res = await kombo.ats.rejectApplication({ application_id: app.id, body: { rejection_reason_id: reason.id, note } });
    assert.equal(res.status, 'success');
    const held = fake.applicationStatus(app.remote_id)!;
    assert.equal(held.rejected, true, `${c.tool} holds the application as rejected`);
    assert.equal(held.reason, reason.remote_id, 'with the reason asked for');
    assert.ok(fake.resultTextFor(app.candidate!.remote_id).includes(note), 'the note reached the ATS');
    const synced = (await kombo.ats.getApplications({ ids: [app.id] })).result.data.results[0];
    assert.equal(synced.outcome, 'DECLINED');
    assert.equal(synced.rejection_reason_name, reason.name);
  });
}

function suiteOn(kind: DbKind, cases: ConnectorCase[]) {
  describe(`stage moves and rejections through the SDK on ${kind}`, { concurrency: 2 }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { env: { ATSGATE_SEED_DEMO: 'false' } });
      s.started.rt.limiter = new TimeScaledLimiter(
        s.started.rt.limiter,
        Object.fromEntries(CONNECTOR_CASES.map((c) => [c.tool, c.timeScale])),
      );
    });
    after(async () => {
      await s?.close();
    });

    if (kind === databaseKinds()[0]) {
      test('GET /v1/tools/ats reports the two actions and the reasons per ATS', async () => {
        const res = await s.sdk().general.getTools({ category: 'ats' });
        const raw = await s.call('GET', '/v1/tools/ats');
        for (const t of res.data.tools) {
          const caps = getConnector(t.id)!.definition.capabilities.applicationStatus;
          const writes = Object.fromEntries(t.coverage.write_actions.map((w) => [w.id, w.coverage_status]));
          const reads = Object.fromEntries(t.coverage.read_models.map((m) => [m.id, m.coverage_status]));
          assert.equal(writes.ats_move_application_to_stage, caps.stageMove ? 'SUPPORTED' : 'UNSUPPORTED', t.id);
          assert.equal(writes.ats_reject_application, caps.reject ? 'SUPPORTED' : 'UNSUPPORTED', t.id);
          assert.equal(reads.ats_rejection_reasons, caps.rejectionReasons ? 'SUPPORTED' : 'UNSUPPORTED', t.id);
          const ext = raw.body.data.tools.find((x: any) => x.id === t.id).atsgate.application_status;
          assert.equal(ext.stage_move, caps.stageMove, t.id);
          assert.equal(ext.summary, caps.summary, t.id);
        }
      });
    }

    if (kind === databaseKinds()[0]) {
      test('a credential that may not list rejection reasons still syncs everything else', async () => {
        const fake = await startGreenhouseFake({ pageSize: 50, scopes: ALL_SCOPES.filter((x) => x !== 'harvest:rejection_reasons:list') });
        try {
          const integration = await connectIntegration(s.started.rt, {
            accountId: 'default',
            tool: 'greenhouse',
            organizationName: 'Acme without reason scope',
            credentials: fake.credentials,
            baseUrl: fake.url,
            waitForSync: true,
          });
          assert.equal(integration.setup_status, 'COMPLETED');
          const kombo = s.sdk(integration.id);
          assert.ok((await kombo.ats.getApplications({ page_size: 1 })).result.data.results.length > 0, 'applications synced');
          assert.deepEqual((await kombo.ats.getRejectionReasons({})).result.data.results, []);
        } finally {
          await fake.stop();
        }
      });
    }

    for (const c of cases) {
      describe(c.tool, { concurrency: 1 }, () => scenario(c, () => ({ s })));
    }
  });
}

const kinds = databaseKinds();
for (const kind of kinds) {
  suiteOn(kind, kind === 'postgres' && kinds.includes('pglite') ? CONNECTOR_CASES.filter((c) => c.tool === 'greenhouse') : CONNECTOR_CASES);
}
