/**
 * Transport as data (src/http/transport.ts): what each connector's declaration turns into, and
 * that a declaration can only name credential fields its connector has.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connectors, getConnector } from '../../src/connectors/registry.ts';
import { messageFromShape, transportBaseUrl, transportClientOptions, type Transport } from '../../src/http/transport.ts';
import { AtsgateError } from '../../src/errors.ts';

const def = (tool: string) => getConnector(tool)!.definition;
const options = (tool: string, credentials: Record<string, unknown>, baseUrl = def(tool).defaultBaseUrl, token?: () => string) =>
  transportClientOptions(def(tool).transport, {
    label: def(tool).label,
    credentials,
    baseUrl,
    defaultBaseUrl: def(tool).defaultBaseUrl,
    token,
  });
const headersOf = async (o: ReturnType<typeof options>) => (await o.headers!()) as Record<string, string>;
const message = (tool: string, body: unknown) => messageFromShape(def(tool).transport!.errors!, body);

describe('every transport', () => {
  test('names only fields of its credential schema, in auth, templates and base URL', () => {
    for (const [tool, c] of connectors) {
      const t: Transport | undefined = c.definition.transport;
      if (!t) continue;
      const fields = new Set(Object.keys(c.definition.credentialSchema.properties));
      const named: string[] = [];
      if (t.auth.scheme === 'basic') named.push(t.auth.username, ...(t.auth.password ? [t.auth.password] : []));
      if (t.auth.scheme === 'bearer') named.push(t.auth.token);
      const templates = [
        t.auth.scheme === 'header' ? t.auth.template : '',
        ...Object.values(t.headers ?? {}),
        t.baseUrl?.path ?? '',
        c.definition.defaultBaseUrl,
      ];
      for (const tpl of templates) for (const m of tpl.matchAll(/\{([A-Za-z0-9_]+)/g)) named.push(m[1]);
      if (t.baseUrl?.byCredential) named.push(t.baseUrl.byCredential.credential);
      named.push(...Object.keys(t.baseUrl?.placeholders ?? {}));
      for (const f of named) assert.ok(fields.has(f), `${tool}: "${f}" is not a credential field`);
    }
  });

  test('every vendor connector declares one', () => {
    for (const [tool, c] of connectors) if (tool !== 'sandbox') assert.ok(c.definition.transport, tool);
  });
});

describe('auth and headers', () => {
  test('basic: the key as user name, empty password (Lever, Ashby)', async () => {
    assert.equal((await headersOf(options('lever', { api_key: 'k1' }))).authorization, 'Basic ' + Buffer.from('k1:').toString('base64'));
    const ashby = await headersOf(options('ashby', { api_key: 'k2' }));
    assert.equal(ashby.authorization, 'Basic ' + Buffer.from('k2:').toString('base64'));
    assert.equal(ashby.accept, 'application/json; version=1');
  });

  test('bearer from a credential (Workable, Recruitee) and from the connector (Greenhouse)', async () => {
    assert.equal((await headersOf(options('workable', { subdomain: 'a', api_token: 't' }))).authorization, 'Bearer t');
    assert.equal((await headersOf(options('recruitee', { api_token: 'r', company_id: '1' }))).authorization, 'Bearer r');
    assert.equal(
      (await headersOf(options('greenhouse', { client_id: 'c', client_secret: 's' }, undefined, () => 'minted'))).authorization,
      'Bearer minted',
    );
    assert.deepEqual(
      await headersOf(options('greenhouse', { client_id: 'c', client_secret: 's' })),
      {},
      'no provider (the token mint): no Authorization',
    );
  });

  test('custom header and template (SmartRecruiters, Teamtailor); template defaults', async () => {
    const sr = options('smartrecruiters', { api_key: 'sk' });
    assert.equal((await headersOf(sr))['X-SmartToken'], 'sk');
    assert.deepEqual(sr.credentialHeaders, ['x-smarttoken']);
    const tt = await headersOf(options('teamtailor', { api_key: 'tk' }));
    assert.deepEqual(tt, { authorization: 'Token token=tk', 'x-api-version': '20161108', accept: 'application/vnd.api+json' });
    assert.equal((await headersOf(options('teamtailor', { api_key: 'tk', api_version: '20250101' })))['x-api-version'], '20250101');
  });
});

describe('base URLs', () => {
  const ctx = (baseUrl: string, credentials: Record<string, unknown>) => ({ baseUrl, credentials });

  test('Workable: the subdomain fills the production template, cleaned and checked', () => {
    const w = def('workable');
    assert.equal(transportBaseUrl(w, ctx(w.defaultBaseUrl, { subdomain: ' Acme.workable.com ' })), 'https://acme.workable.com/spi/v3');
    assert.equal(transportBaseUrl(w, ctx('http://127.0.0.1:9/spi/v3', { subdomain: 'acme' })), 'http://127.0.0.1:9/spi/v3');
    assert.throws(
      () => transportBaseUrl(w, ctx(w.defaultBaseUrl, { subdomain: 'evil.com/x?' })),
      (e: any) => e instanceof AtsgateError && e.code === 'INTEGRATION.SETUP_INCOMPLETE' && /account subdomain/.test(e.message),
    );
  });

  test('Recruitee: /c/{company_id} on the default and on an override, encoded', () => {
    const r = def('recruitee');
    assert.equal(transportBaseUrl(r, ctx(r.defaultBaseUrl, { company_id: '42' })), 'https://api.recruitee.com/c/42');
    assert.equal(transportBaseUrl(r, ctx('http://127.0.0.1:9/', { company_id: 'a b' })), 'http://127.0.0.1:9/c/a%20b');
  });

  test('Teamtailor: the region picks the host unless the base URL was overridden', () => {
    const t = def('teamtailor');
    assert.equal(transportBaseUrl(t, ctx(t.defaultBaseUrl, { region: 'na' })), 'https://api.na.teamtailor.com/v1');
    assert.equal(transportBaseUrl(t, ctx(t.defaultBaseUrl, {})), 'https://api.teamtailor.com/v1');
    assert.equal(transportBaseUrl(t, ctx('http://127.0.0.1:9', { region: 'na' })), 'http://127.0.0.1:9');
  });
});

describe('error bodies', () => {
  test('Lever: message (code)', () => {
    assert.equal(message('lever', { code: 'ResourceNotFound', message: 'No opportunity' }), 'No opportunity (ResourceNotFound)');
    assert.equal(message('lever', { code: 'BadRequestError' }), 'BadRequestError');
    assert.equal(message('lever', '  upstream down  '), 'upstream down');
  });

  test("SmartRecruiters: the errors' messages, else their codes, else the message", () => {
    assert.equal(message('smartrecruiters', { message: 'Bad', errors: [{ code: 'A', message: 'first' }, { code: 'B' }] }), 'first; B');
    assert.equal(message('smartrecruiters', { message: 'Only this' }), 'Only this');
  });

  test('Teamtailor: JSON:API errors with their pointer; a single error object is tolerated', () => {
    assert.equal(
      message('teamtailor', {
        errors: [{ title: 'Invalid', detail: "can't be blank", source: { pointer: '/data/attributes/body' } }, { title: 'Other' }],
      }),
      "can't be blank (/data/attributes/body); Other",
    );
    assert.equal(message('teamtailor', { errors: { title: 'Not Acceptable', status: '406' } }), 'Not Acceptable');
    assert.equal(message('teamtailor', {}), undefined);
  });

  test('Workable: the error, then the validation errors per field', () => {
    assert.equal(
      message('workable', { error: 'Validation failed', validation_errors: { body: ["can't be blank"], member_id: 'unknown' } }),
      "Validation failed: body can't be blank; member_id unknown",
    );
    assert.equal(message('workable', { message: 'Gateway says no' }), 'Gateway says no');
  });

  test('long messages are cut', () => {
    assert.equal(message('lever', { message: 'x'.repeat(900) })!.length, 500);
  });
});
