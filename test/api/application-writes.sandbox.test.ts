/**
 * Application notes and application attachments on the built-in sandbox ATS, through the
 * official SDK, on both databases: the note and the file land on the application itself (the
 * sandbox's own tables are its "remote" data), the listing shows that application's files only,
 * the candidate listing names the application a file belongs to, and every write is logged
 * under its Kombo action with the error's log_url pointing at it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kombo } from '@kombo-api/sdk';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startFileServer } from '../support/connector-suite.ts';

const DEMO = 'sandbox:demo';

for (const kind of databaseKinds()) {
  describe(`application notes and attachments on the sandbox (${kind})`, () => {
    let s: TestServer;
    let kombo: Kombo;
    let files: Awaited<ReturnType<typeof startFileServer>>;
    let candidate: any;
    let app: any;
    let sibling: any;

    before(async () => {
      s = await startTestServer(kind);
      files = await startFileServer();
      kombo = s.sdk(DEMO);
      const all = (await kombo.ats.getCandidates({ page_size: 250 })).result.data.results;
      candidate = all.find((c) => c.applications.length >= 2) ?? all.find((c) => c.applications.length >= 1);
      assert.ok(candidate, 'a candidate with an application');
      app = candidate.applications[0];
      sibling = candidate.applications[1] ?? null;
    });
    after(async () => {
      await files?.close();
      await s?.close();
    });

    const sandboxRows = async (kindName: string) =>
      (
        await s.started.db.query<{ remote_id: string; parent_id: string; data: any; content: Uint8Array | null }>(
          'SELECT remote_id, parent_id, data, content FROM sandbox_objects WHERE integration_id = $1 AND kind = $2',
          [DEMO, kindName],
        )
      ).rows;

    test('a note is stored on the application, natively (no warning), and logged as ats_add_note_to_application', async () => {
      const content = `Interview booked via Acme Scheduler: ${new Date().toISOString()}`;
      const res = await kombo.ats.addApplicationNote({
        application_id: app.id,
        body: { content, content_type: 'PLAIN_TEXT', remote_fields: { greenhouse: { post_headers: { on_behalf_of: '42' } } } },
      });
      assert.equal(res.status, 'success');
      assert.deepEqual(res.warnings, []);
      const notes = (await sandboxRows('note')).filter((n) => n.data.content === content);
      assert.equal(notes.length, 1);
      assert.equal(notes[0].parent_id, app.remote_id, 'on the application');
      assert.equal(notes[0].data.content_type, 'PLAIN_TEXT');

      const logs = await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}&limit=50`);
      // (The redactor treats any `content` key as file contents, so the log shows the note's length only.)
      const entry = logs.body.data.results.find(
        (l: any) => l.action === 'ats_add_note_to_application' && l.request?.content === `[redacted: ${content.length} characters]`,
      );
      assert.ok(entry, `the write is in the interaction log: ${JSON.stringify(logs.body.data.results[0])}`);
      assert.equal(entry.path, `/v1/ats/applications/${app.id}/notes`);
      assert.equal(entry.outcome, 'SUCCESS');
    });

    test('a note with a bad body is a 400 naming the field; an unknown application a 404 whose log_url shows the attempt', async () => {
      const bad = await s.call('POST', `/v1/ats/applications/${app.id}/notes`, {
        integrationId: DEMO,
        body: { content: 'x', content_type: 'HTML' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'PLATFORM.INPUT_INVALID');
      assert.match(bad.body.error.message, /content_type/);
      await assert.rejects(
        kombo.ats.addApplicationNote({ application_id: 'NoSuchApplication42', body: { content: 'x', content_type: 'PLAIN_TEXT' } }),
        (e: any) => {
          assert.ok(e instanceof KomboAtsError);
          assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
          assert.match(e.error.message, /NoSuchApplication42/);
          assert.ok(e.error.log_url, 'the error links to its log');
          return true;
        },
      );
    });

    test('files by data and by data_url land on the application and are listed there only, byte for byte', async () => {
      const report = Buffer.from('%PDF-1.4 sandbox application report \u0000\u0001 %%EOF', 'latin1');
      const transcript = Buffer.from(`%PDF-1.4 transcript ${'z'.repeat(500)} %%EOF`);
      const r1 = await kombo.ats.addApplicationAttachment({
        application_id: app.id,
        body: { attachment: { name: 'app-report.pdf', type: 'OTHER', content_type: 'application/pdf', data: report.toString('base64') } },
      });
      assert.deepEqual(r1.warnings, []);
      const r2 = await kombo.ats.addApplicationAttachment({
        application_id: app.id,
        body: { attachment: { name: 'app-transcript.pdf', type: 'CV', data_url: files.put('/t.pdf', 'application/pdf', transcript) } },
      });
      assert.deepEqual(r2.warnings, []);
      const stored = (await sandboxRows('attachment')).filter((f) => f.data.application_remote_id === app.remote_id);
      for (const bytes of [report, transcript])
        assert.ok(
          stored.some((f) => f.content && Buffer.from(f.content).equals(bytes)),
          'stored on the application, byte for byte',
        );

      const listed = await kombo.ats.getApplicationAttachments({ application_id: app.id });
      assert.deepEqual(listed.warnings, []);
      const names = listed.data.results.map((a) => a.file_name).sort();
      assert.deepEqual(names, ['app-report.pdf', 'app-transcript.pdf']);
      for (const [name, bytes, type] of [
        ['app-report.pdf', report, 'OTHER'],
        ['app-transcript.pdf', transcript, 'CV'],
      ] as const) {
        const a = listed.data.results.find((x) => x.file_name === name)!;
        assert.equal(a.type, type);
        const dl = await fetch(a.data_url);
        assert.equal(dl.status, 200);
        assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes);
      }
      if (sibling) {
        const other = await kombo.ats.getApplicationAttachments({ application_id: sibling.id });
        assert.ok(!other.data.results.some((a) => a.file_name.startsWith('app-')), "the candidate's other application does not list them");
      }
      // The candidate's listing shows them too, naming the application.
      const ofCandidate = (await kombo.ats.getCandidateAttachments({ candidate_id: candidate.id })).data.results;
      const mine = ofCandidate.filter((a) => a.file_name.startsWith('app-'));
      assert.equal(mine.length, 2);
      for (const a of mine) assert.equal(a.application_id, app.id);
    });

    test('attachment bodies are checked as for candidates: exactly one of data and data_url', async () => {
      const both = await s.call('POST', `/v1/ats/applications/${app.id}/attachments`, {
        integrationId: DEMO,
        body: {
          attachment: {
            name: 'x.pdf',
            type: 'OTHER',
            content_type: 'application/pdf',
            data: 'QUJD',
            data_url: 'https://files.example.com/x.pdf',
          },
        },
      });
      assert.equal(both.status, 400);
      assert.match(both.body.error.message, /exactly one of "attachment.data"/);
      const bad64 = await s.call('POST', `/v1/ats/applications/${app.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'x.pdf', type: 'OTHER', content_type: 'application/pdf', data: 'QU=JD' } },
      });
      assert.equal(bad64.status, 400);
      assert.match(bad64.body.error.message, /base64/);
    });
  });
}
