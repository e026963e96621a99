/**
 * The fidelity harness itself: provenance tables are parsed strictly, a fake refuses a call its
 * connector's table lacks, and the spec checker catches wrong types, undeclared fields and
 * invented paths. (Each connector's own suite runs its fake with both checks switched on.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer } from '../fakes/server.ts';
import { documentingRow, parseProvenance } from '../fakes/provenance.ts';
import { SpecCheck } from '../fakes/spec-check.ts';

const TABLE =
  `# X\n\n## Provenance\n\n| Method | Path | Purpose | Source | Confidence |\n|---|---|---|---|---|\n` +
  `| GET | \`/v1/items\` | list | [X-DOCS] | vendor |\n| POST, PATCH | /v1/items/{id}/notes | note | [X-SDK] | third-party |\n` +
  `| PUT | /upload/** | presigned | [X-DOCS] | unconfirmed-handled |\n\n## Next\n`;

test('a provenance table is parsed, with {param} segments and /** rests', () => {
  const rows = parseProvenance(TABLE);
  assert.equal(rows.length, 3);
  assert.ok(documentingRow(rows, 'GET', '/v1/items?limit=5'));
  assert.ok(documentingRow(rows, 'PATCH', '/v1/items/42/notes'));
  assert.equal(documentingRow(rows, 'GET', '/v1/items/42/notes'), undefined, 'method must match');
  assert.equal(documentingRow(rows, 'POST', '/v1/items/42/x/notes'), undefined, '{id} is one segment');
  assert.ok(documentingRow(rows, 'PUT', '/upload/bucket/key'));
});

test('a provenance table without a source or with an unknown confidence is refused', () => {
  assert.throws(() => parseProvenance(TABLE.replace('| [X-DOCS] | vendor |', '|  | vendor |')), /names no source/);
  assert.throws(() => parseProvenance(TABLE.replace('| third-party |', '| likely |')), /confidence/);
  assert.throws(() => parseProvenance('# X\n## Endpoints\n'), /no "## Provenance"/);
});

test('a fake answers 501 to a call its connector does not document, and stop() fails the test', async () => {
  // A table of our own rather than a connector's README, so this test does not move with them.
  const server = new FakeServer();
  (server as any).provenance = { tool: 'demo', rows: parseProvenance(TABLE) };
  server.route('GET', '/v1/items', () => ({ json: { items: [] } }));
  server.route('DELETE', '/v1/items/:id', () => ({ status: 204 }));
  const url = await server.start();
  assert.equal((await fetch(`${url}/v1/items`)).status, 200);
  const res = await fetch(`${url}/v1/items/7`, { method: 'DELETE' });
  assert.equal(res.status, 501);
  assert.deepEqual(server.undocumented, ['DELETE /v1/items/7']);
  await assert.rejects(server.stop(), /no row in .*provenance table: DELETE \/v1\/items\/7/);
});

const SPEC = {
  openapi: '3.0.3',
  paths: {
    '/notes': {
      post: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NoteIn' } } } },
        responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } } },
      },
    },
  },
  components: {
    schemas: {
      NoteIn: {
        type: 'object',
        required: ['body'],
        properties: { body: { type: 'string' }, visibility: { type: 'string', enum: ['public', 'private'], nullable: true } },
      },
      Note: { allOf: [{ $ref: '#/components/schemas/NoteIn' }, { type: 'object', properties: { id: { type: 'integer' } } }] },
    },
  },
};

test('the spec checker: types, enums, nullable, undeclared fields through allOf, unknown paths', () => {
  const spec = new SpecCheck(structuredClone(SPEC), { label: 'Demo OpenAPI', basePath: '/api', strictPaths: true });
  assert.deepEqual(spec.checkRequest('POST', '/api/notes', { body: 'x', visibility: null }), []);
  assert.match(spec.checkRequest('POST', '/api/notes', { body: 5 }).join(), /\/body must be string/);
  assert.match(spec.checkRequest('POST', '/api/notes', { body: 'x', visibility: 'team' }).join(), /allowed values/);
  assert.match(spec.checkRequest('POST', '/api/notes', { body: 'x', is_private: true }).join(), /\/is_private is not declared/);
  assert.deepEqual(spec.checkResponse('POST', '/api/notes', 201, { id: 3, body: 'x' }), [], 'allOf merges declared fields');
  assert.match(spec.checkResponse('POST', '/api/notes', 201, { id: 3, body: 'x', extra: 1 }).join(), /\/extra is not declared/);
  assert.match(spec.checkRequest('POST', '/api/notez', { body: 'x' }).join(), /no such operation/);
  assert.deepEqual(spec.checkRequest('GET', '/elsewhere', undefined), [], 'outside basePath is not judged');
  assert.ok(spec.violations.length >= 5);
});

test('a fake with a spec refuses a request that breaks it, and stop() fails the test', async () => {
  const server = new FakeServer({ spec: new SpecCheck(structuredClone(SPEC), { label: 'Demo OpenAPI' }) });
  server.route('POST', '/notes', (req) => ({ status: 201, json: { id: 1, body: req.json.body } }));
  const url = await server.start();
  const ok = await fetch(`${url}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'hi' }),
  });
  assert.equal(ok.status, 201);
  const bad = await fetch(`${url}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'hi' }),
  });
  assert.equal(bad.status, 422);
  await assert.rejects(server.stop(), /break the Demo OpenAPI/);
});

test('every connector has a provenance table its fake enforces, with at least 90% of calls confirmed by a vendor or third-party source', async () => {
  const { connectors } = await import('../../src/connectors/registry.ts');
  const { readFileSync } = await import('node:fs');
  const { provenanceOf } = await import('../fakes/provenance.ts');
  const real = [...connectors.values()].filter((c) => c.definition.id !== 'sandbox');
  assert.ok(real.length >= 7);
  for (const c of real) {
    const tool = c.definition.id;
    const rows = provenanceOf(tool);
    const confirmed = rows.filter((r) => r.confidence === 'vendor' || r.confidence === 'third-party').length;
    assert.ok(confirmed / rows.length >= 0.9, `${tool}: ${confirmed}/${rows.length} calls confirmed`);
    const fake = readFileSync(new URL(`../fakes/${tool}.ts`, import.meta.url), 'utf8');
    assert.match(fake, new RegExp(`new FakeServer\\(\\{[^)]*provenance: '${tool}'`), `${tool}'s fake checks its provenance table`);
  }
});
