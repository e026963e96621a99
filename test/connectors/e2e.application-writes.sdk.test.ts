/**
 * Application notes and application attachments on every vendor connector, end to end: the
 * connector's fake ATS, a real atsgate server, and the official @kombo-api/sdk
 * (`ats.addApplicationNote`, `ats.addApplicationAttachment`, `ats.getApplicationAttachments`).
 * What the fake received is checked at the fake; where the ATS keeps notes or files on the
 * person (capabilities.applicationWrites says 'candidate'), the answer must carry a warning;
 * where the ATS cannot take them at all ('unsupported'), the answer is Kombo's
 * INTEGRATION.ACTION_NOT_AVAILABLE and nothing reaches the ATS.
 * Every connector on PGlite, Greenhouse on PostgreSQL too (as the vendor suite, test/support/e2e-sdk.ts).
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kombo } from '@kombo-api/sdk';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { startTestServer, type TestServer } from '../support/server.ts';
import { CONNECTOR_CASES, TimeScaledLimiter, allPages, startFileServer, type ConnectorCase } from '../support/connector-suite.ts';
import type { VendorFake } from '../fakes/types.ts';
import { databaseKinds, type DbKind } from '../support/databases.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { getConnector } from '../../src/connectors/registry.ts';

type FileServer = Awaited<ReturnType<typeof startFileServer>>;

/** The SDK's error for a write the ATS cannot take. */
function notAvailable(e: any): boolean {
  assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.error.code, 'INTEGRATION.ACTION_NOT_AVAILABLE');
  assert.ok(e.error.message.length > 20, 'says what the ATS lacks');
  return true;
}

function applicationScenario(c: ConnectorCase, env: () => { s: TestServer; files: FileServer }) {
  const caps = getConnector(c.tool)!.definition.capabilities;
  let fake: VendorFake;
  let kombo: Kombo;
  let app: { id: string; remote_id: string; candidate: { remote_id: string } };

  before(async () => {
    fake = await c.start();
    const { s } = env();
    const integration = await connectIntegration(s.started.rt, {
      accountId: 'default',
      tool: c.tool,
      organizationName: `Acme on ${c.tool}`,
      credentials: fake.credentials,
      baseUrl: fake.url,
      waitForSync: true,
    });
    kombo = s.sdk(integration.id);
    const apps = (await allPages(await kombo.ats.getApplications({ page_size: 250 }))).items;
    const found = apps.find((a) => a.candidate?.remote_id);
    assert.ok(found, 'an application with a candidate');
    app = found as typeof app;
  });
  after(async () => {
    await fake?.stop();
  });

  test('a note reaches the ATS, with a warning when it lands on the candidate', async () => {
    const content = `Interview scheduled in Acme Scheduler for ${c.tool}: 2026-12-10 10:00 UTC (ref ${app.remote_id})`;
    if (caps.applicationWrites.notes === 'unsupported') {
      await assert.rejects(
        kombo.ats.addApplicationNote({ application_id: app.id, body: { content, content_type: 'PLAIN_TEXT' } }),
        notAvailable,
      );
      assert.ok(!fake.resultTextFor(app.candidate.remote_id).includes(content));
      return;
    }
    const res = await kombo.ats.addApplicationNote({ application_id: app.id, body: { content, content_type: 'PLAIN_TEXT' } });
    assert.equal(res.status, 'success');
    const held = fake.resultTextFor(app.candidate.remote_id);
    assert.ok(held.includes(content), `the note is in what ${c.tool} holds:\n${held}`);
    if (caps.applicationWrites.notes === 'candidate') {
      assert.ok(
        res.warnings.some((w) => w.message.includes(app.remote_id) && /candidate/.test(w.message)),
        `a warning names the application: ${JSON.stringify(res.warnings)}`,
      );
    } else {
      assert.ok(!res.warnings.some((w) => /keeps notes on the candidate/.test(w.message)), JSON.stringify(res.warnings));
    }
  });

  test('an unknown application is a 404 in the envelope, for the note and both attachment calls', async () => {
    const missing = 'NoSuchApplication123';
    for (const call of [
      () => kombo.ats.addApplicationNote({ application_id: missing, body: { content: 'x', content_type: 'PLAIN_TEXT' } }),
      () =>
        kombo.ats.addApplicationAttachment({
          application_id: missing,
          body: { attachment: { name: 'a.txt', type: 'OTHER', content_type: 'text/plain', data: 'aGk=' } },
        }),
      () => kombo.ats.getApplicationAttachments({ application_id: missing }),
    ]) {
      await assert.rejects(call(), (e: any) => {
        assert.ok(e instanceof KomboAtsError, `expected KomboAtsError, got ${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
        assert.equal(e.statusCode, 404);
        assert.ok(e.error.message.includes(missing), e.error.message);
        return true;
      });
    }
  });

  test('files by data and by data_url arrive byte for byte and are listed on the application with working URLs', async () => {
    const { files } = env();
    const report = Buffer.concat([
      Buffer.from(`%PDF-1.4 application report for ${c.tool} `),
      Buffer.from([0, 1, 2, 254, 255]),
      Buffer.from('%%EOF'),
    ]);
    const transcript = Buffer.from(`%PDF-1.4 interview transcript from ${c.tool} ${'y'.repeat(800)} %%EOF`);
    const reportName = `app-report-${c.tool}.pdf`;
    const transcriptName = `app-transcript-${c.tool}.pdf`;
    if (caps.applicationWrites.attachments === 'unsupported') {
      await assert.rejects(
        kombo.ats.addApplicationAttachment({
          application_id: app.id,
          body: { attachment: { name: reportName, type: 'OTHER', content_type: 'application/pdf', data: report.toString('base64') } },
        }),
        notAvailable,
      );
      assert.ok(!fake.filesFor(app.candidate.remote_id).some((f) => f.data.equals(report)), 'nothing reached the ATS');
      if (!caps.reads.candidateAttachments)
        await assert.rejects(kombo.ats.getApplicationAttachments({ application_id: app.id }), notAvailable);
      else assert.equal((await kombo.ats.getApplicationAttachments({ application_id: app.id })).status, 'success');
      return;
    }
    const r1 = await kombo.ats.addApplicationAttachment({
      application_id: app.id,
      body: { attachment: { name: reportName, type: 'OTHER', content_type: 'application/pdf', data: report.toString('base64') } },
    });
    assert.equal(r1.status, 'success');
    const r2 = await kombo.ats.addApplicationAttachment({
      application_id: app.id,
      body: {
        attachment: {
          name: transcriptName,
          type: 'OTHER',
          data_url: files.put(`/${c.tool}/app-transcript.pdf`, 'application/pdf', transcript),
        },
      },
    });
    assert.equal(r2.status, 'success');
    for (const r of [r1, r2]) {
      const onCandidate = r.warnings.some((w) => /keeps files on the candidate/.test(w.message) && w.message.includes(app.remote_id));
      assert.equal(
        onCandidate,
        caps.applicationWrites.attachments === 'candidate',
        `fallback warning iff files live on the candidate: ${JSON.stringify(r.warnings)}`,
      );
    }

    const stored = fake.filesFor(app.candidate.remote_id);
    for (const [bytes, name] of [
      [report, reportName],
      [transcript, transcriptName],
    ] as const) {
      const f = stored.find((x) => x.data.equals(bytes));
      assert.ok(f, `${name} reached ${c.tool} byte for byte (has: ${stored.map((x) => x.name).join(', ')})`);
      assert.ok(f.name.includes(name), `file name ${f.name}`);
    }

    const listed = await kombo.ats.getApplicationAttachments({ application_id: app.id });
    assert.equal(listed.status, 'success');
    assert.equal(
      listed.warnings.some((w) => /keeps files on the candidate/.test(w.message)),
      caps.applicationWrites.attachments === 'candidate',
      JSON.stringify(listed.warnings),
    );
    for (const [bytes, name] of [
      [report, reportName],
      [transcript, transcriptName],
    ] as const) {
      const a = listed.data.results.find((x) => x.file_name.includes(name));
      assert.ok(a, `${name} is listed on the application (listed: ${listed.data.results.map((x) => x.file_name).join(', ')})`);
      assert.ok(a.id && a.remote_id, 'ids');
      const dl = await fetch(a.data_url);
      assert.equal(dl.status, 200, `${a.data_url} downloads`);
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes, `${name} downloads byte for byte`);
    }
  });
}

function suiteOn(kind: DbKind, cases: ConnectorCase[]) {
  describe(`application notes and attachments through the SDK on ${kind}`, { concurrency: 2 }, () => {
    let s: TestServer;
    let files: FileServer;
    before(async () => {
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

    if (kind === databaseKinds()[0]) {
      test('GET /v1/tools/ats reports the three actions and where each ATS puts them', async () => {
        const res = await s.sdk().general.getTools({ category: 'ats' });
        for (const t of res.data.tools) {
          const writes = Object.fromEntries(t.coverage.write_actions.map((w) => [w.id, w.coverage_status]));
          const caps = getConnector(t.id)!.definition.capabilities;
          const expected = {
            ats_add_note_to_application: caps.applicationWrites.notes !== 'unsupported',
            ats_add_application_attachment: caps.applicationWrites.attachments !== 'unsupported',
            ats_get_application_attachments: caps.reads.candidateAttachments,
          };
          for (const [id, supported] of Object.entries(expected))
            assert.equal(writes[id], supported ? 'SUPPORTED' : 'UNSUPPORTED', `${t.id}: ${id}`);
        }
        const byId = Object.fromEntries(res.data.tools.map((t) => [t.id, t]));
        assert.equal(
          byId.greenhouse.coverage.write_actions.find((w) => w.id === 'ats_add_note_to_application')?.coverage_status,
          'SUPPORTED',
        );
        assert.equal(
          byId.personio.coverage.write_actions.find((w) => w.id === 'ats_add_note_to_application')?.coverage_status,
          'UNSUPPORTED',
        );
        // The atsgate extension (the SDK keeps only Kombo's fields): where each ATS puts them.
        const raw = await s.call('GET', '/v1/tools/ats');
        for (const t of raw.body.data.tools) {
          assert.deepEqual(t.atsgate.application_writes, getConnector(t.id)!.definition.capabilities.applicationWrites, t.id);
        }
      });
    }

    for (const c of cases) {
      describe(c.tool, { concurrency: 1 }, () => applicationScenario(c, () => ({ s, files })));
    }
  });
}

const kinds = databaseKinds();
for (const kind of kinds) {
  suiteOn(kind, kind === 'postgres' && kinds.includes('pglite') ? CONNECTOR_CASES.filter((c) => c.tool === 'greenhouse') : CONNECTOR_CASES);
}
