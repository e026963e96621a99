/**
 * The passthrough's URL rule (src/passthrough/target.ts) on its own: allowed paths land under the
 * base URL (a base path such as Recruitee's /c/{company_id} included), prefixes match whole
 * segments (or RPC names after a "."), and each refusal names why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedBy, passthroughUrl } from '../../src/passthrough/target.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { AtsgateError } from '../../src/errors.ts';

const api = { description: 'x', docs: [], paths: ['/candidates', '/configuration/candidate-properties'] };

test('allowed paths resolve under the base URL, its path kept, params appended', () => {
  assert.equal(
    passthroughUrl('https://api.recruitee.com/c/123', api, '/candidates/9?limit=2', { offset: '5' }).toString(),
    'https://api.recruitee.com/c/123/candidates/9?limit=2&offset=5',
  );
  assert.equal(
    passthroughUrl('https://api.recruitee.com/c/123/', api, '/candidates').toString(),
    'https://api.recruitee.com/c/123/candidates',
  );
  assert.equal(passthroughUrl('https://acme.workable.com/spi/v3', api, '/candidates/a%20b').pathname, '/spi/v3/candidates/a%20b');
  const ashby = { description: 'x', docs: [], paths: ['/candidate.'] };
  assert.equal(passthroughUrl('https://api.ashbyhq.com', ashby, '/candidate.info').toString(), 'https://api.ashbyhq.com/candidate.info');
});

test('prefixes match whole segments, or what follows a trailing "." or "/"', () => {
  assert.ok(allowedBy(['/candidates'], '/candidates'));
  assert.ok(allowedBy(['/candidates'], '/candidates/1/notes'));
  assert.ok(!allowedBy(['/candidates'], '/candidatesX'));
  assert.ok(!allowedBy(['/candidates'], '/candidate'));
  assert.ok(allowedBy(['/candidate.'], '/candidate.list'));
  assert.ok(!allowedBy(['/candidate.'], '/candidate.'));
  assert.ok(!allowedBy(['/candidate.'], '/candidateX'));
});

test('each refusal is PLATFORM.INPUT_INVALID with a reason', () => {
  const cases: [string, RegExp][] = [
    ['https://evil.example/candidates', /absolute URLs are not allowed/],
    ['//evil.example/candidates', /"\/\/"/],
    ['/candidates/../users', /"\." or "\.\." segments/],
    ['/candidates/%2e%2e/users', /encoded/],
    ['/candidates/%252e%252e/users', /encoded/],
    ['/candidates\\..\\users', /backslashes/],
    ['/users', /outside the paths this API allows/],
    ['/candidates//x', /empty segments/],
    ['/candidates/%E0%A4%A', /malformed/],
  ];
  for (const [path, why] of cases) {
    assert.throws(
      () => passthroughUrl('https://api.recruitee.com/c/123', api, path),
      (e: unknown) => e instanceof AtsgateError && e.code === 'PLATFORM.INPUT_INVALID' && why.test(e.message),
      path,
    );
  }
});

test('every real connector names its passthrough APIs with sources, and the sandbox has none', () => {
  for (const tool of [
    'greenhouse',
    'lever',
    'ashby',
    'workable',
    'smartrecruiters',
    'teamtailor',
    'recruitee',
    'pinpoint',
    'zohorecruit',
    'icims',
    'bullhorn',
    'successfactors',
    'oraclerecruiting',
  ]) {
    const apis = getConnector(tool)!.definition.passthrough ?? {};
    assert.ok(Object.keys(apis).length > 0, tool);
    for (const [name, a] of Object.entries(apis)) {
      assert.ok(a.docs.length > 0 && a.docs.every((d) => d.startsWith('https://')), `${tool}/${name} docs`);
      assert.ok(a.paths.length > 0 && a.paths.every((p) => p.startsWith('/') && !p.includes('..')), `${tool}/${name} paths`);
    }
  }
  assert.equal(getConnector('sandbox')!.definition.passthrough, undefined);
});

test('the README lists every passthrough API and its paths as the definitions say', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('<!-- passthrough-apis:start -->'), readme.indexOf('<!-- passthrough-apis:end -->'));
  for (const tool of [
    'greenhouse',
    'lever',
    'ashby',
    'workable',
    'smartrecruiters',
    'teamtailor',
    'recruitee',
    'pinpoint',
    'zohorecruit',
    'icims',
    'bullhorn',
    'successfactors',
    'oraclerecruiting',
  ]) {
    for (const [name, a] of Object.entries(getConnector(tool)!.definition.passthrough ?? {})) {
      const line = section.split('\n').find((l) => l.includes(`\`${tool}/${name}\``));
      assert.ok(line, `${tool}/${name} is listed`);
      assert.equal(line.split(': ').pop(), a.paths.map((p) => `\`${p}\``).join(', '), `${tool}/${name} paths`);
    }
  }
});
