/**
 * Credentials never follow a redirect to another origin (src/http/client.ts followRedirects).
 * Two real loopback servers on different ports are two origins; every auth scheme a connector
 * declares is tried through the connector's own transport, so a header it names as its
 * credential (X-SmartToken, `Authorization: Token token=`) is what must be dropped.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vendorHttpClient } from '../../src/connectors/helpers/vendor-http.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import type { VendorHttpOptions } from '../../src/connectors/types.ts';

interface Seen {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startServer(
  handle: (req: Seen, res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { path: req.url ?? '', method: req.method ?? '', headers: req.headers, body };
      seen.push(s);
      handle(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Each scheme in use, with the connector that declares it and the header that carries it. */
const SCHEMES: {
  tool: string;
  scheme: string;
  credentials: Record<string, unknown>;
  header: string;
  expect: string;
  opts?: VendorHttpOptions;
}[] = [
  {
    tool: 'lever',
    scheme: 'basic',
    credentials: { api_key: 'lever-secret' },
    header: 'authorization',
    expect: 'Basic ' + Buffer.from('lever-secret:').toString('base64'),
  },
  {
    tool: 'ashby',
    scheme: 'basic',
    credentials: { api_key: 'ashby-secret' },
    header: 'authorization',
    expect: 'Basic ' + Buffer.from('ashby-secret:').toString('base64'),
  },
  {
    tool: 'workable',
    scheme: 'bearer',
    credentials: { subdomain: 'acme', api_token: 'wk-secret' },
    header: 'authorization',
    expect: 'Bearer wk-secret',
  },
  {
    tool: 'recruitee',
    scheme: 'bearer',
    credentials: { api_token: 'rc-secret', company_id: '42' },
    header: 'authorization',
    expect: 'Bearer rc-secret',
  },
  {
    tool: 'greenhouse',
    scheme: 'bearer-provider',
    credentials: { client_id: 'c', client_secret: 's' },
    header: 'authorization',
    expect: 'Bearer minted-token',
    opts: { token: async () => 'minted-token' },
  },
  { tool: 'smartrecruiters', scheme: 'header', credentials: { api_key: 'sr-secret' }, header: 'x-smarttoken', expect: 'sr-secret' },
  {
    tool: 'bullhorn',
    scheme: 'header-provider',
    credentials: { client_id: 'c', client_secret: 's', username: 'u' },
    header: 'bhresttoken',
    expect: 'session-1',
    opts: { token: () => 'session-1' },
  },
  {
    tool: 'teamtailor',
    scheme: 'header (template)',
    credentials: { api_key: 'tt-secret' },
    header: 'authorization',
    expect: 'Token token=tt-secret',
  },
];

describe('redirects and credentials', () => {
  let home: Awaited<ReturnType<typeof startServer>>;
  let elsewhere: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    elsewhere = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"where":"elsewhere"}');
    });
    home = await startServer((req, res) => {
      const m = /\/redirect\/(\d{3})\/(away|home)/.exec(req.path);
      if (m) {
        const target = m[2] === 'away' ? `${elsewhere.url}/landing` : '/landing';
        res.writeHead(Number(m[1]), { location: target });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"where":"home"}');
    });
  });
  after(async () => {
    await home?.close();
    await elsewhere?.close();
  });

  const clientFor = (c: (typeof SCHEMES)[number]) => {
    const def = getConnector(c.tool)!.definition;
    // The integration's base URL override points at the loopback "vendor".
    return vendorHttpClient(def, { credentials: c.credentials, baseUrl: home.url }, c.opts ?? {}, { retry: { maxAttempts: 1 } });
  };

  for (const c of SCHEMES) {
    test(`${c.tool} (${c.scheme}): a redirect to another origin arrives without ${c.header}; one to the same origin keeps it`, async () => {
      const client = clientFor(c);
      const before = { home: home.seen.length, elsewhere: elsewhere.seen.length };
      const away = await client.request({ method: 'GET', path: `${home.url}/redirect/302/away` });
      assert.deepEqual(away.data, { where: 'elsewhere' });
      const first = home.seen[before.home];
      assert.equal(first.headers[c.header], c.expect, 'the vendor itself got the credential');
      const landed = elsewhere.seen[before.elsewhere];
      assert.equal(landed.path, '/landing');
      assert.equal(landed.headers[c.header], undefined, `${c.header} must not reach another origin`);
      assert.equal(landed.headers.authorization, undefined);

      const same = await client.request({ method: 'GET', path: `${home.url}/redirect/307/home` });
      assert.deepEqual(same.data, { where: 'home' });
      const hop = home.seen[home.seen.length - 1];
      assert.equal(hop.path, '/landing');
      assert.equal(hop.headers[c.header], c.expect, 'a same-origin redirect keeps the credential');
    });
  }

  test('a header the caller adds per request (Authorization for a token mint) is dropped across origins too', async () => {
    const def = getConnector('smartrecruiters')!.definition;
    const client = vendorHttpClient(def, { credentials: { api_key: 'k' }, baseUrl: home.url }, {}, {});
    const before = elsewhere.seen.length;
    await client.request({
      method: 'GET',
      path: '/redirect/301/away',
      headers: { authorization: 'Basic abc', cookie: 'a=b', 'proxy-authorization': 'x' },
    });
    const landed = elsewhere.seen[before];
    for (const h of ['authorization', 'cookie', 'proxy-authorization', 'x-smarttoken']) assert.equal(landed.headers[h], undefined, h);
  });

  test('non-credential vendor headers still travel (Teamtailor X-Api-Version)', async () => {
    const client = clientFor(SCHEMES.find((s) => s.tool === 'teamtailor')!);
    const before = elsewhere.seen.length;
    await client.request({ method: 'GET', path: '/redirect/302/away' });
    assert.equal(elsewhere.seen[before].headers['x-api-version'], '20161108');
  });

  test('303 turns a POST into a GET without body; 307 repeats the POST with its body', async () => {
    const client = clientFor(SCHEMES[0]);
    const before = home.seen.length;
    await client.request({ method: 'POST', path: '/redirect/303/home', json: { a: 1 } });
    const after303 = home.seen[before + 1];
    assert.equal(after303.method, 'GET');
    assert.equal(after303.body, '');
    assert.equal(after303.headers['content-type'], undefined);
    await client.request({ method: 'POST', path: '/redirect/307/home', json: { a: 2 } });
    const after307 = home.seen[home.seen.length - 1];
    assert.equal(after307.method, 'POST');
    assert.equal(after307.body, '{"a":2}');
  });

  test('followRedirects: false hands the redirect back (an OAuth code in its Location) and contacts nobody else', async () => {
    const client = clientFor(SCHEMES[0]);
    const before = elsewhere.seen.length;
    const res = await client.request({ method: 'GET', path: '/redirect/302/away', followRedirects: false, accept: [302] });
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, `${elsewhere.url}/landing`);
    assert.equal(elsewhere.seen.length, before);
  });

  test('a client without transport (pre-signed storage) sends no vendor credential at all', async () => {
    const def = getConnector('ashby')!.definition;
    const client = vendorHttpClient(def, { credentials: { api_key: 'ashby-secret' }, baseUrl: home.url }, { transport: false }, {});
    const before = home.seen.length;
    await client.request({ method: 'GET', path: '/plain' });
    assert.equal(home.seen[before].headers.authorization, undefined);
  });
});
