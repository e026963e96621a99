/**
 * GET /v1/integrations/:id/custom-fields on the connectors that list their custom fields with
 * the call their result-link writes already make, each through its vendor fake: Workable
 * (GET /custom_attributes, enabled ones), Teamtailor (GET /custom-fields, candidate-owned) and
 * Ashby (customField.list, Candidate and Application fields, not archived), Lever (GET
 * /form_templates: profile form template fields, on applications) and Recruitee (the profile
 * fields its newest candidates all carry, one-off fields left out).
 * SmartRecruiters and paging are covered in test/api/passthrough.test.ts. Results must have
 * the fields of Kombo's Python SDK model (GetIntegrationsIntegrationIDCustomFieldsPositiveResponse).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { startTestServer, type TestServer } from '../support/server.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { startWorkableFake } from '../fakes/workable.ts';
import { startTeamtailorFake } from '../fakes/teamtailor.ts';
import { startAshbyFake } from '../fakes/ashby.ts';
import { startLeverFake } from '../fakes/lever.ts';
import { startRecruiteeFake } from '../fakes/recruitee.ts';
import * as R from '../../src/api/responses.ts';

const KOMBO_RESULT_KEYS = ['description', 'id', 'integration_field', 'key', 'label', 'model'];

describe('custom fields through the Workable, Teamtailor and Ashby fakes', () => {
  let s: TestServer;
  const fakes: { stop(): Promise<void> }[] = [];
  before(async () => {
    s = await startTestServer('pglite');
  });
  after(async () => {
    await s?.close();
    for (const f of fakes) await f.stop();
  });

  const customFieldsOf = async (tool: string, fake: { credentials: Record<string, unknown>; url: string }) => {
    const id = (
      await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool,
        organizationName: `${tool} Inc`,
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: false,
      })
    ).id;
    const res = await s.call('GET', `/v1/integrations/${encodeURIComponent(id)}/custom-fields`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [...Value.Errors(R.CustomFieldsResponse, res.body)].map((e) => `${e.path} ${e.message}`),
      [],
    );
    for (const r of res.body.data.results) assert.deepEqual(Object.keys(r).sort(), KOMBO_RESULT_KEYS);
    return res.body.data.results as { key: string; model: string; integration_field: { key: string; type: string } }[];
  };

  for (const [tool, start, expected, absent] of [
    ['workable', startWorkableFake, ['Acme: Score', 'Acme: Report', 'Acme: Percentile', 'Acme: Passed', 'Notice period'], ['Acme: Legacy']],
    ['teamtailor', startTeamtailorFake, ['Acme: Score', 'Acme: Report', 'Acme: Passed', 'Salary expectation'], ['Acme: Level']],
  ] as const) {
    test(`${tool}: the ATS's candidate custom fields, in Kombo's shape`, async () => {
      const fake = await (start as () => Promise<any>)();
      fakes.push(fake);
      const results = await customFieldsOf(tool, fake);
      for (const r of results) {
        assert.equal(r.model, 'ats_candidates');
        assert.equal(r.integration_field.type, 'CUSTOM');
      }
      assert.deepEqual(results.map((r) => r.key).sort(), [...expected].sort());
      for (const name of absent) assert.ok(!results.some((r) => r.key === name), `${name} is not listed`);
    });
  }

  test('ashby: Candidate and Application fields, archived and Job fields left out', async () => {
    const fake = await startAshbyFake();
    fakes.push(fake);
    const id = (
      await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool: 'ashby',
        organizationName: 'Ashby Inc',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: false,
      })
    ).id;
    const res = await s.call('GET', `/v1/integrations/${encodeURIComponent(id)}/custom-fields`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [...Value.Errors(R.CustomFieldsResponse, res.body)].map((e) => `${e.path} ${e.message}`),
      [],
    );
    const byKey = (k: string) =>
      res.body.data.results
        .filter((r: any) => r.key === k)
        .map((r: any) => r.model)
        .sort();
    assert.deepEqual(byKey('Acme: Score'), ['ats_applications', 'ats_candidates'], 'one per object type');
    assert.deepEqual(byKey('Acme: Report'), ['ats_applications']);
    assert.deepEqual(byKey('Acme: Passed'), ['ats_candidates']);
    assert.deepEqual(byKey('Acme: Level'), [], 'archived');
    assert.deepEqual(byKey('Headcount'), [], 'a Job field');
    for (const r of res.body.data.results) assert.deepEqual(Object.keys(r).sort(), KOMBO_RESULT_KEYS);
  });

  test('lever: every profile form template field, named "<template>: <field>", on applications', async () => {
    const fake = await startLeverFake();
    fakes.push(fake);
    const results = await customFieldsOf('lever', fake);
    assert.deepEqual(results.map((r) => r.key).sort(), [
      'Assessment: Acme: Score',
      'Offer information: Compensation',
      'Offer information: Start Date',
    ]);
    assert.ok(results.every((r) => r.model === 'ats_applications'));
    assert.equal(new Set(results.map((r) => r.integration_field.key)).size, 3, 'remote ids are template:field, unique');
  });

  test("recruitee: the profile fields every recent candidate carries; one profile's one-off field is left out", async () => {
    const fake = await startRecruiteeFake();
    fakes.push(fake);
    const results = await customFieldsOf('recruitee', fake);
    assert.deepEqual(results.map((r) => r.key).sort(), ['Acme: Percentile', 'Acme: Score', 'Acme: Track', 'Notice period']);
    assert.ok(results.every((r) => r.model === 'ats_candidates'));
    assert.ok(!results.some((r) => r.key === 'Referral bonus paid'));
  });
});
