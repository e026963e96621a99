/**
 * The OpenAPI document and the API docs page:
 * - every route fastify registered is in the document (read from the router, not from our
 *   own route collector);
 * - the write endpoints' request bodies and the list endpoints' query parameters agree with
 *   Kombo's own OpenAPI document;
 * - the response schemas agree with what the official SDK's zod models parse;
 * - real responses of a running server, success and error, for every documented operation,
 *   validate against the schema the document names for their status;
 * - the document is structurally valid OpenAPI 3.1 and every $ref resolves;
 * - /docs works from same-origin assets only, in a real browser.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import * as sdk from '@kombo-api/sdk/models';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import { COMPONENTS, UI_PREFIXES, documented as inDocument, type RouteEntry } from '../../src/api/openapi.ts';
import * as R from '../../src/api/responses.ts';
import { SCREENSHOT_DIR } from '../support/screenshots.ts';
import { startLeverFake } from '../fakes/lever.ts';
import { connectIntegration } from '../../src/integrations/service.ts';

const DEMO = 'sandbox:demo';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const kombo = JSON.parse(readFileSync('/work/shared/kombo-openapi.json', 'utf8'));

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** The routes of fastify's router, parsed from printRoutes (independent of our onRoute hook). */
function routerRoutes(tree: string): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│   |    )*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack[depth] = m[2];
    const url = stack.join('');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) out.push({ method, url });
  }
  return out;
}

const toOpenApi = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const isUi = (url: string) => UI_PREFIXES.some((p) => url === p || url.startsWith(p + '/') || url.startsWith(p + '*'));

/** Follows a local $ref ("#/a/b") in `doc`. */
function deref(doc: any, node: any): any {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string'; i++) {
    assert.ok(i < 20, 'a $ref cycle');
    assert.ok(n.$ref.startsWith('#/'), `non-local $ref ${n.$ref}`);
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    assert.ok(n !== undefined, `unresolved $ref ${node.$ref}`);
  }
  return n;
}

/** A schema with `allOf` parts merged (Kombo uses allOf for remote_fields). */
function merged(doc: any, node: any): any {
  const s = deref(doc, node);
  if (!s?.allOf) return s;
  const parts = s.allOf.map((p: any) => merged(doc, p));
  return {
    ...s,
    type: 'object',
    properties: Object.assign({}, ...parts.map((p: any) => p.properties ?? {}), s.properties ?? {}),
    required: [...new Set(parts.flatMap((p: any) => p.required ?? []).concat(s.required ?? []))],
  };
}

/** Enum values of a JSON schema: `enum`, or a union of `const`s (TypeBox literals). */
function enumOf(s: any): string[] | null {
  if (Array.isArray(s.enum)) return [...s.enum].sort();
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length && alts.every((a: any) => 'const' in a)) return alts.map((a: any) => a.const).sort();
  return null;
}

const acceptsNull = (s: any) =>
  s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null')) || (s.anyOf ?? []).some((a: any) => acceptsNull(a));
const withoutNull = (s: any) => {
  const alts = (s.anyOf ?? []).filter((a: any) => a.type !== 'null');
  return s.anyOf && alts.length === 1 ? alts[0] : s;
};

/** Kombo's request schema vs ours: same required set, Kombo's names accepted, same enums. */
function compareRequest(ourDoc: any, ours: any, theirs: any, path: string, problems: string[]): void {
  const o = withoutNull(merged(ourDoc, ours));
  const t = merged(kombo, theirs);
  const tEnum = enumOf(t);
  if (tEnum) {
    const oEnum = enumOf(o);
    if (JSON.stringify(oEnum) !== JSON.stringify(tEnum))
      problems.push(`${path}: enum ${JSON.stringify(oEnum)} vs Kombo's ${JSON.stringify(tEnum)}`);
  }
  if (Array.isArray(t.type) && t.type.includes('null') && !acceptsNull(merged(ourDoc, ours)))
    problems.push(`${path}: Kombo allows null, we don't`);
  if (t.type === 'array' && t.items) {
    if (o.type !== 'array') problems.push(`${path}: Kombo has an array, we have ${o.type}`);
    else compareRequest(ourDoc, o.items, t.items, `${path}[]`, problems);
  }
  if (t.properties) {
    if (o.type !== 'object') {
      problems.push(`${path}: Kombo has an object, we have ${o.type}`);
      return;
    }
    const req = (s: any) => JSON.stringify([...(s.required ?? [])].sort());
    if (req(o) !== req(t)) problems.push(`${path}: required ${req(o)} vs Kombo's ${req(t)}`);
    for (const [name, sub] of Object.entries<any>(t.properties)) {
      if (o.properties?.[name]) compareRequest(ourDoc, o.properties[name], sub, `${path}.${name}`, problems);
      // A property we don't name is fine only if we accept it (passed through / ignored).
      else if (o.additionalProperties === false || o.additionalProperties === undefined)
        problems.push(`${path}.${name}: Kombo's property is neither named nor accepted by us`);
    }
  }
}

// --- TypeBox response schemas vs the SDK's zod models -----------------------------------------

interface Peeled {
  node: any;
  optional: boolean;
  nullable: boolean;
}

/** Strips zod's optional/nullable/default/lazy wrappers, noting what they said. */
function peelZod(z: any): Peeled {
  let optional = false;
  let nullable = false;
  for (;;) {
    const t = z._def.typeName;
    if (t === 'ZodOptional') optional = true;
    else if (t === 'ZodNullable') nullable = true;
    else if (t === 'ZodDefault')
      optional = true; // a default means the key may be missing
    else if (t === 'ZodLazy') {
      z = z._def.getter();
      continue;
    } else return { node: z, optional, nullable };
    z = z._def.innerType;
  }
}

/** The shape of a (peeled) zod schema, in JSON-schema words. */
function zodKind(z: any): { kind: string; values?: string[] } {
  const t = z._def.typeName;
  if (t === 'ZodEffects') {
    const inner = z._def.schema;
    if (inner._def.typeName === 'ZodString' && inner._def.checks.some((c: any) => c.kind === 'datetime')) return { kind: 'date-time' };
    return zodKind(inner);
  }
  if (t === 'ZodString') return { kind: 'string' };
  if (t === 'ZodNumber') return { kind: z._def.checks.some((c: any) => c.kind === 'int') ? 'integer' : 'number' };
  if (t === 'ZodBoolean') return { kind: 'boolean' };
  if (t === 'ZodAny' || t === 'ZodUnknown') return { kind: 'any' };
  if (t === 'ZodLiteral') return { kind: 'enum', values: [z._def.value] };
  if (t === 'ZodNativeEnum') return { kind: 'enum', values: Object.values<string>(z._def.values).sort() };
  if (t === 'ZodArray') return { kind: 'array' };
  if (t === 'ZodRecord') return { kind: 'record' };
  if (t === 'ZodObject') return { kind: 'object' };
  if (t === 'ZodUnion') {
    const opts = z._def.options;
    const lits = opts.filter((o: any) => o._def.typeName === 'ZodLiteral').map((o: any) => o._def.value);
    // The SDK's open enums: known literals plus any string.
    if (
      lits.length &&
      lits.length === opts.length - 1 &&
      opts.some((o: any) => o._def.typeName === 'ZodEffects' && o._def.schema._def.typeName === 'ZodString')
    )
      return { kind: 'string' };
    if (lits.length === opts.length) return { kind: 'enum', values: lits.sort() };
    return { kind: 'union' };
  }
  return { kind: `unsupported ${t}` };
}

function tbKind(s: any): { kind: string; values?: string[] } {
  const e = enumOf(s);
  if (e) return { kind: 'enum', values: e };
  if ('const' in s) return { kind: 'enum', values: [s.const] };
  if (s.anyOf) return { kind: 'union' };
  if (s.type === 'string') return { kind: s.format === 'date-time' ? 'date-time' : 'string' };
  if (s.type === 'object') return { kind: s.patternProperties ? 'record' : 'object' };
  if (s.type === undefined) return { kind: 'any' };
  return { kind: s.type };
}

/** Walks an SDK zod model and our TypeBox schema together; collects every disagreement. */
function compareResponse(z: any, tb: any, path: string, problems: string[]): void {
  const zk = zodKind(z);
  const tk = tbKind(tb);
  if (zk.kind !== tk.kind || JSON.stringify(zk.values) !== JSON.stringify(tk.values)) {
    problems.push(
      `${path}: SDK ${zk.kind}${zk.values ? JSON.stringify(zk.values) : ''}, ours ${tk.kind}${tk.values ? JSON.stringify(tk.values) : ''}`,
    );
    return;
  }
  if (zk.kind === 'array') return compareField(z._def.type, tb.items, false, `${path}[]`, problems);
  if (zk.kind === 'record') return;
  if (zk.kind === 'union') {
    const zopts = z._def.options;
    if (zopts.length !== tb.anyOf.length) return void problems.push(`${path}: SDK union of ${zopts.length}, ours of ${tb.anyOf.length}`);
    zopts.forEach((o: any, i: number) => compareField(o, tb.anyOf[i], false, `${path}|${i}`, problems));
    return;
  }
  if (zk.kind === 'object') {
    for (const [key, sub] of Object.entries<any>(z._def.shape())) {
      if (!tb.properties?.[key]) {
        problems.push(`${path}.${key}: missing`);
        continue;
      }
      compareField(sub, tb.properties[key], !(tb.required ?? []).includes(key), `${path}.${key}`, problems);
    }
  }
}

function compareField(z: any, tb: any, tbOptional: boolean, path: string, problems: string[]): void {
  const p = peelZod(z);
  if (p.optional !== tbOptional)
    problems.push(`${path}: SDK ${p.optional ? 'optional' : 'required'}, ours ${tbOptional ? 'optional' : 'required'}`);
  const tbNullable = Array.isArray(tb.anyOf) && tb.anyOf.some((a: any) => a.type === 'null');
  if (p.nullable !== tbNullable)
    problems.push(`${path}: SDK ${p.nullable ? 'nullable' : 'not nullable'}, ours ${tbNullable ? 'nullable' : 'not nullable'}`);
  compareResponse(p.node, tbNullable ? withoutNull(tb) : tb, path, problems);
}

const plain = (s: TSchema) => JSON.parse(JSON.stringify(s));

// ---------------------------------------------------------------------------------------------
// The response schemas agree with the SDK
// ---------------------------------------------------------------------------------------------

describe('response schemas agree with the official SDK', () => {
  const m = sdk as any;
  const pairs: [string, TSchema, string][] = [
    ['jobs', R.JobsResponse, 'GetAtsJobsPositiveResponse'],
    ['candidates', R.CandidatesResponse, 'GetAtsCandidatesPositiveResponse'],
    ['applications', R.ApplicationsResponse, 'GetAtsApplicationsPositiveResponse'],
    ['candidate attachments', R.CandidateAttachmentsResponse, 'GetAtsCandidatesCandidateIdAttachmentsPositiveResponse'],
    ['candidate result link', R.ActionResponse, 'PostAtsCandidatesCandidateIdResultLinksPositiveResponse'],
    ['application result link', R.ActionResponse, 'PostAtsApplicationsApplicationIdResultLinksPositiveResponse'],
    ['candidate attachment', R.ActionResponse, 'PostAtsCandidatesCandidateIdAttachmentsPositiveResponse'],
    ['check-api-key', R.CheckApiKeyResponse, 'GetCheckApiKeyPositiveResponse'],
    ['integration details', R.IntegrationResponse, 'GetIntegrationsIntegrationIdPositiveResponse'],
    ['delete integration', R.DeleteIntegrationResponse, 'DeleteIntegrationsIntegrationIdPositiveResponse'],
    ['force-sync', R.ForceSyncResponse, 'PostForceSyncPositiveResponse'],
    ['tools', R.ToolsResponse, 'GetToolsCategoryPositiveResponse'],
    ['connect create-link', R.ConnectLinkResponse, 'PostConnectCreateLinkPositiveResponse'],
    ['relink', R.ConnectLinkResponse, 'PostIntegrationsIntegrationIdRelinkPositiveResponse'],
    ['integration by token', R.ConnectIntegrationResponse, 'GetConnectIntegrationByTokenTokenPositiveResponse'],
    ['passthrough', R.PassthroughResponse, 'PostPassthroughToolApiPositiveResponse'],
    ['set integration enabled', R.SetIntegrationEnabledResponse, 'PutIntegrationsIntegrationIdEnabledPositiveResponse'],
    ['custom fields', R.CustomFieldsResponse, 'GetIntegrationsIntegrationIdCustomFieldsPositiveResponse'],
    ['integration fields', R.IntegrationFieldsResponse, 'GetIntegrationsIntegrationIdIntegrationFieldsPositiveResponse'],
  ];
  for (const [label, ours, model] of pairs) {
    test(`${label}: same properties, optionality, nullability, types and enums as ${model}`, () => {
      const problems: string[] = [];
      compareResponse(m[`${model}$inboundSchema`], plain(ours), label, problems);
      assert.deepEqual(problems, []);
    });
  }

  test("error envelopes: the code enums are exactly the SDK's two error families", () => {
    for (const [ours, family] of [
      [R.AtsErrorResponse, 'KomboAtsError'],
      [R.GeneralErrorResponse, 'KomboGeneralError'],
    ] as const) {
      const problems: string[] = [];
      const s = plain(ours);
      compareResponse(m[`${family}Status$inboundSchema`], s.properties.status, `${family}.status`, problems);
      compareResponse(m[`${family}Error$inboundSchema`], s.properties.error, `${family}.error`, problems);
      assert.deepEqual(problems, []);
    }
  });

  test('the comparison notices a difference (a required field made optional, a nullable one not)', () => {
    const altered = plain(R.CheckApiKeyResponse);
    altered.properties.data.required = [];
    const problems: string[] = [];
    compareResponse(m.GetCheckApiKeyPositiveResponse$inboundSchema, altered, 'x', problems);
    assert.deepEqual(problems, ['x.data.environment_id: SDK required, ours optional']);
    const errAltered = plain(R.AtsErrorResponse);
    errAltered.properties.error.properties.log_url = { type: 'string' };
    const p2: string[] = [];
    compareResponse(m.KomboAtsErrorError$inboundSchema, errAltered.properties.error, 'e', p2);
    assert.deepEqual(p2, ['e.log_url: SDK nullable, ours not nullable']);
  });

  test('date-time values are checked the way the SDK parses them', () => {
    assert.ok(Value.Check(R.JobsResponse, { status: 'success', data: { results: [], next: null } }), 'an empty page is valid');
    const stage = { id: 's', name: null, remote_id: null, index: null };
    const app = (changed_at: string) => ({
      id: 'a',
      remote_id: null,
      outcome: null,
      rejection_reason_name: null,
      rejected_at: null,
      remote_url: null,
      changed_at,
      remote_created_at: null,
      remote_updated_at: null,
      current_stage: stage,
      job: null,
    });
    const Apps = R.Candidate.properties.applications;
    assert.ok(Value.Check(Apps, [app('2024-05-01T10:00:00.000Z')]));
    assert.ok(Value.Check(Apps, [app('2024-05-01T10:00:00+02:00')]));
    assert.equal(Value.Check(Apps, [app('2024-05-01')]), false, 'a date without time is not a date-time');
    assert.equal(Value.Check(Apps, [app('yesterday')]), false);
  });
});

// ---------------------------------------------------------------------------------------------
// The document: routes, Kombo agreement, structure, docs page
// ---------------------------------------------------------------------------------------------

describe('OpenAPI document and /docs', () => {
  let s: TestServer;
  let doc: any;

  before(async () => {
    s = await startTestServer('pglite');
    const res = await fetch(`${s.url}/v1/openapi.json`);
    assert.equal(res.status, 200, 'the document is public');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    doc = await res.json();
  });
  after(async () => {
    await s?.close();
  });

  test('every route fastify registered is in the document with its method (browser pages and HEAD twins aside)', () => {
    const routes = routerRoutes(s.started.app.printRoutes({ commonPrefix: false }));
    assert.ok(routes.length > 20, `the router listing parsed (${routes.length} routes)`);
    // HEAD: fastify adds one for every GET; documenting GET covers it. Browser pages (dashboard,
    // Connect page, this docs UI) are HTML for people, not API operations; so are routes marked
    // `hide` (e.g. /metrics, for Prometheus). Those are known from the onRoute recording; a route
    // the recording missed is still caught, as it is then neither documented nor known hidden.
    const recorded = (s.started.app as unknown as { openApiRoutes: RouteEntry[] }).openApiRoutes;
    const hidden = new Set(recorded.filter((r) => !inDocument(r)).map((r) => `${r.method} ${r.url}`));
    for (const h of hidden)
      assert.ok(
        h.startsWith('HEAD ') || isUi(h.split(' ')[1]) || recorded.some((r) => `${r.method} ${r.url}` === h && r.schema?.hide),
        `${h} is hidden on purpose`,
      );
    const api = routes.filter((r) => r.method !== 'HEAD' && !isUi(r.url) && !hidden.has(`${r.method} ${r.url}`));
    const missing = api.filter((r) => !doc.paths[toOpenApi(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(missing, []);
    for (const core of ['/v1/ats/jobs', '/v1/ats/candidates/{candidate_id}/result-links', '/v1/check-api-key', '/health/live'])
      assert.ok(doc.paths[core], core);
    // And nothing the router doesn't have.
    const documented = Object.entries<any>(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((k) => METHODS.includes(k))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    assert.equal(documented.length, api.length, 'one operation per (method, route)');
    for (const op of documented) {
      const [method, path] = op.split(' ');
      assert.ok(s.started.app.hasRoute({ method: method as any, url: path.replace(/\{([^}]+)\}/g, ':$1') }), `${op} is a real route`);
    }
    assert.ok(!Object.keys(doc.paths).some((p) => isUi(p)), 'browser pages are left out');
  });

  test('every operation has a summary, a tag, an operationId (unique) and a JSON success response for API routes', () => {
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      for (const [m, op] of Object.entries<any>(ops)) {
        assert.ok(op.summary && op.tags?.length && op.operationId, `${m} ${p}`);
        assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
        assert.ok(op.responses['200'], `${m} ${p} has a 200 response`);
      }
    }
    assert.ok(ids.has('addCandidateResultLink') && ids.has('getCandidates'), "the SDK's operation names");
  });

  test('auth is declared per route: exactly these take no API key, and every other one refuses a request without it', async () => {
    const recorded = (s.started.app as unknown as { openApiRoutes: RouteEntry[] }).openApiRoutes.filter((r) => r.method !== 'HEAD');
    const mode = (want: string) =>
      recorded
        .filter((r) => (r.auth ?? 'api-key') === want)
        .map((r) => `${r.method} ${r.url}`)
        .sort();
    assert.deepEqual(mode('none'), [
      'GET /connect/:token',
      'GET /connect/:token/status',
      'GET /connect/assets/:file',
      'GET /connect/oauth/callback',
      'GET /dashboard/assets/dashboard.css',
      'GET /dashboard/login',
      'GET /docs',
      'GET /docs/*',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /v1/assets/tools/:file',
      'GET /v1/files/:token',
      'GET /v1/openapi.json',
      'POST /connect/:token',
      'POST /connect/:token/oauth',
      'POST /connect/:token/vendor-webhook-secret',
      'POST /dashboard/login',
      'POST /dashboard/logout',
      'POST /v1/vendor-webhooks/:token',
    ]);
    assert.ok(
      mode('session').length >= 7 && mode('session').every((r) => /^\/dashboard(\/|$)/.test(r.split(' ')[1])),
      mode('session').join(),
    );
    const keyed = recorded.filter((r) => (r.auth ?? 'api-key') === 'api-key');
    assert.ok(keyed.length >= 15, `${keyed.length} routes take the API key`);
    for (const r of keyed) {
      const url = r.url.replace(/:[A-Za-z0-9_]+/g, 'x');
      const res = await fetch(`${s.url}${url}`, {
        method: r.method,
        headers: { 'content-type': 'application/json', 'x-integration-id': DEMO },
        body: r.method === 'GET' ? undefined : '{}',
      });
      assert.equal(res.status, 401, `${r.method} ${r.url} without a key`);
    }
  });

  test('security: bearer everywhere, except the public paths; X-Integration-Id on /ats, /force-sync and /passthrough', () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: doc.components.securitySchemes.bearerAuth.description,
    });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      const isPublic = /^\/(health\/|v1\/files\/|v1\/assets\/|v1\/openapi\.json)/.test(p);
      for (const [m, op] of Object.entries<any>(ops)) {
        assert.equal(Array.isArray(op.security) && op.security.length === 0, isPublic, `${m} ${p} public=${isPublic}`);
        const header = (op.parameters ?? [])
          .map((x: any) => deref(doc, x))
          .find((x: any) => x.in === 'header' && x.name === 'X-Integration-Id');
        const wants = p.startsWith('/v1/ats/') || p === '/v1/force-sync' || p.startsWith('/v1/passthrough/');
        assert.equal(!!header, wants, `${m} ${p} X-Integration-Id`);
        if (header) assert.equal(header.required, true);
      }
    }
  });

  test("the write endpoints' request bodies agree with Kombo's OpenAPI (required, names, enums)", () => {
    const writes = [
      '/ats/candidates/{candidate_id}/result-links',
      '/ats/applications/{application_id}/result-links',
      '/ats/candidates/{candidate_id}/attachments',
    ];
    for (const path of writes) {
      const theirs = kombo.paths[path].post;
      const ours = doc.paths[`/v1${path}`]?.post;
      assert.ok(ours, `we have POST /v1${path}`);
      assert.equal(ours.requestBody.required, true);
      const problems: string[] = [];
      compareRequest(
        doc,
        ours.requestBody.content['application/json'].schema,
        theirs.requestBody.content['application/json'].schema,
        path,
        problems,
      );
      assert.deepEqual(problems, []);
      const pathParams = (o: any, d: any) =>
        (o.parameters ?? [])
          .map((x: any) => deref(d, x))
          .filter((x: any) => x.in === 'path')
          .map((x: any) => x.name);
      assert.deepEqual(pathParams(ours, doc), pathParams(theirs, kombo));
    }
  });

  test('the request comparison notices a difference', () => {
    const altered = structuredClone(doc);
    altered.components.schemas.AttachmentBody.properties.attachment.required = ['name'];
    altered.components.schemas.AttachmentBody.properties.attachment.properties.type = { type: 'string' };
    const problems: string[] = [];
    const theirs = kombo.paths['/ats/candidates/{candidate_id}/attachments'].post.requestBody.content['application/json'].schema;
    compareRequest(altered, { $ref: '#/components/schemas/AttachmentBody' }, theirs, 'a', problems);
    assert.equal(problems.length, 2, problems.join('\n'));
  });

  test('the list endpoints take every current Kombo query parameter (ours may add more)', () => {
    for (const model of ['jobs', 'candidates', 'applications']) {
      const theirs = kombo.paths[`/ats/${model}`].get.parameters.map((x: any) => deref(kombo, x));
      const ours = (doc.paths[`/v1/ats/${model}`].get.parameters ?? []).map((x: any) => deref(doc, x));
      const names = new Set(ours.filter((x: any) => x.in === 'query').map((x: any) => x.name));
      // Deprecated parameters are not part of the current contract (jobs' `status` → `statuses`).
      const core = theirs.filter((x: any) => x.in === 'query' && !/deprecated/i.test(x.description ?? ''));
      assert.ok(core.length >= 5, `${model}: Kombo's parameters parsed`);
      assert.deepEqual(
        core.map((x: any) => x.name).filter((n: string) => !names.has(n)),
        [],
        model,
      );
      for (const x of ours) if (x.in === 'query') assert.equal(x.required, false, `${model}.${x.name} is optional`);
      assert.ok(
        ours.some((x: any) => x.in === 'header' && x.name === 'X-Integration-Id' && x.required),
        `${model}: X-Integration-Id`,
      );
    }
  });

  test("Kombo's webhook events are documented under `webhooks`, with the event names Kombo's own document uses", () => {
    const ours = Object.keys(doc.webhooks ?? {}).sort();
    assert.deepEqual(ours, ['data-changed', 'integration-created', 'integration-deleted', 'integration-state-changed', 'sync-finished']);
    for (const type of ours) {
      assert.ok(kombo.webhooks[type], `${type} is one of Kombo's events`);
      const schema = doc.webhooks[type].post.requestBody.content['application/json'].schema;
      assert.deepEqual(schema.properties.type.const, type);
      // Kombo's required data keys are all in ours.
      const theirs = deref(
        kombo,
        deref(kombo, kombo.webhooks[type].post.requestBody.content['application/json'].schema).properties.data,
      ).required;
      for (const key of theirs) assert.ok(schema.properties.data.required.includes(key), `${type}: data.${key}`);
    }
  });

  test('the document is structurally valid OpenAPI 3.1 and every $ref resolves', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info?.title && doc.info?.version);
    assert.equal(doc.servers?.[0]?.url, s.url, '"Try it out" goes to this server');
    const tags = new Set(doc.tags.map((t: any) => t.name));
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      assert.match(p, /^\//);
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
      for (const [m, op] of Object.entries<any>(ops)) {
        assert.ok(METHODS.includes(m), `${p}: ${m} is an HTTP method`);
        assert.ok(Object.keys(op.responses).length > 0, `${m} ${p} has responses`);
        for (const [status, r] of Object.entries<any>(op.responses)) {
          assert.match(status, /^[1-5]\d\d$|^default$/);
          assert.ok(typeof deref(doc, r).description === 'string', `${m} ${p} ${status} has a description`);
        }
        for (const t of op.tags) assert.ok(tags.has(t), `tag ${t} is declared`);
        const params = (op.parameters ?? []).map((x: any) => deref(doc, x));
        for (const x of params) {
          assert.ok(x.name && ['query', 'header', 'path', 'cookie'].includes(x.in) && x.schema, `${m} ${p} parameter ${x.name}`);
          if (x.in === 'path') assert.equal(x.required, true);
        }
        assert.deepEqual(
          params
            .filter((x: any) => x.in === 'path')
            .map((x: any) => x.name)
            .sort(),
          [...templated].sort(),
          `${m} ${p}: path parameters match the template`,
        );
        if (op.requestBody) assert.ok(op.requestBody.content?.['application/json']?.schema, `${m} ${p} body schema`);
      }
    }
    // Every $ref anywhere resolves.
    let refs = 0;
    const walk = (n: any) => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n && typeof n === 'object') {
        if (typeof n.$ref === 'string') {
          refs++;
          deref(doc, n);
        }
        Object.values(n).forEach(walk);
      }
    };
    walk(doc);
    assert.ok(refs > 50, `${refs} $refs checked`);
    // JSON Schema 2020-12 keywords only: no TypeBox markers leaked.
    assert.ok(!JSON.stringify(doc).includes('"[Kind]"'));
  });

  test('/docs serves HTML that loads only same-origin assets, under a same-origin CSP', async () => {
    const res = await fetch(`${s.url}/docs`);
    assert.equal(res.status, 200, '/docs is public');
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await res.text();
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(urls.length >= 3, 'the page references its assets');
    for (const u of urls) {
      assert.match(u, /^\/docs\//, `${u} is same-origin`);
      const a = await fetch(s.url + u);
      assert.equal(a.status, 200, u);
      assert.ok((await a.arrayBuffer()).byteLength > 0, u);
    }
    assert.ok(!/https?:\/\//.test(html), 'no absolute URL in the page');
    const bundle = await fetch(`${s.url}/docs/swagger-ui-bundle.js`);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    // Only the listed files: no path traversal into node_modules.
    for (const bad of [
      '/docs/package.json',
      '/docs/..%2Fpackage.json',
      '/docs/..%2F..%2Fpackage.json',
      '/docs/index.html',
      '/docs/swagger-ui.js.map',
    ]) {
      assert.equal((await fetch(s.url + bad)).status, 404, bad);
    }
  });

  test('a browser renders the operations at /docs without any outbound request (screenshot in docs/screenshots)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${s.url}/docs`);
      const resultLinks = page.locator('.opblock-summary-path', { hasText: 'result-links' }).first();
      await resultLinks.waitFor({ state: 'visible' });
      const paths = (await page.locator('.opblock-summary-path').allTextContents()).map((t) => t.replace(/\u200b/g, ''));
      assert.ok(paths.includes('/v1/ats/candidates/{candidate_id}/result-links'), paths.join(', '));
      assert.ok(paths.includes('/v1/ats/jobs'));
      assert.equal(
        paths.length,
        // Swagger UI lists the webhooks (one POST each) with the operations.
        Object.values<any>(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0) + Object.keys(doc.webhooks ?? {}).length,
        'every operation is listed',
      );
      // Open one operation: its request body schema renders too.
      await resultLinks.click();
      await page.locator('.opblock-body', { hasText: 'Request body' }).first().waitFor({ state: 'visible' });
      assert.match((await page.locator('.opblock-body').first().textContent()) ?? '', /custom_field_name_prefix/);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'api-docs.png') });
      const foreign = requests.filter((u) => !u.startsWith(s.url) && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'no request leaves the server');
      assert.deepEqual(errors, [], 'no script or CSP errors');
    } finally {
      await browser.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real responses validate against the schemas the document names
// ---------------------------------------------------------------------------------------------

for (const kind of databaseKinds()) {
  describe(`real responses match the document on ${kind}`, () => {
    let s: TestServer;
    let doc: any;
    /** "METHOD /path" → statuses seen (success and error). */
    const seen = new Map<string, Set<number>>();

    before(async () => {
      s = await startTestServer(kind);
      doc = await (await fetch(`${s.url}/v1/openapi.json`)).json();
    });
    after(async () => {
      await s?.close();
    });

    /**
     * Calls `url` and checks the answer against the operation `method template` of the
     * document: the status must be documented, and the body must validate against the schema
     * the document names for it (Value.Check on our TypeBox schema).
     */
    async function hit(
      method: string,
      template: string,
      url: string,
      o: { body?: unknown; integrationId?: string; headers?: Record<string, string>; expect?: number } = {},
    ) {
      const op = doc.paths[template]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${template} is documented`);
      const res = await s.call(method, url, o);
      if (o.expect !== undefined) assert.equal(res.status, o.expect, `${method} ${url}: ${JSON.stringify(res.body).slice(0, 300)}`);
      const documented = op.responses[String(res.status)];
      assert.ok(documented, `${method} ${template}: status ${res.status} is documented (${Object.keys(op.responses)})`);
      const content = documented.content ?? {};
      const json = content['application/json'];
      const type = res.headers.get('content-type') ?? '';
      if (json?.schema?.$ref) {
        assert.match(type, /^application\/json/);
        const name = json.schema.$ref.split('/').pop() as keyof typeof COMPONENTS;
        const schema = COMPONENTS[name];
        const errs = [...Value.Errors(schema, res.body)]
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message} (${JSON.stringify(e.value)?.slice(0, 80)})`);
        assert.deepEqual(errs, [], `${method} ${url} → ${res.status} vs ${name}`);
        assert.ok(Value.Check(schema, res.body));
      } else {
        const types = Object.keys(content);
        assert.ok(
          types.some((t) => t === '*/*' || type.startsWith(t)),
          `${method} ${url}: ${type} is one of ${types}`,
        );
      }
      const key = `${method} ${template}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(res.status));
      return res;
    }

    test('ATS reads, success and errors', async () => {
      for (const model of ['jobs', 'candidates', 'applications', 'users', 'tags']) {
        const t = `/v1/ats/${model}`;
        const page = await hit('GET', t, `${t}?page_size=40`, { integrationId: DEMO, expect: 200 });
        assert.ok(page.body.data.results.length > 0, `${model}: the sandbox has data`);
        await hit('GET', t, `${t}?page_size=0`, { integrationId: DEMO, expect: 400 });
        await hit('GET', t, t, { expect: 400 }); // no X-Integration-Id
        await hit('GET', t, t, { integrationId: 'sandbox:nope', expect: 404 });
        await hit('GET', t, t, { integrationId: DEMO, headers: { authorization: 'Bearer wrong' }, expect: 401 });
      }
      await hit('GET', '/v1/ats/applications', '/v1/ats/applications?outcomes=MAYBE', { integrationId: DEMO, expect: 400 });
    });

    test('ATS writes and candidate attachments, success and errors; files', async () => {
      const cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const app = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const link = {
        label: 'Assessment',
        url: 'https://results.example/1',
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '90%' }] },
      };

      const cT = '/v1/ats/candidates/{candidate_id}/result-links';
      await hit('POST', cT, `/v1/ats/candidates/${cand.id}/result-links`, { integrationId: DEMO, body: link, expect: 200 });
      await hit('POST', cT, `/v1/ats/candidates/${cand.id}/result-links`, {
        integrationId: DEMO,
        body: { label: 'x', url: 'not a url' },
        expect: 400,
      });
      const unknown = await hit('POST', cT, '/v1/ats/candidates/NoSuchCandidate/result-links', {
        integrationId: DEMO,
        body: link,
        expect: 404,
      });
      assert.ok(unknown.body.error.log_url, 'a write error links to its log');
      await hit('POST', cT, `/v1/ats/candidates/${cand.id}/result-links`, {
        integrationId: DEMO,
        body: '<label/>',
        headers: { 'content-type': 'application/xml' },
        expect: 415,
      });

      const aT = '/v1/ats/applications/{application_id}/result-links';
      await hit('POST', aT, `/v1/ats/applications/${app.id}/result-links`, { integrationId: DEMO, body: link, expect: 200 });
      await hit('POST', aT, `/v1/ats/applications/${app.id}/result-links`, {
        integrationId: DEMO,
        body: { url: 'https://x.example' },
        expect: 400,
      });

      const attT = '/v1/ats/candidates/{candidate_id}/attachments';
      const file = {
        name: 'Report.pdf',
        type: 'OTHER',
        content_type: 'application/pdf',
        data: Buffer.from('%PDF-1.4 report').toString('base64'),
      };
      await hit('POST', attT, `/v1/ats/candidates/${cand.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: file },
        expect: 200,
      });
      await hit('POST', attT, `/v1/ats/candidates/${cand.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'a.pdf', type: 'CV' } },
        expect: 400,
      });
      const list = await hit('GET', attT, `/v1/ats/candidates/${cand.id}/attachments`, { integrationId: DEMO, expect: 200 });
      await hit('GET', attT, '/v1/ats/candidates/NoSuchCandidate/attachments', { integrationId: DEMO, expect: 404 });

      const att = list.body.data.results.find((a: any) => a.file_name === 'Report.pdf');
      assert.ok(att, 'the new attachment is listed');
      const filePath = new URL(att.data_url).pathname;
      assert.match(filePath, /^\/v1\/files\//);
      const got = await hit('GET', '/v1/files/{token}', filePath, { headers: { authorization: '' }, expect: 200 });
      assert.equal(got.body, '%PDF-1.4 report');
      await hit('GET', '/v1/files/{token}', '/v1/files/not-a-token', { expect: 401 });
    });

    test('candidate tags: add and remove (a DELETE with a body), success and errors', async () => {
      const c = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const t = '/v1/ats/candidates/{candidate_id}/tags';
      for (const method of ['POST', 'DELETE']) {
        await hit(method, t, `/v1/ats/candidates/${c.id}/tags`, {
          integrationId: DEMO,
          body: { tag: { name: 'Documented' } },
          expect: 200,
        });
        await hit(method, t, `/v1/ats/candidates/${c.id}/tags`, { integrationId: DEMO, body: { tag: {} }, expect: 400 });
        await hit(method, t, '/v1/ats/candidates/NoSuchCandidate/tags', { integrationId: DEMO, body: { tag: { name: 'x' } }, expect: 404 });
      }
    });

    test('application notes and attachments, success and errors', async () => {
      const app = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const nT = '/v1/ats/applications/{application_id}/notes';
      await hit('POST', nT, `/v1/ats/applications/${app.id}/notes`, {
        integrationId: DEMO,
        body: { content: 'Interview on Tuesday', content_type: 'PLAIN_TEXT' },
        expect: 200,
      });
      await hit('POST', nT, `/v1/ats/applications/${app.id}/notes`, {
        integrationId: DEMO,
        body: { content: '<b>x</b>', content_type: 'HTML' },
        expect: 400,
      });
      await hit('POST', nT, '/v1/ats/applications/NoSuchApplication/notes', {
        integrationId: DEMO,
        body: { content: 'x', content_type: 'PLAIN_TEXT' },
        expect: 404,
      });

      const attT = '/v1/ats/applications/{application_id}/attachments';
      const file = {
        name: 'Transcript.pdf',
        type: 'OTHER',
        content_type: 'application/pdf',
        data: Buffer.from('%PDF-1.4 transcript').toString('base64'),
      };
      await hit('POST', attT, `/v1/ats/applications/${app.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: file },
        expect: 200,
      });
      await hit('POST', attT, `/v1/ats/applications/${app.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'a.pdf', type: 'CV' } },
        expect: 400,
      });
      const list = await hit('GET', attT, `/v1/ats/applications/${app.id}/attachments`, { integrationId: DEMO, expect: 200 });
      assert.ok(
        list.body.data.results.some((a: any) => a.file_name === 'Transcript.pdf'),
        'the new attachment is listed',
      );
      await hit('GET', attT, '/v1/ats/applications/NoSuchApplication/attachments', { integrationId: DEMO, expect: 404 });
    });

    test('stage moves, rejections and rejection reasons, success and errors', async () => {
      const rT = '/v1/ats/rejection-reasons';
      const reasons = await hit('GET', rT, `${rT}?page_size=10`, { integrationId: DEMO, expect: 200 });
      assert.ok(reasons.body.data.results.length > 0, 'the sandbox has rejection reasons');
      await hit('GET', rT, `${rT}?page_size=0`, { integrationId: DEMO, expect: 400 });
      const apps = (await s.call('GET', '/v1/ats/applications?outcomes=PENDING&page_size=50', { integrationId: DEMO })).body.data.results;
      const app = apps.find((a: any) => a.job_id);
      const job = (await s.call('GET', `/v1/ats/jobs?ids=${app.job_id}`, { integrationId: DEMO })).body.data.results[0];
      const target = job.stages.find((st: any) => st.id !== app.current_stage_id);
      const sT = '/v1/ats/applications/{application_id}/stage';
      await hit('PUT', sT, `/v1/ats/applications/${app.id}/stage`, { integrationId: DEMO, body: { stage_id: target.id }, expect: 200 });
      await hit('PUT', sT, `/v1/ats/applications/${app.id}/stage`, { integrationId: DEMO, body: {}, expect: 400 });
      await hit('PUT', sT, `/v1/ats/applications/${app.id}/stage`, { integrationId: DEMO, body: { stage_id: 'NoSuchStage' }, expect: 404 });
      const jT = '/v1/ats/applications/{application_id}/reject';
      const reason = reasons.body.data.results[0];
      await hit('POST', jT, `/v1/ats/applications/${app.id}/reject`, {
        integrationId: DEMO,
        body: { rejection_reason_id: reason.id, note: 'Not this time.' },
        expect: 200,
      });
      await hit('POST', jT, `/v1/ats/applications/${app.id}/reject`, { integrationId: DEMO, body: { note: 'x' }, expect: 400 });
      await hit('POST', jT, '/v1/ats/applications/NoSuchApplication/reject', {
        integrationId: DEMO,
        body: { rejection_reason_id: reason.id },
        expect: 404,
      });
    });

    test('general endpoints, success and errors', async () => {
      await hit('GET', '/v1/check-api-key', '/v1/check-api-key', { expect: 200 });
      await hit('GET', '/v1/check-api-key', '/v1/check-api-key', { headers: { authorization: '' }, expect: 401 });

      const iT = '/v1/integrations/{integration_id}';
      await hit('GET', iT, `/v1/integrations/${DEMO}`, { expect: 200 });
      await hit('GET', iT, '/v1/integrations/sandbox:nope', { expect: 404 });
      await hit('DELETE', iT, '/v1/integrations/sandbox:nope', { body: {}, expect: 404 });

      await hit('POST', '/v1/force-sync', '/v1/force-sync', { integrationId: DEMO, body: { type: 'DELTA' }, expect: 200 });
      await hit('POST', '/v1/force-sync', '/v1/force-sync', { body: {}, expect: 400 });
      await hit('POST', '/v1/force-sync', '/v1/force-sync', { integrationId: DEMO, body: { type: 'SOMETIMES' }, expect: 400 });

      const eT = '/v1/integrations/{integration_id}/enabled';
      await hit('PUT', eT, `/v1/integrations/${DEMO}/enabled`, { body: { value: true }, expect: 200 });
      await hit('PUT', eT, `/v1/integrations/${DEMO}/enabled`, { body: { value: 'yes' }, expect: 400 });
      await hit('PUT', eT, '/v1/integrations/sandbox:nope/enabled', { body: { value: true }, expect: 404 });

      for (const t of ['custom-fields', 'integration-fields']) {
        const T = `/v1/integrations/{integration_id}/${t}`;
        await hit('GET', T, `/v1/integrations/${DEMO}/${t}`, { expect: 200 });
        await hit('GET', T, `/v1/integrations/${DEMO}/${t}?page_size=0`, { expect: 400 });
        await hit('GET', T, `/v1/integrations/sandbox:nope/${t}`, { expect: 404 });
      }

      // Passthrough needs a vendor API: a Lever fake behind a real integration.
      const lever = await startLeverFake();
      try {
        const id = (
          await connectIntegration(s.started.rt, {
            accountId: 'default',
            tool: 'lever',
            organizationName: 'OpenAPI Lever',
            credentials: lever.credentials,
            baseUrl: lever.url,
            waitForSync: false,
          })
        ).id;
        const pT = '/v1/passthrough/{tool}/{api}';
        const got = await hit('POST', pT, '/v1/passthrough/lever/v1', {
          integrationId: id,
          body: { method: 'GET', path: '/stages' },
          expect: 200,
        });
        assert.equal(got.body.data.status, 200);
        await hit('POST', pT, '/v1/passthrough/lever/v1', { integrationId: id, body: { method: 'GET', path: '/../admin' }, expect: 400 });
        await hit('POST', pT, '/v1/passthrough/sandbox/v1', {
          integrationId: DEMO,
          body: { method: 'GET', path: '/candidates' },
          expect: 400,
        });
        await hit('POST', pT, '/v1/passthrough/lever/v1', {
          integrationId: 'lever:nope',
          body: { method: 'GET', path: '/stages' },
          expect: 404,
        });
      } finally {
        await lever.stop();
      }

      await hit('GET', '/v1/tools/{category}', '/v1/tools/ats', { expect: 200 });
      await hit('GET', '/v1/tools/{category}', '/v1/tools/hris', { expect: 200 });
      await hit('GET', '/v1/tools/{category}', '/v1/tools/crm', { expect: 400 });

      await hit('GET', '/v1/assets/tools/{file}', '/v1/assets/tools/sandbox.svg', { headers: { authorization: '' }, expect: 200 });
      await hit('GET', '/v1/assets/tools/{file}', '/v1/assets/tools/nope.svg', { headers: { authorization: '' }, expect: 404 });
    });

    test('interaction logs, health, the document itself, an unknown route', async () => {
      const logs = await hit('GET', '/v1/logs', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}&limit=20`, { expect: 200 });
      assert.ok(logs.body.data.results.length > 0, 'the writes above were logged');
      await hit('GET', '/v1/logs', '/v1/logs?outcome=MAYBE', { expect: 400 });
      await hit('GET', '/v1/logs/{log_id}', `/v1/logs/${logs.body.data.results[0].id}`, { expect: 200 });
      await hit('GET', '/v1/logs/{log_id}', '/v1/logs/no-such-log', { expect: 404 });

      await hit('GET', '/health/live', '/health/live', { headers: { authorization: '' }, expect: 200 });
      await hit('GET', '/health/ready', '/health/ready', { headers: { authorization: '' }, expect: 200 });
      const self = await hit('GET', '/v1/openapi.json', '/v1/openapi.json', { headers: { authorization: '' }, expect: 200 });
      assert.equal(self.body.openapi, '3.1.0');

      const nope = await s.call('GET', '/v1/no-such-endpoint');
      assert.equal(nope.status, 404);
      assert.deepEqual(
        [...Value.Errors(R.GeneralErrorResponse, nope.body)].map((e) => e.path),
        [],
      );
    });

    test('Connect API: create-link, the page flow, integration-by-token, relink, delete', async () => {
      const cl = '/v1/connect/create-link';
      const created = await hit('POST', cl, cl, {
        body: {
          end_user_email: 'it@openapi.example',
          end_user_organization_name: 'OpenAPI Inc.',
          end_user_origin_id: 'oa-1',
          integration_category: 'ATS',
          integration_tool: 'sandbox',
        },
        expect: 200,
      });
      await hit('POST', cl, cl, { body: { end_user_email: 'x@y.example' }, expect: 400 });

      // The customer fills in the page's form (as its script does) and gets an activation token.
      const submitted = await fetch(created.body.data.link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ tool: 'sandbox', cred_api_key: 'sandbox-openapi' }),
      });
      assert.equal(submitted.status, 200);
      const activation = (await submitted.json()).data.activation_token;
      const byT = '/v1/connect/integration-by-token/{token}';
      const integration = await hit('GET', byT, `/v1/connect/integration-by-token/${activation}`, { expect: 200 });
      await hit('GET', byT, '/v1/connect/integration-by-token/no-such-token', { expect: 404 });
      const id = integration.body.data.id;

      const rl = '/v1/integrations/{integration_id}/relink';
      await hit('POST', rl, `/v1/integrations/${id}/relink`, { body: {}, expect: 200 });
      await hit('POST', rl, '/v1/integrations/sandbox:nope/relink', { body: {}, expect: 404 });

      await hit('DELETE', '/v1/integrations/{integration_id}', `/v1/integrations/${id}`, { body: {}, expect: 200 });
      assert.equal((await s.call('GET', `/v1/integrations/${id}`)).status, 404, 'deleted');
    });

    test('every documented operation was exercised: a success, and an error where errors are documented', () => {
      const gaps: string[] = [];
      for (const [p, ops] of Object.entries<any>(doc.paths)) {
        for (const [m, op] of Object.entries<any>(ops)) {
          const key = `${m.toUpperCase()} ${p}`;
          const statuses = [...(seen.get(key) ?? [])];
          if (!statuses.some((x) => x < 300)) gaps.push(`${key}: no success checked`);
          const documentsErrors = Object.keys(op.responses).some((x) => x.startsWith('4'));
          if (documentsErrors && !statuses.some((x) => x >= 400)) gaps.push(`${key}: no error checked`);
        }
      }
      assert.deepEqual(gaps, []);
    });
  });
}
