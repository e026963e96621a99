/**
 * Files published for a vendor to fetch (ctx.publishFile): stored sealed in the database, so
 * that any atsgate process can serve them, and gone when they expire.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { contextFor } from '../../src/runtime.ts';
import { getIntegrationById } from '../../src/store/integrations.ts';

const DEMO = 'sandbox:demo';

async function publish(s: TestServer, text: string, ttlMs: number): Promise<string> {
  const integration = (await getIntegrationById(s.started.db, DEMO))!;
  return contextFor(s.started.rt, integration).ctx.publishFile(
    { data: Buffer.from(text), content_type: 'text/plain', file_name: 'note.txt' },
    ttlMs,
  );
}

for (const kind of databaseKinds()) {
  describe(`published files on ${kind}`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers.reverse()) await s.close({ keepData: s !== servers[servers.length - 1] });
    });

    test('served byte for byte from a signed URL, sealed at rest, refused once expired', async () => {
      const s = await startTestServer(kind);
      servers.push(s);
      const url = await publish(s, 'PUBLISHED-FILE-CONTENTS', 60_000);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain');
      assert.equal(await res.text(), 'PUBLISHED-FILE-CONTENTS');
      const stored = await s.started.db.query<{ content: Uint8Array }>('SELECT content FROM published_files');
      assert.ok(
        stored.rows.length >= 1 && stored.rows.every((r) => !Buffer.from(r.content).includes(Buffer.from('PUBLISHED-FILE-CONTENTS'))),
      );

      const short = await publish(s, 'soon gone', 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal((await fetch(short)).status, 401, 'the signed URL itself has expired');
    });

    if (kind === 'postgres') {
      test('a file published by one process is served by another on the same database', async () => {
        const a = servers[0];
        const b = await startTestServer(kind, { reuse: a });
        servers.push(b);
        const url = new URL(await publish(a, 'FROM-PROCESS-A', 60_000));
        const viaB = await fetch(`${b.url}${url.pathname}`);
        assert.equal(viaB.status, 200);
        assert.equal(await viaB.text(), 'FROM-PROCESS-A');
      });
    }
  });
}
