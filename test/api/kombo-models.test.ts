/**
 * atsgate's real answers against Kombo's newest published models (the Python SDK's, extracted
 * into test/specs/kombo/python-sdk-models.json): every required key is sent (null when atsgate
 * does not know it), nothing is null that may not be, and types match, so a client generated
 * from Kombo's current contract parses every answer. A drift in either direction shows here.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { checkKomboModel } from '../support/kombo-models.ts';
import { SpecCheck } from '../fakes/spec-check.ts';

/** Kombo's OpenAPI of May 2026 (test/specs/kombo/PROVENANCE.md): the responses' required keys and types. */
const openapi = SpecCheck.fromFile(new URL('../specs/kombo/kombo-openapi-2026-05.json', import.meta.url).pathname, {
  label: "Kombo's OpenAPI (May 2026)",
  basePath: '/v1',
  noUndeclared: false, // atsgate's documented extensions (e.g. `atsgate` on tools) are extra keys
});

const INTEGRATION = 'sandbox:demo';

describe("responses parse in Kombo's newest models (sandbox, pglite)", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite');
  });
  after(async () => s?.close());

  async function expectModel(
    method: string,
    path: string,
    model: string,
    opts: { body?: unknown; integrationId?: string; status?: number } = {},
  ) {
    const res = await s.call(method, path, { integrationId: opts.integrationId ?? INTEGRATION, body: opts.body });
    assert.equal(res.status, opts.status ?? 200, `${method} ${path}: ${JSON.stringify(res.body).slice(0, 300)}`);
    // One line per distinct problem: the same gap on 50 records is one gap.
    const problems = [...new Set(checkKomboModel(res.body, model).map((p) => p.replace(/\[\d+\]/g, '[]').replace(/, got .*$/, '')))];
    assert.deepEqual(problems, [], `${method} ${path} against ${model}`);
    const fromOpenApi = [
      ...new Set(openapi.checkResponse(method, path.split('?')[0], res.status, res.body).map((p) => p.replace(/\/\d+(?=\/|\s|$)/g, '/[]'))),
    ];
    assert.deepEqual(fromOpenApi, [], `${method} ${path} against Kombo's OpenAPI`);
    return res.body;
  }

  test('reads: jobs, candidates, applications, users, candidate attachments', async () => {
    await expectModel('GET', '/v1/ats/jobs?page_size=50', 'GetAtsJobsPositiveResponse');
    const candidates = await expectModel('GET', '/v1/ats/candidates?page_size=50', 'GetAtsCandidatesPositiveResponse');
    await expectModel('GET', '/v1/ats/applications?page_size=50', 'GetAtsApplicationsPositiveResponse');
    await expectModel('GET', '/v1/ats/users?page_size=50', 'GetAtsUsersPositiveResponse');
    await expectModel(
      'GET',
      `/v1/ats/candidates/${candidates.data.results[0].id}/attachments`,
      'GetAtsCandidatesCandidateIDAttachmentsPositiveResponse',
    );
  });

  test('writes: result links on candidate and application, a candidate attachment', async () => {
    const candidate = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: INTEGRATION })).body.data.results[0];
    const link = {
      label: 'Coding test',
      url: 'https://assess.example.com/r/1',
      details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '93%' }] },
    };
    await expectModel(
      'POST',
      `/v1/ats/candidates/${candidate.id}/result-links`,
      'PostAtsCandidatesCandidateIDResultLinksPositiveResponse',
      { body: link },
    );
    await expectModel(
      'POST',
      `/v1/ats/applications/${candidate.applications[0].id}/result-links`,
      'PostAtsApplicationsApplicationIDResultLinksPositiveResponse',
      { body: link },
    );
    const attachment = {
      attachment: { name: 'CV.pdf', type: 'CV', content_type: 'application/pdf', data: Buffer.from('%PDF-1.4 demo').toString('base64') },
    };
    await expectModel('POST', `/v1/ats/candidates/${candidate.id}/attachments`, 'PostAtsCandidatesCandidateIDAttachmentsPositiveResponse', {
      body: attachment,
    });
  });

  test('application notes and attachments: the two writes and the listing', async () => {
    const application = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: INTEGRATION })).body.data.results[0];
    const base = `/v1/ats/applications/${application.id}`;
    await expectModel('POST', `${base}/notes`, 'PostAtsApplicationsApplicationIDNotesPositiveResponse', {
      body: { content: 'Interview booked for Tuesday.', content_type: 'PLAIN_TEXT' },
    });
    const attachment = {
      attachment: {
        name: 'Report.pdf',
        type: 'OTHER',
        content_type: 'application/pdf',
        data: Buffer.from('%PDF-1.4 report').toString('base64'),
      },
    };
    await expectModel('POST', `${base}/attachments`, 'PostAtsApplicationsApplicationIDAttachmentsPositiveResponse', { body: attachment });
    const listed = await expectModel('GET', `${base}/attachments`, 'GetAtsApplicationsApplicationIDAttachmentsPositiveResponse');
    assert.ok(
      listed.data.results.some((a: { file_name: string }) => a.file_name === 'Report.pdf'),
      'the file is listed (so the model check saw a real row)',
    );
  });

  test('tags: the list, adding and removing a tag (DELETE with its JSON body)', async () => {
    const candidate = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: INTEGRATION })).body.data.results[0];
    const body = { tag: { name: 'Excellent Fit' } };
    await expectModel('POST', `/v1/ats/candidates/${candidate.id}/tags`, 'PostAtsCandidatesCandidateIDTagsPositiveResponse', { body });
    const listed = await expectModel('GET', '/v1/ats/tags?page_size=50', 'GetAtsTagsPositiveResponse');
    assert.ok(
      listed.data.results.some((t: { name: string }) => t.name === 'Excellent Fit'),
      'the tag is listed (so the model check saw a real row)',
    );
    await expectModel('DELETE', `/v1/ats/candidates/${candidate.id}/tags`, 'DeleteAtsCandidatesCandidateIDTagsPositiveResponse', { body });
  });

  test('stage moves, rejections and rejection reasons', async () => {
    const reasons = await expectModel('GET', '/v1/ats/rejection-reasons', 'GetAtsRejectionReasonsPositiveResponse');
    assert.ok(reasons.data.results.length > 0, 'the model check saw real reasons');
    const apps = (await s.call('GET', '/v1/ats/applications?outcomes=PENDING&page_size=50', { integrationId: INTEGRATION })).body.data
      .results;
    const application = apps.find((a: { job_id: string | null }) => a.job_id);
    const job = (await s.call('GET', `/v1/ats/jobs?ids=${application.job_id}`, { integrationId: INTEGRATION })).body.data.results[0];
    const stage = job.stages.find((st: { id: string }) => st.id !== application.current_stage_id);
    const base = `/v1/ats/applications/${application.id}`;
    await expectModel('PUT', `${base}/stage`, 'PutAtsApplicationsApplicationIDStagePositiveResponse', { body: { stage_id: stage.id } });
    await expectModel('POST', `${base}/reject`, 'PostAtsApplicationsApplicationIDRejectPositiveResponse', {
      body: { rejection_reason_id: reasons.data.results[0].id, note: 'Thank you for your time.' },
    });
    // The synced application shows both at once (the sandbox re-reads inline).
    const after = await expectModel('GET', `/v1/ats/applications?ids=${application.id}`, 'GetAtsApplicationsPositiveResponse');
    assert.equal(after.data.results[0].current_stage_id, stage.id);
    assert.equal(after.data.results[0].outcome, 'DECLINED');
    assert.equal(after.data.results[0].rejection_reason_name, reasons.data.results[0].name);
  });

  test('general: check-api-key, integration details, tools, force-sync, connect links', async () => {
    await expectModel('GET', '/v1/check-api-key', 'GetCheckAPIKeyPositiveResponse');
    await expectModel('GET', `/v1/integrations/${encodeURIComponent(INTEGRATION)}`, 'GetIntegrationsIntegrationIDPositiveResponse');
    await expectModel('GET', '/v1/tools/ats', 'GetToolsCategoryPositiveResponse');
    await expectModel('POST', '/v1/force-sync', 'PostForceSyncPositiveResponse', { body: {} });
    const link = await expectModel('POST', '/v1/connect/create-link', 'PostConnectCreateLinkPositiveResponse', {
      body: { end_user_email: 'it@acme.example', end_user_organization_name: 'Acme', integration_category: 'ATS' },
    });
    assert.ok(link.data.link);
  });

  test('errors: the ATS and general error envelopes', async () => {
    const missing = await s.call('GET', '/v1/ats/candidates/nope/attachments', { integrationId: INTEGRATION });
    assert.equal(missing.body.status, 'error');
    assert.deepEqual(checkKomboModel(missing.body.error, 'KomboAtsErrorError'), []);
    const unauth = await fetch(`${s.url}/v1/check-api-key`, { headers: { authorization: 'Bearer wrong_key_000000000000' } });
    assert.deepEqual(checkKomboModel((await unauth.json()).error, 'KomboGeneralErrorError'), []);
  });
});
