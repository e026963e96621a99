/**
 * Candidate tags on the sandbox and on every vendor connector, end to end: the connector's fake
 * ATS, a real atsgate server, and the official @kombo-api/sdk (`ats.addCandidateTag`,
 * `ats.removeCandidateTag`, `ats.getTags`). What the fake holds is checked at the fake: a tag is
 * added once whatever its case, listed by GET /ats/tags, removed, and removing it again succeeds
 * with a warning (Kombo: "This will also succeed if the tag does not exist on the candidate").
 * Where the ATS has no tags atsgate writes (capabilities.tags.candidate 'unsupported'), both
 * writes are Kombo's INTEGRATION.ACTION_NOT_AVAILABLE and nothing reaches the ATS.
 * Every connector on PGlite; the sandbox and Greenhouse on PostgreSQL too.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kombo } from '@kombo-api/sdk';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { startTestServer, type TestServer } from '../support/server.ts';
import { CONNECTOR_CASES, TimeScaledLimiter, allPages } from '../support/connector-suite.ts';
import type { VendorFake } from '../fakes/types.ts';
import { databaseKinds, type DbKind } from '../support/databases.ts';
import { checkKomboModel } from '../support/kombo-models.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { refreshCandidate, startSync } from '../../src/sync/run.ts';
import { contextFor } from '../../src/runtime.ts';
import { getIntegrationById } from '../../src/store/integrations.ts';

function notAvailable(e: any): boolean {
  assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.error.code, 'INTEGRATION.ACTION_NOT_AVAILABLE');
  assert.ok(e.error.message.length > 20, 'says what the ATS lacks');
  return true;
}

const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());

/** One tool's scenario. `fake` is null for the sandbox, whose "ATS" is atsgate's own table. */
function tagScenario(tool: string, env: () => TestServer, start: (() => Promise<VendorFake>) | null) {
  const caps = getConnector(tool)!.definition.capabilities.tags;
  let fake: VendorFake | null = null;
  let kombo: Kombo;
  let integrationId: string;
  let candidate: { id: string; remote_id: string };
  const name = `Acme Assessed ${tool}`;

  /** The candidate's tags as the ATS holds them. */
  const held = async (): Promise<string[]> => {
    if (fake) return fake.tagsFor(candidate.remote_id);
    const { rows } = await env().started.db.query<{ data: any }>(
      "SELECT data FROM sandbox_objects WHERE integration_id = $1 AND kind = 'candidate' AND remote_id = $2",
      [integrationId, candidate.remote_id],
    );
    return rows[0].data.tags ?? [];
  };
  const sync = async () => (await startSync(env().started.rt, integrationId, 'FULL')).done;
  /** The one-candidate re-read a write triggers (the detail call: Workable's list carries no tags). */
  const reread = async () => {
    const rt = env().started.rt;
    const { connector, ctx } = contextFor(rt, (await getIntegrationById(rt.db, integrationId))!);
    await refreshCandidate(rt, connector, ctx, integrationId, candidate.remote_id);
  };

  before(async () => {
    const s = env();
    if (start) {
      fake = await start();
      const integration = await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool,
        organizationName: `Acme on ${tool}`,
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      integrationId = integration.id;
    } else {
      integrationId = 'sandbox:demo';
    }
    kombo = s.sdk(integrationId);
    const all = (await allPages(await kombo.ats.getCandidates({ page_size: 250 }))).items;
    assert.ok(all.length, 'candidates were synced');
    candidate = all[all.length - 1] as typeof candidate;
  });
  after(async () => {
    await fake?.stop();
  });

  test("GET /ats/tags answers in Kombo's envelope and models, from where the ATS keeps tags", async () => {
    const res = await env().call('GET', '/v1/ats/tags?page_size=250', { integrationId });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(checkKomboModel(res.body, 'GetAtsTagsPositiveResponse'), []);
    const viaSdk = await kombo.ats.getTags({ page_size: 250 });
    const names = (await allPages(viaSdk)).items.map((t) => t.name);
    if (caps.list === 'none') assert.deepEqual(names, []);
    // Every tag a synced candidate carries is in the list, with the same id.
    const candidates = (await allPages(await kombo.ats.getCandidates({ page_size: 250 }))).items;
    const listed = new Map((await allPages(await kombo.ats.getTags({ page_size: 250 }))).items.map((t) => [t.id, t.name]));
    if (caps.list !== 'none')
      for (const c of candidates)
        for (const t of c.tags) assert.equal(listed.get(t.id), t.name, `${tool}: candidate tag ${t.name} is listed`);
  });

  test('a tag is added once whatever its case, listed, removed, and removing it again succeeds with a warning', async () => {
    const before = await held();
    if (caps.candidate === 'unsupported') {
      await assert.rejects(kombo.ats.addCandidateTag({ candidate_id: candidate.id, body: { tag: { name } } }), notAvailable);
      await assert.rejects(kombo.ats.removeCandidateTag({ candidate_id: candidate.id, body: { tag: { name } } }), notAvailable);
      assert.deepEqual(await held(), before, 'nothing reached the ATS');
      return;
    }
    const added = await kombo.ats.addCandidateTag({ candidate_id: candidate.id, body: { tag: { name } } });
    assert.equal(added.status, 'success');
    assert.ok(lower(await held()).includes(name.toLowerCase()), `${tool} holds the tag: ${JSON.stringify(await held())}`);
    const again = await kombo.ats.addCandidateTag({ candidate_id: candidate.id, body: { tag: { name: name.toUpperCase() } } });
    assert.equal(again.status, 'success');
    assert.equal(lower(await held()).filter((t) => t === name.toLowerCase()).length, 1, `no duplicate: ${JSON.stringify(await held())}`);
    for (const t of before) assert.ok((await held()).includes(t), `the candidate's other tags stay (${t})`);

    // Listed at once (the write stores the tag), and after a sync on the candidate and in the list.
    const listedNow = (await allPages(await kombo.ats.getTags({ page_size: 250 }))).items;
    assert.ok(lower(listedNow.map((t) => t.name ?? '')).includes(name.toLowerCase()), 'listed right after the write');
    await sync();
    await reread();
    const synced = (await kombo.ats.getCandidates({ ids: [candidate.id] })).result.data.results[0];
    const onCandidate = synced.tags.find((t) => t.name?.toLowerCase() === name.toLowerCase());
    assert.ok(onCandidate, `the synced candidate carries it: ${JSON.stringify(synced.tags)}`);
    const listed = (await allPages(await kombo.ats.getTags({ page_size: 250 }))).items;
    assert.ok(
      listed.some((t) => t.id === onCandidate.id),
      'the list and the candidate agree on its id',
    );

    const removed = await kombo.ats.removeCandidateTag({ candidate_id: candidate.id, body: { tag: { name: name.toLowerCase() } } });
    assert.equal(removed.status, 'success');
    assert.ok(!lower(await held()).includes(name.toLowerCase()), `${tool} no longer holds it: ${JSON.stringify(await held())}`);
    const twice = await kombo.ats.removeCandidateTag({ candidate_id: candidate.id, body: { tag: { name } } });
    assert.equal(twice.status, 'success');
    assert.ok(
      twice.warnings.some((w) => w.message.includes(name) && /nothing was removed/.test(w.message)),
      JSON.stringify(twice.warnings),
    );
  });

  test('an unknown candidate is a 404 in the envelope for both writes', async () => {
    for (const call of [
      () => kombo.ats.addCandidateTag({ candidate_id: 'NoSuchCandidate123', body: { tag: { name } } }),
      () => kombo.ats.removeCandidateTag({ candidate_id: 'NoSuchCandidate123', body: { tag: { name } } }),
    ]) {
      await assert.rejects(call(), (e: any) => {
        assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
        assert.equal(e.statusCode, 404);
        assert.match(e.error.message, /NoSuchCandidate123/);
        return true;
      });
    }
  });
}

function suiteOn(kind: DbKind, tools: string[]) {
  describe(`candidate tags through the SDK on ${kind}`, { concurrency: 2 }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { env: { ATSGATE_SEED_DEMO: tools.includes('sandbox') ? 'true' : 'false' } });
      s.started.rt.limiter = new TimeScaledLimiter(
        s.started.rt.limiter,
        Object.fromEntries(CONNECTOR_CASES.map((c) => [c.tool, c.timeScale])),
      );
    });
    after(async () => {
      await s?.close();
    });

    if (kind === databaseKinds()[0]) {
      test('GET /v1/tools/ats reports the tag actions and the tags model per ATS', async () => {
        const res = await s.sdk().general.getTools({ category: 'ats' });
        for (const t of res.data.tools) {
          const caps = getConnector(t.id)!.definition.capabilities.tags;
          const writes = Object.fromEntries(t.coverage.write_actions.map((w) => [w.id, w.coverage_status]));
          for (const id of ['ats_add_candidate_tag', 'ats_remove_candidate_tag'])
            assert.equal(writes[id], caps.candidate === 'unsupported' ? 'UNSUPPORTED' : 'SUPPORTED', `${t.id}: ${id}`);
          const reads = Object.fromEntries(t.coverage.read_models.map((m) => [m.id, m.coverage_status]));
          assert.equal(reads.ats_tags, caps.list === 'none' ? 'UNSUPPORTED' : 'SUPPORTED', `${t.id}: ats_tags`);
        }
        const raw = await s.call('GET', '/v1/tools/ats');
        for (const t of raw.body.data.tools) assert.deepEqual(t.atsgate.tags, getConnector(t.id)!.definition.capabilities.tags, t.id);
      });
    }

    for (const tool of tools) {
      const c = CONNECTOR_CASES.find((x) => x.tool === tool);
      describe(tool, { concurrency: 1 }, () => tagScenario(tool, () => s, c ? c.start : null));
    }
  });
}

const kinds = databaseKinds();
const everyTool = ['sandbox', ...CONNECTOR_CASES.map((c) => c.tool)];
for (const kind of kinds) {
  suiteOn(kind, kind === 'postgres' && kinds.includes('pglite') ? ['sandbox', 'greenhouse'] : everyTool);
}
