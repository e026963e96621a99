/**
 * `attachment.data_url` must not turn atsgate into a proxy into its own network. With
 * ATSGATE_ALLOW_PRIVATE_DOWNLOADS=false every loopback, private, link-local or metadata
 * address — in any spelling — and every non-http scheme is refused with PLATFORM.INPUT_INVALID
 * naming data_url, and no connection is made (a loopback server records every hit). Redirects
 * are checked again at each hop, and size and time limits hold while the body streams.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { downloadDataUrl, isBlockedAddress, isOwnAddress, isPrivateAddress } from '../../src/http/download.ts';
import { networkInterfaces } from 'node:os';
import { AtsgateError } from '../../src/errors.ts';

interface Recorder {
  url: string;
  port: number;
  hits: string[];
  connections(): number;
  close(): Promise<void>;
}

/** A loopback HTTP server that records every request it receives (and every connection). */
async function recordingServer(
  host: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('file'),
): Promise<Recorder> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    hits,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

async function refused(p: Promise<unknown>, status: number, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: any) => {
    assert.ok(e instanceof AtsgateError, String(e));
    assert.equal(e.code, 'PLATFORM.INPUT_INVALID');
    assert.equal(e.status, status);
    assert.match(e.message, /data_url/);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('the address policy', () => {
  test('loopback, private, link-local, metadata, CGNAT, multicast and IPv4-mapped addresses are blocked; public ones are not', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      'not-an-ip',
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1', '11.0.0.1', '::ffff:8.8.8.8'])
      assert.equal(isPrivateAddress(a), false, a);
  });

  test('the documentation ranges (RFC 5737, RFC 3849) are refused', () => {
    for (const a of ['192.0.2.1', '198.51.100.7', '203.0.113.254', '2001:db8::1', '2001:0db8:85a3::8a2e:370:7334', '::ffff:192.0.2.9']) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['192.0.3.1', '198.51.101.1', '203.0.114.1', '2001:db9::1']) assert.equal(isPrivateAddress(a), false, a);
  });

  test("the machine's own addresses are refused on every interface, whatever range they are in", () => {
    // A host whose public interface is 93.184.216.34: that address is this host, not the internet.
    const fake = {
      eth0: [
        {
          address: '93.184.216.34',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:01',
          internal: false,
          cidr: '93.184.216.34/24',
        },
      ],
      eth1: [
        {
          address: '2606:4700::1111',
          netmask: 'ffff::',
          family: 'IPv6',
          mac: '00:00:00:00:00:02',
          internal: false,
          cidr: '2606:4700::1111/64',
          scopeid: 0,
        },
      ],
    } as ReturnType<typeof networkInterfaces>;
    assert.equal(isOwnAddress('93.184.216.34', fake), true);
    assert.equal(isOwnAddress('::ffff:93.184.216.34', fake), true, 'the IPv4-mapped spelling too');
    assert.equal(isOwnAddress('2606:4700:0:0:0:0:0:1111', fake), true, 'any IPv6 spelling');
    assert.equal(isOwnAddress('8.8.8.8', fake), false);
    // And on this machine, every real interface address is blocked.
    for (const list of Object.values(networkInterfaces())) {
      for (const i of list ?? []) assert.equal(isBlockedAddress(i.address.split('%')[0]), true, i.address);
    }
    assert.equal(isBlockedAddress('8.8.8.8'), false);
  });
});

describe('downloadDataUrl with private downloads refused', () => {
  let target: Recorder;
  let internal: Recorder;
  const base = { maxBytes: 1024 * 1024, timeoutMs: 2000, allowPrivate: false };

  before(async () => {
    // The "internal" service a redirect tries to reach: on 127.0.0.2 (all of 127/8 is loopback).
    internal = await recordingServer('127.0.0.2');
    target = await recordingServer('127.0.0.1', (req, res) => {
      if (req.url === '/to-internal') res.writeHead(302, { location: `http://internal.test:${internal.port}/secret` }).end();
      else if (req.url === '/to-literal') res.writeHead(301, { location: `http://127.0.0.2:${internal.port}/secret` }).end();
      else if (req.url === '/to-metadata') res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (req.url === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF ok');
    });
  });
  after(async () => {
    await target?.close();
    await internal?.close();
  });

  test('every spelling of a loopback or private host is refused before connecting', async () => {
    const p = target.port;
    const urls = [
      `http://127.0.0.1:${p}/a`,
      `http://localhost:${p}/a`,
      `http://[::1]:${p}/a`,
      `http://0.0.0.0:${p}/a`,
      `http://[::ffff:127.0.0.1]:${p}/a`,
      `http://2130706433:${p}/a`,
      `http://0x7f000001:${p}/a`,
      `http://0177.0.0.1:${p}/a`,
      `http://127.1:${p}/a`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${p}/a`,
      'http://10.0.0.1/a',
      'http://169.254.169.254/latest/meta-data/',
      'http://192.168.0.1/',
      'http://[fe80::1]/',
    ];
    for (const u of urls) await refused(downloadDataUrl(u, base), 400, /private or reserved address/);
    assert.deepEqual(target.hits, [], 'no request reached the loopback server');
    assert.equal(target.connections(), 0, 'not even a TCP connection');
  });

  test("a data_url naming one of this machine's own interface addresses never connects, even to a server on all interfaces", async () => {
    const addresses = Object.values(networkInterfaces())
      .flatMap((l) => l ?? [])
      .filter((i) => i.family === 'IPv4')
      .map((i) => i.address);
    const everywhere = await recordingServer('0.0.0.0');
    try {
      for (const a of addresses) await refused(downloadDataUrl(`http://${a}:${everywhere.port}/secret`, base), 400, /own/);
      assert.ok(addresses.length >= 1);
      assert.equal(everywhere.connections(), 0, 'not even a TCP connection');
    } finally {
      await everywhere.close();
    }
  });

  test('non-http schemes and URLs with credentials are refused', async () => {
    for (const u of ['ftp://127.0.0.1/a', 'file:///etc/passwd', 'gopher://127.0.0.1:70/', 'data:text/plain,hi', 'javascript:alert(1)']) {
      await refused(downloadDataUrl(u, base), 400, /http or https/);
    }
    await refused(downloadDataUrl(`http://user:pw@127.0.0.1:${target.port}/a`, base), 400, /credentials/);
    await refused(downloadDataUrl('not a url', base), 400, /absolute http/);
    assert.deepEqual(target.hits, []);
  });

  test('each redirect hop is checked again: a public host redirecting inwards is refused, and the inner host is never contacted', async () => {
    // A stub resolver makes "allowed.test" a public-looking host served from loopback; only
    // 127.0.0.1 counts as public for this test, so the policy under test is the real hop check.
    const resolve = async (h: string) => ({ address: h === 'allowed.test' ? '127.0.0.1' : '127.0.0.2', family: 4 });
    const isBlocked = (a: string) => a !== '127.0.0.1' && isPrivateAddress(a);
    const opts = { ...base, resolve, isBlocked };
    const ok = await downloadDataUrl(`http://allowed.test:${target.port}/file.pdf`, opts);
    assert.equal((await ok.file.read()).toString(), '%PDF ok', 'the seam itself works: an allowed host downloads');
    await ok.file.dispose();
    await refused(downloadDataUrl(`http://allowed.test:${target.port}/to-internal`, opts), 400, /internal\.test.*private or reserved/);
    await refused(downloadDataUrl(`http://allowed.test:${target.port}/to-literal`, opts), 400, /private or reserved/);
    await refused(downloadDataUrl(`http://allowed.test:${target.port}/to-metadata`, opts), 400, /169\.254\.169\.254.*private or reserved/);
    await refused(downloadDataUrl(`http://allowed.test:${target.port}/to-file`, opts), 400, /http or https/);
    await refused(downloadDataUrl(`http://allowed.test:${target.port}/loop`, opts), 400, /redirected too many times/);
    assert.deepEqual(internal.hits, [], 'the internal service was never contacted');
    assert.equal(internal.connections(), 0);
    assert.ok(target.hits.includes('/to-internal'), 'the first hop was fetched');
  });

  test('size and time limits hold while streaming: an endless body and a stalled server are cut off', async () => {
    let endlessBytes = 0;
    const streams = await recordingServer('127.0.0.1', (req, res) => {
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(16 * 1024, 7);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) endlessBytes += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      } else if (req.url === '/stall-body') {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.write('%PDF partial'); // then nothing, forever
      } else if (req.url === '/stall-headers') {
        // never answers
      } else if (req.url === '/declared-big') {
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(10 * 1024 * 1024) });
        res.write('x');
      }
    });
    try {
      const open = { maxBytes: 64 * 1024, timeoutMs: 400, allowPrivate: true };
      await refused(downloadDataUrl(`${streams.url}/endless`, { ...open, timeoutMs: 10_000 }), 413, /larger than the limit of 65536 bytes/);
      await refused(downloadDataUrl(`${streams.url}/declared-big`, open), 413, /larger than the limit/);
      await refused(downloadDataUrl(`${streams.url}/stall-body`, open), 400, /within 400 ms/);
      await refused(downloadDataUrl(`${streams.url}/stall-headers`, open), 400, /within 400 ms/);
      assert.ok(endlessBytes < 64 * 1024 * 1024, 'the endless body was abandoned');
    } finally {
      await streams.close();
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`data_url through the API on ${kind} (ATSGATE_ALLOW_PRIVATE_DOWNLOADS=false)`, () => {
    let s: TestServer;
    let files: Recorder;
    before(async () => {
      files = await recordingServer('127.0.0.1');
      s = await startTestServer(kind, { env: { ATSGATE_ALLOW_PRIVATE_DOWNLOADS: 'false' } });
    });
    after(async () => {
      await s?.close();
      await files?.close();
    });

    test('every private target and non-http scheme is a 400 naming data_url, and nothing is fetched', async () => {
      const cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: 'sandbox:demo' })).body.data.results[0].id;
      const p = files.port;
      const cases: [string, RegExp][] = [
        [`http://127.0.0.1:${p}/cv.pdf`, /private or reserved/],
        [`http://localhost:${p}/cv.pdf`, /private or reserved/],
        [`http://[::1]:${p}/cv.pdf`, /private or reserved/],
        [`http://[::ffff:127.0.0.1]:${p}/cv.pdf`, /private or reserved/],
        [`http://2130706433:${p}/cv.pdf`, /private or reserved/],
        [`http://0177.0.0.1:${p}/cv.pdf`, /private or reserved/],
        [`http://0.0.0.0:${p}/cv.pdf`, /private or reserved/],
        ['http://10.0.0.1/cv.pdf', /private or reserved/],
        ['http://169.254.169.254/latest/meta-data/', /private or reserved/],
        ['ftp://127.0.0.1/cv.pdf', /absolute http\(s\) URL/],
        ['file:///etc/passwd', /absolute http\(s\) URL/],
      ];
      const before = (await s.started.db.query("SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = 'attachment'")).rows[0].n;
      for (const [dataUrl, message] of cases) {
        const r = await s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
          integrationId: 'sandbox:demo',
          body: { attachment: { name: 'cv.pdf', type: 'CV', data_url: dataUrl } },
        });
        assert.equal(r.status, 400, `${dataUrl}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'PLATFORM.INPUT_INVALID');
        assert.match(r.body.error.message, /data_url/);
        assert.match(r.body.error.message, message, dataUrl);
      }
      assert.deepEqual(files.hits, [], 'no request reached the loopback file server');
      assert.equal(files.connections(), 0, 'not even a TCP connection');
      assert.equal(
        (await s.started.db.query("SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = 'attachment'")).rows[0].n,
        before,
        'no attachment stored',
      );
    });
  });
}
