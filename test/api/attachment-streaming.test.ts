/**
 * Attachments are streamed, not held whole in memory (issue #5):
 * - the attachments route parses its JSON body incrementally (src/uploads/json-spool.ts), decoding
 *   `attachment.data` into a temporary file in slices: same answers as the whole-body parser
 *   and decodeBase64 for any body (property test over bodies split into random chunks), and
 *   the event loop runs between slices;
 * - a `data_url` download goes to a temporary file in bounded memory;
 * - temporary files are removed when the request ends: success, invalid input, client gone.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { parseJsonSpoolingData, INVALID_JSON, INVALID_UTF8 } from '../../src/uploads/json-spool.ts';
import { RequestFiles, TempFile } from '../../src/uploads/temp-files.ts';
import { downloadDataUrl } from '../../src/http/download.ts';
import { decodeBase64 } from '../../src/writes/service.ts';
import { AtsgateError } from '../../src/errors.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DEMO = 'sandbox:demo';
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Waits until every temporary file of this process is gone (removal runs after the response). */
async function noTempFilesLeft(): Promise<void> {
  for (let i = 0; i < 100 && TempFile.live.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual([...TempFile.live], [], 'temporary files left behind');
}

// ---------------------------------------------------------------------------------------------
// The parser against the whole-body parser + decodeBase64, on generated bodies
// ---------------------------------------------------------------------------------------------

/** What src/api/app.ts's parser answers for a body, then what decodeBase64 makes of its data. */
function reference(bytes: Buffer): { error: string } | { body: any } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: INVALID_UTF8 };
  }
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { error: INVALID_JSON };
  }
}

async function spooled(chunks: Buffer[], keepBytes = 1 << 30) {
  const files = new RequestFiles();
  try {
    const body = await parseJsonSpoolingData(Readable.from(chunks), { bodyLimit: 1 << 30, keepBytes, files });
    const s = files.spooledData;
    const data = s?.file ? readFileSync(s.file.path) : null;
    return { body: body as any, spooled: s, data };
  } catch (err) {
    if (err instanceof AtsgateError) return { error: err.message };
    throw err;
  } finally {
    await files.dispose();
  }
}

// JSON text built by hand: random whitespace between tokens, random escaping inside strings,
// duplicate keys, so that the scanner sees what real clients (and hostile ones) send.
type J = { s: string } | { raw: string } | { obj: [string, J][] } | { arr: J[] };

function serialize(v: J, rnd: () => number): string {
  const ws = () => [' ', '', '', '\n', '\t', '\r\n  '][Math.floor(rnd() * 6)];
  if ('raw' in v) return v.raw;
  if ('s' in v) return jsonString(v.s, rnd);
  if ('arr' in v) return `[${ws()}${v.arr.map((x) => serialize(x, rnd)).join(`${ws()},${ws()}`)}${ws()}]`;
  return `{${ws()}${v.obj.map(([k, x]) => `${jsonString(k, rnd)}${ws()}:${ws()}${serialize(x, rnd)}`).join(`${ws()},${ws()}`)}${ws()}}`;
}

function jsonString(s: string, rnd: () => number): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lone =
      (c >= 0xd800 && c <= 0xdbff && !(s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff)) ||
      (c >= 0xdc00 && c <= 0xdfff && !(s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff));
    const short: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };
    const r = rnd();
    if (c < 0x20 || c === 0x22 || c === 0x5c || lone || r < 0.03) {
      if (short[c] && r < 0.7) out += short[c];
      else if (c === 0x2f && r < 0.5) out += '\\/';
      else {
        const hex = c.toString(16).padStart(4, '0');
        out += `\\u${r < 0.5 ? hex : hex.toUpperCase()}`;
      }
    } else out += s[i];
  }
  return out + '"';
}

const base64Data = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('base64')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64url')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'A',
      'QQ',
      'QQ=',
      'QQ==',
      'QQ===',
      'QUJD',
      'QUJD=',
      'QU=JD',
      'QUJDRA=A',
      '====',
      'QUJ+',
      'QUJ-',
      'Q+J-',
      'AAAA\u0000',
      '\ud800QUJD',
      'QUJD\udc00',
      'QUJD\ud83d\ude00',
    ),
  },
);
const insertions = fc.array(
  fc.tuple(
    fc.nat(),
    fc.constantFrom(
      ' ',
      '\n',
      '\t',
      '\r',
      '\u000b',
      '\u000c',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\ufeff',
      '=',
      '-',
      '_',
      '+',
      '/',
      '!',
      '"',
      '\\',
      '\u0000',
      '\ud800',
      '\udc00',
      '\ud83d\ude00',
      'é',
      'A',
    ),
  ),
  { maxLength: 4 },
);
const dataString = fc
  .tuple(base64Data, insertions)
  .map(([d, ins]) => ins.reduce((s, [at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1)), d));

const attachmentEntries = fc
  .tuple(dataString, fc.option(dataString, { nil: undefined }), fc.boolean(), fc.boolean())
  .map(([data, dup, escapeKey, extra]) => {
    const entries: [string, J][] = [
      ['name', { s: 'cv.pdf' }],
      ['type', { s: 'CV' }],
      [escapeKey ? 'dat\u0061' : 'data', { s: data }],
      ['content_type', { s: 'application/pdf' }],
    ];
    if (dup !== undefined) entries.push(['data', { s: dup }]);
    if (extra)
      entries.splice(1, 0, [
        'nested',
        {
          obj: [
            ['data', { s: 'QUJD' }],
            ['deep', { arr: [{ obj: [['attachment', { obj: [['data', { s: '!!' }]] }]] }] }],
          ],
        },
      ]);
    return entries;
  });

const body = fc
  .tuple(
    attachmentEntries,
    fc.constantFrom('plain', 'data-not-string', 'attachment-array', 'second-attachment', 'remote-fields', 'root-array', 'bom'),
    fc.integer(),
  )
  .map(([entries, variant, seed]) => {
    let s = seed >>> 0;
    const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const root: [string, J][] = [['attachment', { obj: entries }]];
    if (variant === 'data-not-string') root[0] = ['attachment', { obj: [...entries, ['data', { raw: '12' }]] }];
    if (variant === 'attachment-array') root[0] = ['attachment', { arr: [{ obj: entries }] }];
    if (variant === 'second-attachment') root.push(['attachment', { obj: [['name', { s: 'x' }]] }]);
    if (variant === 'remote-fields')
      root.unshift([
        'remote_fields',
        {
          obj: [
            ['lever', { obj: [['perform_as', { s: 'u"1' }]] }],
            ['attachment', { obj: [['data', { s: 'QUJD' }]] }],
          ],
        },
      ]);
    const text = serialize(variant === 'root-array' ? { arr: [{ obj: root }] } : { obj: root }, rnd);
    return Buffer.from((variant === 'bom' ? '\ufeff' : '') + text, 'utf8');
  });

/** Damage that makes a body invalid (or not): cut short, a stray byte, invalid UTF-8. */
const damaged = fc
  .tuple(body, fc.nat(), fc.constantFrom('none', 'none', 'none', 'none', 'none', 'truncate', 'byte', 'utf8', 'control'))
  .map(([b, at, how]) => {
    const i = at % (b.length + 1);
    switch (how) {
      case 'truncate':
        return b.subarray(0, i);
      case 'byte':
        return Buffer.concat([b.subarray(0, i), Buffer.from('}'), b.subarray(i)]);
      case 'utf8':
        return Buffer.concat([b.subarray(0, i), Buffer.from([0xc3, 0x28]), b.subarray(i)]);
      case 'control':
        return Buffer.concat([b.subarray(0, i), Buffer.from([0x0a, 0x01]), b.subarray(i)]);
      default:
        return b;
    }
  });

/** The same bytes in random pieces, as a socket delivers them. */
const chunked = fc.tuple(damaged, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 })).map(([b, sizes]) => {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < b.length; i += sizes[k++ % sizes.length]) out.push(b.subarray(i, i + sizes[k % sizes.length]));
  return { bytes: b, chunks: out.length ? out : [b] };
});

describe('the attachments body parser (src/uploads/json-spool.ts)', () => {
  test('answers as the whole-body parser and decodeBase64 do, for any body in any pieces', async () => {
    let spooledCount = 0;
    await fc.assert(
      fc.asyncProperty(chunked, async ({ bytes, chunks }) => {
        const want = reference(bytes);
        const got = await spooled(chunks);
        if ('error' in want) {
          assert.deepEqual(got, { error: want.error });
          return;
        }
        assert.ok(!('error' in got), `unexpected error ${(got as any).error}`);
        const wantData = want.body?.attachment?.data;
        if (got.spooled) {
          spooledCount++;
          const s = got.spooled;
          assert.equal(typeof wantData, 'string');
          assert.equal(got.body.attachment.data, s.marker);
          assert.deepEqual({ ...got.body, attachment: { ...got.body.attachment, data: wantData } }, want.body);
          assert.equal(s.chars, wantData.length, 'chars = data.length');
          assert.equal(s.marker.includes('\u0000'), UNSTORABLE.test(wantData), 'NUL / lone surrogate carried by the marker');
          let decoded: Buffer | null = null;
          try {
            decoded = decodeBase64(wantData);
          } catch {
            decoded = null;
          }
          assert.equal(s.valid, decoded !== null, `validity of ${JSON.stringify(wantData)}`);
          if (decoded) {
            assert.equal(s.bytes, decoded.length);
            assert.deepEqual(got.data ?? Buffer.alloc(0), decoded);
          }
        } else {
          assert.deepEqual(got.body, want.body);
          const plain =
            want.body &&
            !Array.isArray(want.body) &&
            want.body.attachment &&
            typeof want.body.attachment === 'object' &&
            !Array.isArray(want.body.attachment);
          assert.ok(!(plain && typeof wantData === 'string'), 'a string at attachment.data is always spooled');
        }
      }),
      { numRuns: 1500 },
    );
    assert.ok(spooledCount > 300, `only ${spooledCount} bodies had their data spooled`);
    await noTempFilesLeft();
  });

  test('a large data field is decoded in slices: the event loop runs between them', async () => {
    const file = randomBytes(6 * 1024 * 1024);
    const bytes = Buffer.from(
      JSON.stringify({
        attachment: { name: 'a.bin', type: 'OTHER', content_type: 'application/octet-stream', data: file.toString('base64') },
      }),
    );
    // One 8 MB chunk, as inject() or a fast client delivers it: the worst case for blocking.
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    let running = true;
    const tick = () => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const got = await spooled([bytes]);
    running = false;
    assert.ok(!('error' in got));
    assert.deepEqual(got.data, file);
    // 8 MB in slices of 128 KiB: at least one turn of the event loop per slice or so.
    assert.ok(ticks >= bytes.length / (128 * 1024) / 2, `${ticks} event-loop turns while parsing ${bytes.length} bytes`);
    assert.ok(maxGap < 1000, `the longest stretch without a turn of the event loop was ${maxGap.toFixed(0)} ms`);
    await noTempFilesLeft();
  });

  test('decoded bytes beyond the keep limit are counted, not kept', async () => {
    const file = randomBytes(100_000);
    const got = await spooled([Buffer.from(JSON.stringify({ attachment: { data: file.toString('base64') } }))], 50_000);
    assert.ok(!('error' in got));
    assert.equal(got.spooled!.bytes, 100_000);
    assert.equal(got.spooled!.file, null);
    await noTempFilesLeft();
  });
});

// ---------------------------------------------------------------------------------------------
// data_url downloads
// ---------------------------------------------------------------------------------------------

describe('data_url downloads', () => {
  let server: Server;
  let url: string;
  const MB = 1024 * 1024;
  const piece = randomBytes(MB);
  let onPiece: (() => void) | null = null;
  before(async () => {
    server = createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': 64 * MB });
      // The same piece 64 times: the server itself holds 1 MB.
      for (let i = 0; i < 64; i++) {
        if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
        onPiece?.();
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big.pdf`;
  });
  after(() => server.close());

  test('a 64 MB download goes to a temporary file in bounded memory, and is removed on dispose', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    // Live memory (after a full GC) while the download runs, sampled as the server sends.
    let n = 0;
    onPiece = () => {
      if (++n % 8 === 0) {
        gc();
        gc(); // the second lets the first's freeing of backing stores show in the counters
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      }
    };
    const got = await downloadDataUrl(url, { maxBytes: 100 * MB, timeoutMs: 60_000, allowPrivate: true });
    onPiece = null;
    try {
      assert.equal(got.file.size, 64 * MB);
      assert.equal(got.contentType, 'application/pdf');
      assert.ok(existsSync(got.file.path));
      const onDisk = readFileSync(got.file.path);
      for (let i = 0; i < 64; i++) assert.ok(onDisk.subarray(i * MB, (i + 1) * MB).equals(piece), `MB ${i}`);
      assert.ok(peak < 8 * MB, `live buffers grew by ${(peak / MB).toFixed(1)} MB while downloading 64 MB`);
      const blob = await got.file.blob('application/pdf');
      assert.equal(blob.size, 64 * MB);
    } finally {
      await got.file.dispose();
    }
    assert.ok(!existsSync(got.file.path));
    await noTempFilesLeft();
  });

  test('a download over the limit leaves no partial file', async () => {
    await assert.rejects(downloadDataUrl(url, { maxBytes: 3 * MB, timeoutMs: 60_000, allowPrivate: true }), /larger than the limit/);
    await noTempFilesLeft();
  });
});

// ---------------------------------------------------------------------------------------------
// Through the API
// ---------------------------------------------------------------------------------------------

describe('attachments through the API (sandbox ATS)', () => {
  let s: TestServer;
  let cand: string;
  let files: Server;
  let filesUrl: string;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3 * 1024 * 1024)]);
  before(async () => {
    s = await startTestServer('pglite');
    cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0].id;
    files = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end(pdf);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/cv.pdf`;
  });
  after(async () => {
    files?.close();
    await s?.close();
  });

  const post = (body: unknown, headers?: Record<string, string>) =>
    s.call('POST', `/v1/ats/candidates/${cand}/attachments`, { integrationId: DEMO, body, headers });

  async function storedFile(name: string): Promise<Buffer> {
    const list = await s.call('GET', `/v1/ats/candidates/${cand}/attachments`, { integrationId: DEMO });
    const a = list.body.data.results.find((x: any) => x.file_name === name);
    assert.ok(a, `attachment ${name} listed`);
    return Buffer.from(await (await fetch(a.data_url)).arrayBuffer());
  }

  test('data (3 MB): stored byte for byte; no temporary file left', async () => {
    const r = await post({
      attachment: { name: 'streamed.pdf', type: 'CV', content_type: 'application/pdf', data: pdf.toString('base64') },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await storedFile('streamed.pdf'), pdf);
    await noTempFilesLeft();
  });

  test('data with base64 line breaks (escaped \\n, \\/) is decoded as before', async () => {
    const wrapped = pdf.subarray(0, 4000).toString('base64').replace(/.{76}/g, '$&\n');
    const text = JSON.stringify({
      attachment: { name: 'wrapped.pdf', type: 'OTHER', content_type: 'application/pdf', data: wrapped },
    }).replace(/\//g, '\\/');
    const r = await post(text);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await storedFile('wrapped.pdf'), pdf.subarray(0, 4000));
    await noTempFilesLeft();
  });

  test('data_url (3 MB): downloaded to disk, stored byte for byte; no temporary file left', async () => {
    const r = await post({ attachment: { name: 'downloaded.pdf', type: 'OTHER', data_url: filesUrl } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await storedFile('downloaded.pdf'), pdf);
    await noTempFilesLeft();
  });

  test('invalid base64 in the middle of a large body → 400 naming attachment.data, logged; no temporary file left', async () => {
    const b64 = pdf.toString('base64');
    const bad = `${b64.slice(0, 2_000_000)}$${b64.slice(2_000_001)}`;
    const r = await post({ attachment: { name: 'bad.pdf', type: 'CV', content_type: 'application/pdf', data: bad } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'PLATFORM.INPUT_INVALID');
    assert.equal(r.body.error.message, 'attachment.data must be base64-encoded file contents.');
    assert.ok(r.body.error.log_url, 'the failed write has its log');
    const log = await s.call('GET', new URL(r.body.error.log_url).pathname);
    assert.match(JSON.stringify(log.body), /redacted/);
    await noTempFilesLeft();
  });

  test('an unknown candidate is still a 404 before the base64 is judged', async () => {
    const r = await s.call('POST', '/v1/ats/candidates/nope/attachments', {
      integrationId: DEMO,
      body: { attachment: { name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: '!!!!' } },
    });
    assert.equal(r.status, 404, JSON.stringify(r.body));
    await noTempFilesLeft();
  });

  test('a NUL in data is refused as unstorable, as before', async () => {
    const r = await post({ attachment: { name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: 'QUJD\u0000' } });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /"attachment\.data" contains a NUL character/);
    await noTempFilesLeft();
  });

  test('Idempotency-Key: the same data replays, different data is a conflict', async () => {
    const key = `k-${randomBytes(8).toString('hex')}`;
    const body = (d: Buffer) => ({
      attachment: { name: 'idem.pdf', type: 'OTHER', content_type: 'application/pdf', data: d.toString('base64') },
    });
    const first = await post(body(pdf.subarray(0, 10_000)), { 'idempotency-key': key });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const again = await post(body(pdf.subarray(0, 10_000)), { 'idempotency-key': key });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const other = await post(body(pdf.subarray(0, 10_001)), { 'idempotency-key': key });
    assert.equal(other.status, 409, JSON.stringify(other.body));
    await noTempFilesLeft();
  });

  test('a body over the limit sent without Content-Length (chunked) is a 413 while streaming', async () => {
    const small = await startTestServer('pglite', { env: { ATSGATE_BODY_LIMIT_BYTES: String(256 * 1024) } });
    try {
      const c = (await small.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0].id;
      const text = JSON.stringify({
        attachment: {
          name: 'a.bin',
          type: 'OTHER',
          content_type: 'application/octet-stream',
          data: randomBytes(300 * 1024).toString('base64'),
        },
      });
      const res = await fetch(`${small.url}/v1/ats/candidates/${c}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${small.apiKey}`, 'x-integration-id': DEMO, 'content-type': 'application/json' },
        body: Readable.toWeb(Readable.from([Buffer.from(text)])) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.match((await res.json()).error.message, /larger than the limit of 262144 bytes/);
      await noTempFilesLeft();
    } finally {
      await small.close();
    }
  });

  test('a client that goes away mid-upload leaves no temporary file', async () => {
    const { port } = new URL(s.url);
    const text = Buffer.from(
      JSON.stringify({ attachment: { name: 'gone.pdf', type: 'OTHER', content_type: 'application/pdf', data: pdf.toString('base64') } }),
    );
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v1/ats/candidates/${cand}/attachments`,
        headers: {
          authorization: `Bearer ${s.apiKey}`,
          'x-integration-id': DEMO,
          'content-type': 'application/json',
          'content-length': text.length,
        },
      });
      req.on('error', () => resolve());
      req.write(text.subarray(0, text.length >> 1), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100),
      );
    });
    await noTempFilesLeft();
    const r = await s.call('GET', '/health/live');
    assert.equal(r.status, 200, 'the server carries on');
  });
});
