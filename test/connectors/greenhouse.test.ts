import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/greenhouse/index.ts';
import { tokenLifetimeMs, tokenUrl } from '../../src/connectors/greenhouse/client.ts';
import { warn } from '../../src/connectors/helpers/result-link.ts';
import type { AnyConnector, ApplicationRef, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { ALL_SCOPES, GREENHOUSE_SPEC_FILE, RECRUITER, SITE_ADMIN, startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { SpecCheck } from '../fakes/spec-check.ts';
import { rejectsWithCode as rejects } from '../support/assertions.ts';

const gh = connector as unknown as AnyConnector;
const ctxFor = (fake: GreenhouseFake, creds: Record<string, unknown> = fake.credentials) => connectorContext(gh, creds, fake.url);

function refOf(fake: GreenhouseFake, candidateId: number): CandidateRef {
  const apps = fake.applications
    .filter((a) => a.candidate_id === candidateId)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map(
      (a): ApplicationRef => ({
        remote_id: String(a.id),
        candidate_remote_id: String(a.candidate_id),
        job_remote_id: String(a.job_id),
        outcome: a.status === 'hired' ? 'HIRED' : a.status === 'rejected' ? 'DECLINED' : 'PENDING',
      }),
    );
  return { remote_id: String(candidateId), applications: apps };
}

const link = (over: Partial<ResultLinkInput> = {}): ResultLinkInput => ({
  label: 'Acme coding test',
  url: 'https://acme.test/results/abc',
  details: null,
  remote_fields: {},
  ...over,
});

describe('greenhouse: credentials and tokens', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  test('accepts good credentials: mints a token, then reads one candidate, application and job', async () => {
    const { ctx } = ctxFor(fake);
    await gh.checkCredentials(ctx);
    const tokenCalls = fake.server.calls('POST', '/token');
    assert.equal(tokenCalls.length, 1);
    assert.equal(tokenCalls[0].form?.get('grant_type'), 'client_credentials');
    assert.equal(tokenCalls[0].form?.get('sub'), null, 'no acting user configured: the service account');
    assert.equal(fake.server.calls('GET', '/v3/candidates').at(-1)?.query.get('per_page'), '1');
  });

  test('rejects a wrong client secret with INTEGRATION.AUTHENTICATION_INVALID and no secret in the message', async () => {
    const { ctx } = ctxFor(fake, fake.badCredentials);
    const err = await rejects(gh.checkCredentials(ctx), 'INTEGRATION.AUTHENTICATION_INVALID', /invalid_client/);
    assert.ok(!err.message.includes(String(fake.badCredentials.client_secret)));
    assert.ok(!err.message.includes(String(fake.credentials.client_secret)));
  });

  test('a missing scope is INTEGRATION.PERMISSION_MISSING naming the scope', async () => {
    const scoped = await startGreenhouseFake({ scopes: ALL_SCOPES.filter((s) => s !== 'harvest:applications:list') });
    try {
      const { ctx } = ctxFor(scoped);
      await rejects(gh.checkCredentials(ctx), 'INTEGRATION.PERMISSION_MISSING', /"harvest:applications:list"/);
    } finally {
      await scoped.stop();
    }
  });

  test('a credential user id is the token subject; an unknown one is refused at the token endpoint', async () => {
    const { ctx } = ctxFor(fake, { ...fake.credentials, user_id: '1003' });
    await gh.checkCredentials(ctx);
    assert.equal(fake.tokens.at(-1)?.sub, '1003');
    const bad = ctxFor(fake, { ...fake.credentials, user_id: '4242' });
    await rejects(gh.checkCredentials(bad.ctx), 'INTEGRATION.AUTHENTICATION_INVALID', /4242/);
  });

  test('the token is cached across operations and re-minted once after a 401', async () => {
    const { ctx } = ctxFor(fake);
    const before = fake.tokens.length;
    await collect(gh.readJobs(ctx, {}));
    await collect(gh.readJobs(ctx, {}));
    assert.equal(fake.tokens.length, before + 1, 'one token for both reads');
    fake.revokeTokens();
    const jobs = await collect(gh.readJobs(ctx, {}));
    assert.equal(jobs.length, 3);
    assert.equal(fake.tokens.length, before + 2, 'refreshed exactly once on the 401');
  });

  test('an expiring token is renewed before use', async () => {
    const shortLived = await startGreenhouseFake({ tokenTtlSec: 1 });
    try {
      const { ctx } = ctxFor(shortLived);
      await collect(gh.readJobs(ctx, {}));
      await new Promise((r) => setTimeout(r, 700));
      await collect(gh.readJobs(ctx, {}));
      assert.equal(shortLived.tokens.length, 2);
      assert.equal(shortLived.server.calls('GET', '/v3/jobs').length, 2, 'no 401 round trip was needed');
    } finally {
      await shortLived.stop();
    }
  });
});

test('greenhouse: the token URL follows the API host unless the credential names one', () => {
  const make = (baseUrl: string, creds: Record<string, unknown> = {}) =>
    tokenUrl({ ...connectorContext(gh, { client_id: 'a', client_secret: 'b', ...creds }, baseUrl).ctx });
  assert.equal(make('https://harvest.greenhouse.io/v3'), 'https://auth.greenhouse.io/token');
  assert.equal(make('http://127.0.0.1:9999/v3'), 'http://127.0.0.1:9999/token');
  assert.equal(
    make('https://harvest.greenhouse.io/v3', { token_url: 'https://proxy.example/oauth/token' }),
    'https://proxy.example/oauth/token',
  );
});

describe('greenhouse: readers', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  test('readCandidates returns every candidate across cursor pages, mapped', async () => {
    const { ctx } = ctxFor(fake);
    const pages: number[] = [];
    const all = [];
    for await (const page of gh.readCandidates(ctx, {})) {
      pages.push(page.length);
      all.push(...page);
    }
    assert.ok(pages.length >= 3, `expected >= 3 pages, got ${pages.length}`);
    assert.deepEqual(all.map((c) => c.remote_id).sort(), fake.candidateRemoteIds().sort());
    const calls = fake.server.calls('GET', '/v3/candidates');
    assert.equal(calls[0].query.get('per_page'), '500');
    for (const follow of calls.slice(1)) assert.deepEqual([...follow.query.keys()], ['cursor'], 'cursor is the only parameter');

    const ada = all.find((c) => c.remote_id === '5001')!;
    assert.equal(ada.first_name, 'Ada');
    assert.equal(ada.last_name, 'Lovelace');
    assert.deepEqual(ada.email_addresses, [{ email_address: 'ada.lovelace.5001@example.com', type: 'personal' }]);
    assert.deepEqual(ada.phone_numbers, [{ phone_number: '+1-555-0100', type: 'mobile' }]);
    assert.deepEqual(ada.tags, [{ remote_id: null, name: 'Referral' }]);
    assert.equal(ada.remote_url, 'https://app.greenhouse.io/people/5001');
    assert.equal(ada.remote_created_at, '2026-01-01T00:00:00.000Z');
    assert.equal(all.find((c) => c.remote_id === '5004')!.custom_fields?.desired_salary, '90000');
    assert.equal(all.find((c) => c.remote_id === '5008')!.confidential, true);
  });

  test('readJobs returns jobs with their interview stages in order', async () => {
    const { ctx } = ctxFor(fake);
    const jobs = await collect(gh.readJobs(ctx, {}));
    assert.deepEqual(jobs.map((j) => j.remote_id).sort(), fake.jobRemoteIds().sort());
    const closed = jobs.find((j) => j.remote_id === '4003')!;
    assert.equal(closed.status, 'CLOSED');
    assert.equal(closed.confidential, true);
    assert.equal(closed.job_code, 'DAT-3');
    const backend = jobs.find((j) => j.remote_id === '4001')!;
    assert.equal(backend.status, 'OPEN');
    assert.deepEqual(
      backend.stages?.map((s) => s.name),
      ['Application Review', 'Phone Screen', 'Take Home Test', 'Onsite', 'Offer'],
    );
    assert.deepEqual(
      backend.stages?.map((s) => s.index),
      [0, 1, 2, 3, 4],
    );
  });

  test('readApplications returns every application with stage, outcome and rejection reason', async () => {
    const { ctx } = ctxFor(fake);
    const apps = await collect(gh.readApplications(ctx, {}));
    assert.equal(apps.length, fake.applications.length);
    assert.ok(fake.applications.length >= 39);
    const first = apps.find((a) => a.remote_id === '7001')!;
    assert.equal(first.candidate_remote_id, '5001');
    assert.equal(first.job_remote_id, '4001');
    assert.equal(first.outcome, 'PENDING');
    assert.deepEqual(first.current_stage, { remote_id: '60000', name: 'Application Review', index: 0 });
    assert.equal(first.remote_url, 'https://app.greenhouse.io/people/5001/applications/7001');
    const rejected = apps.find((a) => fake.applications.find((x) => String(x.id) === a.remote_id)?.rejection_reason_id === 9002)!;
    assert.equal(rejected.outcome, 'DECLINED');
    assert.equal(rejected.rejection_reason_name, 'Candidate withdrew');
    const hired = apps.filter((a) => a.outcome === 'HIRED');
    assert.ok(hired.length >= 1);
    assert.equal(hired[0].current_stage?.name, 'Offer');
  });

  test('updatedAfter becomes the v3 updated_at=gte| filter', async () => {
    const { ctx } = ctxFor(fake);
    const since = new Date('2026-02-26T00:00:00.000Z'); // candidates 5026.. were updated from then on
    const recent = await collect(gh.readCandidates(ctx, { updatedAfter: since }));
    assert.deepEqual(recent.map((c) => c.remote_id).sort(), ['5026', '5027', '5028', '5029', '5030', '5031', '5032']);
    const first = fake.server.calls('GET', '/v3/candidates').find((c) => c.query.get('updated_at'));
    assert.equal(first?.query.get('updated_at'), 'gte|2026-02-26T00:00:00.000Z');
    assert.ok(connector.definition.capabilities.deltaSync);
  });

  test('readCandidate returns one candidate with its applications, or null', async () => {
    const { ctx } = ctxFor(fake);
    const one = await gh.readCandidate!(ctx, '5006');
    assert.equal(one?.candidate.remote_id, '5006');
    assert.deepEqual(
      one?.applications.map((a) => a.remote_id).sort(),
      fake.applications
        .filter((a) => a.candidate_id === 5006)
        .map((a) => String(a.id))
        .sort(),
    );
    assert.equal(one?.applications.length, 2);
    assert.equal(await gh.readCandidate!(ctx, '999999'), null);
  });

  test('a candidate deleted upstream no longer appears', async () => {
    const { ctx } = ctxFor(fake);
    fake.deleteCandidate('5032');
    const all = await collect(gh.readCandidates(ctx, {}));
    assert.ok(!all.some((c) => c.remote_id === '5032'));
    const apps = await collect(gh.readApplications(ctx, {}));
    assert.ok(!apps.some((a) => a.candidate_remote_id === '5032'));
    assert.equal(await gh.readCandidate!(ctx, '5032'), null);
  });
});

describe('greenhouse: result links', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  test('candidate-level: note on the candidate, attributes to "<prefix> <key>" custom fields, the rest in the note', async () => {
    const { ctx } = ctxFor(fake);
    const candidate = refOf(fake, 5006); // two applications: 4002 in process, 4003 rejected
    const res = await gh.addCandidateResultLink(
      ctx,
      candidate,
      link({
        details: {
          custom_field_name_prefix: 'Acme:',
          attributes: [
            { key: 'Score', value: '87' },
            { key: 'Percentile', value: '93' },
            { key: 'Verdict', value: 'Strong hire' },
          ],
        },
      }),
    );
    // Score exists on candidates; Percentile only on applications; Verdict nowhere.
    assert.deepEqual(fake.candidateFieldValues(5006), { 'Acme: Score': '87' });
    const current = fake.applications.find((a) => a.candidate_id === 5006 && a.status === 'in_process')!;
    const old = fake.applications.find((a) => a.candidate_id === 5006 && a.status === 'rejected')!;
    assert.deepEqual(fake.applicationFieldValues(current.id), { 'Acme: Percentile': '93' });
    assert.deepEqual(fake.applicationFieldValues(old.id), {}, 'only current applications get the fanned-out field');

    const patch = fake.server.calls('PATCH', '/v3/candidates/5006')[0];
    // v3 keys custom fields by name_key [GH-V3T 0077] (this asserted v1's `id` before).
    assert.deepEqual(patch.json, { custom_fields: [{ name_key: 'acme_score', value: '87' }] });

    const notes = fake.notes.filter((n) => n.candidate_id === 5006);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].body, 'Acme coding test: https://acme.test/results/abc\nAcme: Verdict: Strong hire');
    assert.equal(notes[0].application_id, null);
    assert.equal(notes[0].visibility, 'public');
    assert.equal(notes[0].type, 'NOTE');
    assert.equal(notes[0].user_id, 1001, 'service account when no acting user');

    assert.ok(res.warnings.includes(warn.note('Greenhouse', 'candidate')));
    assert.ok(res.warnings.includes(warn.customFields('Greenhouse', ['Acme: Score', 'Acme: Percentile'])));
    assert.ok(res.warnings.includes(warn.fannedOut('Greenhouse', 1)));
    assert.ok(res.warnings.some((w) => w.startsWith(warn.attributesAsNote('Greenhouse')) && w.includes('"Acme: Verdict"')));
    for (const text of ['Acme coding test', 'https://acme.test/results/abc', '87', '93', 'Strong hire'])
      assert.match(fake.resultTextFor('5006'), new RegExp(text));
  });

  test('application-level: note on the candidate tagged with the application; application fields first, then candidate fields', async () => {
    const { ctx } = ctxFor(fake);
    const app = fake.applications.find((a) => a.candidate_id === 5002)!;
    const ref: ApplicationRef = {
      remote_id: String(app.id),
      candidate_remote_id: '5002',
      job_remote_id: String(app.job_id),
      outcome: 'PENDING',
    };
    const res = await gh.addApplicationResultLink(
      ctx,
      ref,
      link({
        details: {
          custom_field_name_prefix: 'Acme:',
          attributes: [
            { key: 'Score', value: '71' },
            { key: 'Report', value: 'https://acme.test/report/71' },
            { key: 'Level', value: 'Senior' },
          ],
        },
      }),
    );
    assert.deepEqual(fake.applicationFieldValues(app.id), { 'Acme: Score': '71', 'Acme: Report': 'https://acme.test/report/71' });
    assert.deepEqual(fake.candidateFieldValues(5002), { 'Acme: Level': 'Senior' });
    assert.deepEqual(fake.server.calls('PATCH', `/v3/applications/${app.id}`)[0].json, {
      custom_fields: [
        { name_key: 'acme_score', value: '71' },
        { name_key: 'acme_report', value: 'https://acme.test/report/71' },
      ],
    });
    const note = fake.notes.find((n) => n.candidate_id === 5002)!;
    assert.equal(note.application_id, app.id);
    assert.equal(note.body, `Acme coding test: https://acme.test/results/abc\nApplication ${app.id} for job ${app.job_id}`);
    assert.ok(res.warnings.includes(warn.note('Greenhouse', 'candidate')));
    assert.ok(res.warnings.includes(warn.onCandidate('Greenhouse')));
    assert.ok(res.warnings.includes(warn.customFields('Greenhouse', ['Acme: Score', 'Acme: Report', 'Acme: Level'])));
  });

  test('no custom field with that name: everything goes into the note, with a warning', async () => {
    const { ctx } = ctxFor(fake);
    const res = await gh.addCandidateResultLink(
      ctx,
      refOf(fake, 5003),
      link({
        details: { custom_field_name_prefix: 'Globex', attributes: [{ key: 'Score', value: '12' }] },
      }),
    );
    assert.equal(fake.server.calls('PATCH', '/v3/candidates/5003').length, 0);
    assert.equal(
      fake.notes.find((n) => n.candidate_id === 5003)?.body,
      'Acme coding test: https://acme.test/results/abc\nGlobex Score: 12',
    );
    assert.ok(res.warnings.some((w) => w.startsWith(warn.attributesAsNote('Greenhouse')) && w.includes('"Globex Score"')));
  });

  test('an inactive field of the right name is not written', async () => {
    const { ctx } = ctxFor(fake);
    await gh.addCandidateResultLink(
      ctx,
      refOf(fake, 5005),
      link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Retired', value: 'x' }] } }),
    );
    assert.deepEqual(fake.candidateFieldValues(5005), {});
    assert.match(fake.notes.find((n) => n.candidate_id === 5005)!.body, /Acme: Retired: x/);
  });

  test('remote_fields.greenhouse.on_behalf_of acts as that user (token sub) and authors the note', async () => {
    const { ctx } = ctxFor(fake);
    await gh.addCandidateResultLink(ctx, refOf(fake, 5009), link({ remote_fields: { greenhouse: { on_behalf_of: '1002' } } }));
    const note = fake.notes.find((n) => n.candidate_id === 5009)!;
    assert.equal(note.user_id, 1002);
    assert.equal(note.token_sub, '1002');
    assert.equal(fake.server.calls('POST', '/v3/notes').at(-1)?.json.user_id, 1002);
    // The credential's own user applies when the request names none.
    const own = ctxFor(fake, { ...fake.credentials, user_id: '1003' });
    await gh.addCandidateResultLink(own.ctx, refOf(fake, 5010), link());
    assert.equal(fake.notes.find((n) => n.candidate_id === 5010)!.user_id, 1003);
  });

  test('an on_behalf_of user Greenhouse does not know is PLATFORM.INPUT_INVALID', async () => {
    const { ctx } = ctxFor(fake);
    await rejects(
      gh.addCandidateResultLink(ctx, refOf(fake, 5012), link({ remote_fields: { greenhouse: { on_behalf_of: '777' } } })),
      'PLATFORM.INPUT_INVALID',
      /777/,
    );
    await rejects(
      gh.addCandidateResultLink(ctx, refOf(fake, 5012), link({ remote_fields: { greenhouse: { on_behalf_of: 'jane' } } })),
      'PLATFORM.INPUT_INVALID',
      /numeric/,
    );
  });

  test('an unknown candidate is PLATFORM.INPUT_INVALID naming it', async () => {
    const { ctx } = ctxFor(fake);
    await rejects(
      gh.addCandidateResultLink(ctx, { remote_id: '999999', applications: [] }, link()),
      'PLATFORM.INPUT_INVALID',
      /candidate 999999/,
    );
  });

  test('a field value Greenhouse refuses costs nothing: the note is written first, the refusal is a warning and the value a follow-up note', async () => {
    // Before, the PATCH ran first and its 422 failed the whole call with REMOTE.INPUT_INVALID and no note.
    const { ctx } = ctxFor(fake);
    const app = fake.applications.find((a) => a.candidate_id === 5014)!;
    const ref: ApplicationRef = {
      remote_id: String(app.id),
      candidate_remote_id: '5014',
      job_remote_id: String(app.job_id),
      outcome: 'PENDING',
    };
    const res = await gh.addApplicationResultLink(
      ctx,
      ref,
      link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Percentile', value: 'high' }] } }),
    );
    const notes = fake.notes.filter((n) => n.candidate_id === 5014);
    assert.equal(notes.length, 2);
    assert.equal(notes[0].body, `Acme coding test: https://acme.test/results/abc\nApplication ${app.id} for job ${app.job_id}`);
    assert.match(notes[1].body, /Acme: Percentile: high/);
    assert.deepEqual(fake.applicationFieldValues(app.id), {});
    assert.ok(
      res.warnings.some((w) => /custom fields failed: .*Acme: Percentile: must be a number/.test(w)),
      res.warnings.join('\n'),
    );
    assert.ok(res.warnings.includes(warn.attributesAsNote('Greenhouse')));
    const order = fake.server.journal.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    assert.ok(order.indexOf('POST /v3/notes') < order.indexOf(`PATCH /v3/applications/${app.id}`), 'the note goes first');
  });

  test('without harvest:candidates:update the note is still written and the warning names the scope', async () => {
    const scoped = await startGreenhouseFake({ scopes: ALL_SCOPES.filter((s) => s !== 'harvest:candidates:update') });
    try {
      const { ctx } = ctxFor(scoped);
      const res = await gh.addCandidateResultLink(
        ctx,
        refOf(scoped, 5002),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Level', value: 'Senior' }] } }),
      );
      assert.equal(scoped.notes[0].body, 'Acme coding test: https://acme.test/results/abc');
      assert.match(scoped.notes[1].body, /Acme: Level: Senior/);
      assert.ok(
        res.warnings.some((w) => w.includes('"harvest:candidates:update"')),
        res.warnings.join('\n'),
      );
      assert.ok(
        !res.warnings.some((w) => w.startsWith(warn.customFields('Greenhouse', []).split(':')[0])),
        'no field claims to hold the value',
      );
    } finally {
      await scoped.stop();
    }
  });

  test("a custom-field PATCH sends the record's other values too, so a replacing PATCH keeps them", async () => {
    for (const mode of ['replace', 'merge'] as const) {
      const own = await startGreenhouseFake({ customFieldPatch: mode });
      try {
        const { ctx } = ctxFor(own);
        await gh.addCandidateResultLink(
          ctx,
          refOf(own, 5004),
          link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '64' }] } }),
        );
        assert.deepEqual(own.candidateFieldValues(5004), { 'Desired Salary': '90000', 'Acme: Score': '64' }, mode);
        assert.deepEqual(own.server.calls('PATCH', '/v3/candidates/5004')[0].json, {
          custom_fields: [
            { name_key: 'desired_salary', value: '90000' },
            { name_key: 'acme_score', value: '64' },
          ],
        });
      } finally {
        await own.stop();
      }
    }
  });

  test('without harvest:custom_fields:list the attributes land in the note and the scope is named', async () => {
    const scoped = await startGreenhouseFake({ scopes: ALL_SCOPES.filter((s) => s !== 'harvest:custom_fields:list') });
    try {
      const { ctx } = ctxFor(scoped);
      const res = await gh.addCandidateResultLink(
        ctx,
        refOf(scoped, 5001),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '5' }] } }),
      );
      assert.match(scoped.notes[0].body, /Acme: Score: 5/);
      assert.ok(res.warnings.some((w) => w.includes('"harvest:custom_fields:list"')));
      assert.ok(res.warnings.includes(warn.attributesAsNote('Greenhouse')));
    } finally {
      await scoped.stop();
    }
  });

  test('without harvest:notes:create the write fails with PERMISSION_MISSING naming it', async () => {
    const scoped = await startGreenhouseFake({ scopes: ALL_SCOPES.filter((s) => s !== 'harvest:notes:create') });
    try {
      const { ctx } = ctxFor(scoped);
      await rejects(
        gh.addCandidateResultLink(ctx, refOf(scoped, 5001), link()),
        'INTEGRATION.PERMISSION_MISSING',
        /"harvest:notes:create"/,
      );
    } finally {
      await scoped.stop();
    }
  });
});

describe('greenhouse: attachments', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  const file = (type: 'CV' | 'COVER_LETTER' | 'OTHER', name: string, data: Buffer, remote_fields = {}) => ({
    name,
    type,
    content_type: 'application/pdf',
    file: new Blob([new Uint8Array(data)]),
    remote_fields,
  });

  test('CV, COVER_LETTER and OTHER become resume, cover_letter and other, with the exact bytes, on the current application', async () => {
    const { ctx } = ctxFor(fake);
    const candidate = refOf(fake, 5016); // 4001 in process (newest) + 4003 rejected
    const current = fake.applications.find((a) => a.candidate_id === 5016 && a.status === 'in_process')!;
    const bytes = {
      CV: Buffer.from('%PDF-1.7 cv \x00\xff binary', 'latin1'),
      COVER_LETTER: Buffer.from('%PDF-1.7 letter'),
      OTHER: Buffer.from([0, 1, 2, 3, 250, 251, 252]),
    };
    const res = await gh.addCandidateAttachment(ctx, candidate, file('CV', 'cv.pdf', bytes.CV));
    await gh.addCandidateAttachment(ctx, candidate, file('COVER_LETTER', 'letter.pdf', bytes.COVER_LETTER));
    await gh.addCandidateAttachment(ctx, candidate, file('OTHER', 'report.bin', bytes.OTHER));
    assert.match(res.warnings[0], new RegExp(`application ${current.id}`));

    const files = fake.filesFor('5016');
    assert.deepEqual(
      files.map((f) => [f.name, f.type]),
      [
        ['cv.pdf', 'resume'],
        ['letter.pdf', 'cover_letter'],
        ['report.bin', 'other'],
      ],
    );
    assert.deepEqual(
      files.map((f) => f.data),
      [bytes.CV, bytes.COVER_LETTER, bytes.OTHER],
    );
    assert.ok(fake.attachments.every((a) => a.application_id === current.id));
    const upload = fake.server.calls('POST', '/v3/attachments')[0].json;
    // The v3 body has no content_type (v1 required one) [ATS-V §1.2]; this asserted it was sent before.
    assert.deepEqual(Object.keys(upload).sort(), ['application_id', 'content', 'filename', 'type']);
    assert.equal(upload.application_id, current.id);

    const listed = await gh.listCandidateAttachments(ctx, candidate);
    assert.deepEqual(listed.attachments.map((a) => [a.file_name, a.type, a.application_remote_id]).sort(), [
      ['cv.pdf', 'CV', String(current.id)],
      ['letter.pdf', 'COVER_LETTER', String(current.id)],
      ['report.bin', 'OTHER', String(current.id)],
    ]);
    const cv = listed.attachments.find((a) => a.file_name === 'cv.pdf')!;
    assert.equal(cv.content_type, 'application/pdf');
    const downloaded = Buffer.from(await (await fetch(cv.data_url)).arrayBuffer());
    assert.deepEqual(downloaded, bytes.CV);
  });

  test('a second CV demotes the first to "other", as Greenhouse does', async () => {
    const { ctx } = ctxFor(fake);
    await gh.addCandidateAttachment(ctx, refOf(fake, 5016), file('CV', 'cv-v2.pdf', Buffer.from('v2')));
    const listed = await gh.listCandidateAttachments(ctx, refOf(fake, 5016));
    assert.equal(listed.attachments.find((a) => a.file_name === 'cv.pdf')?.type, 'OTHER');
    assert.equal(listed.attachments.find((a) => a.file_name === 'cv-v2.pdf')?.type, 'CV');
  });

  test('a candidate not synced yet: the application is looked up in Greenhouse', async () => {
    const { ctx } = ctxFor(fake);
    await gh.addCandidateAttachment(ctx, { remote_id: '5017', applications: [] }, file('CV', 'cv.pdf', Buffer.from('x')));
    assert.equal(fake.filesFor('5017').length, 1);
    assert.equal(fake.server.calls('GET', '/v3/applications').at(-1)?.query.get('candidate_ids'), '5017');
  });

  test('a blocked file extension is REMOTE.INPUT_INVALID with the vendor message', async () => {
    const { ctx } = ctxFor(fake);
    await rejects(
      gh.addCandidateAttachment(ctx, refOf(fake, 5018), file('OTHER', 'setup.exe', Buffer.from('MZ'))),
      'REMOTE.INPUT_INVALID',
      /filename extension \.exe is not allowed/,
    );
  });

  test('the fake refuses malformed uploads like Greenhouse (bad base64, both content and url)', async () => {
    const { ctx } = ctxFor(fake);
    await gh.checkCredentials(ctx);
    const token = fake.tokens.at(-1)!.token;
    const post = (json: unknown) =>
      fetch(`${fake.url}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    const app = fake.applications[0].id;
    let res = await post({ application_id: app, filename: 'a.pdf', type: 'resume', content: 'not base64!' });
    assert.equal(res.status, 422);
    assert.deepEqual(await res.json(), { message: 'Validation error', errors: [{ message: 'must be Base64-encoded', field: 'content' }] });
    res = await post({ application_id: app, filename: 'a.pdf', type: 'resume', content: 'QQ==', url: 'https://x.test/a.pdf' });
    assert.equal(res.status, 422);
    res = await post({ application_id: app, filename: 'a.pdf', type: 'resumé', content: 'QQ==' });
    assert.equal(res.status, 422);
    res = await post({ application_id: 1, filename: 'a.pdf', type: 'resume', content: 'QQ==' });
    assert.equal(res.status, 404);
  });

  test('capabilities describe the upload truthfully', () => {
    const caps = connector.definition.capabilities.attachments;
    assert.deepEqual(caps.types, { CV: 'resume', COVER_LETTER: 'cover_letter', OTHER: 'other' });
    assert.equal(caps.upload, 'json_base64');
  });
});

describe('greenhouse: transport failures and rate limits', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000, retryAfterSec: 1 })));
  after(() => fake.stop());

  test('a 429 is retried after Retry-After, then succeeds', async () => {
    const { ctx } = ctxFor(fake);
    await gh.checkCredentials(ctx); // token cached, so the fault hits the read
    fake.failNext(1, 429);
    const started = Date.now();
    const jobs = await collect(gh.readJobs(ctx, {}));
    assert.equal(jobs.length, 3);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After: 1');
  });

  test('the fake enforces its fixed window with Harvest headers, and the client rides out a 429', async () => {
    const tight = await startGreenhouseFake({ rateLimit: 3, rateWindowMs: 1000 });
    try {
      // Harvest's 30 s window, served by the fake as 1 s: the client counts in the same 1 s.
      const { ctx } = connectorContext(gh, tight.credentials, tight.url, { rateLimit: { requests: 70, perMs: 1000 } });
      await gh.checkCredentials(ctx); // the token is minted (its own window) before the clock starts
      // Another client of the same credential spends the window that is just starting.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
      for (let i = 0; i < 3; i++) await fetch(`${tight.url}/jobs`, { headers: { authorization: 'Bearer other' } });
      const started = Date.now();
      const all = await collect(gh.readCandidates(ctx, {})); // 4 pages against 3 per second
      assert.equal(all.length, 32);
      // The window was spent by the other client, so the first page draws a 429 and is ridden out;
      // from its X-RateLimit-Limit: 3 on, the client paces itself (src/http/transport.ts), so
      // the other pages are not refused.
      const sent = tight.server.journal.filter((r) => r.path === '/v3/candidates').length;
      assert.ok(sent > 4, 'the 429 of the spent window was retried');
      assert.ok(sent <= 6, `pacing after learning the limit: ${sent} requests for 4 pages`);
      assert.ok(Date.now() - started >= 900, 'waited for the window to reopen');
      let res: Response | undefined;
      for (let i = 0; i < 4; i++) res = await fetch(`${tight.url}/candidates`, { headers: { authorization: 'Bearer x' } });
      assert.ok(res);
      assert.equal(res.status, 429);
      assert.deepEqual(await res.json(), { message: 'Too Many Requests' });
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(res.headers.get('x-ratelimit-limit'), '3');
      assert.ok(Number(res.headers.get('x-ratelimit-reset')) > 0);
    } finally {
      await tight.stop();
    }
  });

  test('a GET failing with 5xx every time is REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    const { ctx } = ctxFor(fake);
    await gh.checkCredentials(ctx);
    const before = fake.server.calls('GET', '/v3/jobs').length;
    fake.failNext(100, 503);
    await rejects(collect(gh.readJobs(ctx, {})), 'REMOTE.SERVICE_UNAVAILABLE');
    const attempts = fake.server.calls('GET', '/v3/jobs').length - before;
    fake.failNext(0, 500);
    assert.ok(attempts > 1 && attempts <= 4, `bounded retries, got ${attempts}`);
  });

  test('a POST failing with 500 is not retried', async () => {
    const { ctx } = ctxFor(fake);
    await gh.checkCredentials(ctx);
    const before = fake.server.calls('POST', '/v3/notes').length;
    fake.failNext(1, 500);
    await rejects(gh.addCandidateResultLink(ctx, refOf(fake, 5020), link()), 'REMOTE.SERVICE_UNAVAILABLE');
    assert.equal(fake.server.calls('POST', '/v3/notes').length - before, 1);
    assert.equal(fake.notes.length, 0);
  });

  test('the client stays under the documented rate limit', async () => {
    // Fixed 30 s windows, 75 in the guide's example [GH-V3T 0000] (this asserted 50 per 10 s before).
    assert.deepEqual(connector.definition.rateLimit, { requests: 70, perMs: 30_000 });
    assert.ok(fake.peakRate() <= 70);
  });

  test('when X-RateLimit-Remaining says the window is spent, the client waits for X-RateLimit-Reset instead of drawing a 429', async () => {
    const tight = await startGreenhouseFake({ rateLimit: 3, rateWindowMs: 1000 });
    try {
      // Harvest's 30 s window, served by the fake as 1 s: the client counts in the same 1 s.
      const { ctx } = connectorContext(gh, tight.credentials, tight.url, { rateLimit: { requests: 70, perMs: 1000 } });
      const all = await collect(gh.readCandidates(ctx, {})); // 4 pages against 3 per window
      assert.equal(all.length, 32);
      const pages = tight.server.journal.filter((r) => r.path === '/v3/candidates');
      assert.equal(pages.length, 4, 'no request was refused and retried');
      const first = await fetch(`${tight.url}/candidates`, { headers: { authorization: 'Bearer x' } });
      assert.ok(
        first.headers.get('x-ratelimit-remaining') !== null && Number(first.headers.get('x-ratelimit-reset')) > Date.now() / 1000 - 1,
      );
    } finally {
      await tight.stop();
    }
  });
});

describe('greenhouse: the Site Admin reading user (v3 lists only to Site Admins)', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  test('the fake answers a non-admin token with 200 and empty lists, as Harvest v3 does', async () => {
    const { ctx } = ctxFor(fake, { ...fake.credentials, user_id: String(RECRUITER) });
    await gh.addCandidateResultLink(ctx, refOf(fake, 5001), link()); // mints the recruiter's token; writes work
    const token = fake.tokens.find((t) => t.sub === String(RECRUITER))!.token;
    const res = await fetch(`${fake.url}/candidates`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), []);
  });

  test('a credential whose only user is not a Site Admin is refused at checkCredentials with PERMISSION_MISSING saying why', async () => {
    const { ctx } = ctxFor(fake, { ...fake.credentials, user_id: String(RECRUITER) });
    const err = await rejects(gh.checkCredentials(ctx), 'INTEGRATION.PERMISSION_MISSING', /user 1002\b.*Site Admin/);
    assert.match(err.message, /Reading user ID/);
    const lookup = fake.server.calls('GET', '/v3/users').at(-1)!;
    assert.equal(lookup.query.get('ids'), String(RECRUITER));
    assert.equal(lookup.query.get('show_service_accounts'), 'true');
  });

  test('a non-admin reading_user_id is refused too, and a Site Admin one passes', async () => {
    await rejects(
      gh.checkCredentials(ctxFor(fake, { ...fake.credentials, reading_user_id: String(RECRUITER) }).ctx),
      'INTEGRATION.PERMISSION_MISSING',
      /not a Site Admin/,
    );
    await gh.checkCredentials(ctxFor(fake, { ...fake.credentials, reading_user_id: String(SITE_ADMIN), user_id: String(RECRUITER) }).ctx);
  });

  test('a service account that cannot list is refused (its level is not documented, so it is checked)', async () => {
    const noAdmin = await startGreenhouseFake({ serviceAccountSiteAdmin: false });
    try {
      await rejects(gh.checkCredentials(ctxFor(noAdmin).ctx), 'INTEGRATION.PERMISSION_MISSING', /service account.*Site Admin/);
      await gh.checkCredentials(ctxFor(noAdmin, { ...noAdmin.credentials, reading_user_id: String(SITE_ADMIN) }).ctx);
    } finally {
      await noAdmin.stop();
    }
  });

  test('without harvest:users:list the check names that scope', async () => {
    const scoped = await startGreenhouseFake({ scopes: ALL_SCOPES.filter((s) => s !== 'harvest:users:list') });
    try {
      await rejects(gh.checkCredentials(ctxFor(scoped).ctx), 'INTEGRATION.PERMISSION_MISSING', /"harvest:users:list"/);
    } finally {
      await scoped.stop();
    }
  });

  test('reads run as the reading user and writes as the note author', async () => {
    const { ctx } = ctxFor(fake, { ...fake.credentials, reading_user_id: String(SITE_ADMIN), user_id: String(RECRUITER) });
    const candidates = await collect(gh.readCandidates(ctx, {}));
    assert.equal(candidates.length, fake.candidates.length, 'the sync sees everything, not the empty lists a recruiter gets');
    const candidate = refOf(fake, 5011);
    const res = await gh.addCandidateResultLink(
      ctx,
      candidate,
      link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '55' }] } }),
    );
    assert.deepEqual(fake.candidateFieldValues(5011), { 'Acme: Score': '55' }, 'the custom-field lookup found the field');
    assert.ok(res.warnings.includes(warn.customFields('Greenhouse', ['Acme: Score'])));
    const note = fake.notes.find((n) => n.candidate_id === 5011)!;
    assert.equal(note.user_id, RECRUITER);
    assert.equal(note.token_sub, String(RECRUITER));
    await gh.addCandidateAttachment(
      ctx,
      { remote_id: '5011', applications: [] },
      {
        name: 'cv.pdf',
        type: 'CV',
        content_type: 'application/pdf',
        file: new Blob([new Uint8Array(Buffer.from('cv'))]),
        remote_fields: {},
      },
    );
    assert.equal(fake.filesFor('5011').length, 1, 'the application lookup ran as the Site Admin');
    const listed = await gh.listCandidateAttachments(ctx, candidate);
    assert.equal(listed.attachments.length, 1);
  });
});

describe('greenhouse: v3 field names and lookups', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  test("every application's current stage is its job interview stage, found through /v3/application_stages", async () => {
    const { ctx } = ctxFor(fake);
    const apps = await collect(gh.readApplications(ctx, {}));
    for (const a of apps) {
      const stage = fake.currentStageOf(Number(a.remote_id))!;
      assert.deepEqual(
        a.current_stage,
        { remote_id: String(stage.id), name: stage.name, index: stage.sort_order },
        `application ${a.remote_id}`,
      );
    }
    const lookup = fake.server.calls('GET', '/v3/application_stages')[0];
    assert.ok(lookup.query.get('application_ids')!.split(',').length <= 50);
    assert.ok(fake.server.calls('GET', '/v3/job_interview_stages').some((c) => c.query.get('ids')));
  });

  test('rejection reasons come from /v3/rejection_details, named with include_defaults=true', async () => {
    const { ctx } = ctxFor(fake);
    const apps = await collect(gh.readApplications(ctx, {}));
    for (const a of apps.filter((x) => x.outcome === 'DECLINED')) {
      const reason = fake.applications.find((x) => String(x.id) === a.remote_id)!.rejection_reason_id;
      assert.equal(
        a.rejection_reason_name,
        reason === 9001 ? 'Lacking skill(s)/qualification(s)' : 'Candidate withdrew',
        `application ${a.remote_id}`,
      );
    }
    assert.ok(fake.server.calls('GET', '/v3/rejection_details').length >= 1);
    assert.equal(fake.server.calls('GET', '/v3/rejection_reasons').at(-1)?.query.get('include_defaults'), 'true');
  });

  test('without the optional lookup scopes the sync still works: stage_name, no reason names', async () => {
    const scoped = await startGreenhouseFake({
      scopes: ALL_SCOPES.filter((s) => !['harvest:application_stages:list', 'harvest:rejection_details:list'].includes(s)),
    });
    try {
      const apps = await collect(gh.readApplications(ctxFor(scoped).ctx, {}));
      assert.equal(apps.length, scoped.applications.length);
      assert.ok(apps.every((a) => a.current_stage === null && a.rejection_reason_name === null));
    } finally {
      await scoped.stop();
    }
  });

  test('token lifetimes: expires_at (ISO) as Greenhouse sends it, expires_in tolerated, else 1 h', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    assert.equal(tokenLifetimeMs({ expires_at: '2026-12-04T11:00:00+00:00' }, now), 3_600_000);
    assert.equal(tokenLifetimeMs({ expires_in: 120 }, now), 120_000);
    assert.equal(tokenLifetimeMs({}, now), 3_600_000);
    assert.equal(tokenLifetimeMs({ expires_at: 'garbage', expires_in: 30 }, now), 30_000);
  });

  test('the fake answers tokens with expires_at, like the vendor SDK expects', async () => {
    const { ctx } = ctxFor(fake);
    await collect(gh.readJobs(ctx, {}));
    const minted = fake.server.calls('POST', '/token').length;
    assert.ok(minted >= 1);
    const res = await fetch(fake.url.replace(/\/v3$/, '/token'), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.credentials.client_id}:${fake.credentials.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_at', 'token_type']);
    assert.ok(Date.parse(body.expires_at) > Date.now());
  });

  test("the fake's documented traps: cursor alone, at most 50 ids, declared parameters only", async () => {
    const own = await startGreenhouseFake();
    const { ctx } = ctxFor(own);
    await gh.checkCredentials(ctx);
    const token = own.tokens.at(-1)!.token;
    const get = (q: string) => fetch(`${own.url}/candidates?${q}`, { headers: { authorization: `Bearer ${token}` } });
    const first = await get('per_page=5');
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1];
    const mixed = await fetch(`${next}&per_page=5`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(mixed.status, 422);
    assert.deepEqual(await mixed.json(), { errors: ['When passing a cursor, do not include other query params'] });
    const ids = Array.from({ length: 51 }, (_, i) => 5001 + i).join(',');
    assert.equal((await get(`ids=${ids}`)).status, 422);
    assert.equal((await get('is_private=true')).status, 422);
    await assert.rejects(own.stop(), /is_private.*not declared/);
  });

  test('the registry-derived spec catches v1 field names in a response', () => {
    const spec = SpecCheck.fromFile(GREENHOUSE_SPEC_FILE, { label: 'Harvest v3 registry', basePath: '/v3' });
    assert.deepEqual(spec.checkResponse('GET', '/v3/candidates', 200, [{ id: 1, private: true, first_name: 'A' }]), []);
    assert.ok(spec.checkResponse('GET', '/v3/candidates', 200, [{ id: 1, is_private: true }]).some((v) => /is_private/.test(v)));
    assert.ok(
      spec
        .checkResponse('GET', '/v3/applications', 200, [{ id: 1, job_interview_stage_id: 3 }])
        .some((v) => /job_interview_stage_id/.test(v)),
    );
    assert.ok(
      spec.checkResponse('GET', '/v3/applications', 200, [{ id: 1, rejection_reason_id: 3 }]).some((v) => /rejection_reason_id/.test(v)),
    );
  });

  test('an upload body field the v3 reference does not document is refused by the fake', async () => {
    const own = await startGreenhouseFake();
    const { ctx } = ctxFor(own);
    await gh.checkCredentials(ctx);
    const res = await fetch(`${own.url}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${own.tokens.at(-1)!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        application_id: own.applications[0].id,
        filename: 'a.pdf',
        type: 'resume',
        content: 'QQ==',
        content_type: 'application/pdf',
      }),
    });
    assert.equal(res.status, 422);
    await assert.rejects(own.stop(), /content_type not in the documented body/);
  });
});

describe('greenhouse: application notes and files', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ rateLimit: 1000 })));
  after(() => fake.stop());

  /** The candidate's application that is not its current one, so a wrong fallback would show. */
  const rejectedOf5016 = (): ApplicationRef => {
    const a = fake.applications.find((x) => x.candidate_id === 5016 && x.status === 'rejected')!;
    return { remote_id: String(a.id), candidate_remote_id: '5016', job_remote_id: String(a.job_id), outcome: 'DECLINED' };
  };

  test('a note carries the application id, the visibility asked for (else public) and the acting user; no warning', async () => {
    const { ctx } = ctxFor(fake);
    const app = rejectedOf5016();
    const res = await gh.addApplicationNote(ctx, app, {
      content: 'Debrief: strong SQL',
      content_type: 'PLAIN_TEXT',
      remote_fields: { greenhousev3: { visibility: 'private' } },
    });
    assert.deepEqual(res.warnings, []);
    await gh.addApplicationNote(ctx, app, { content: 'Second note', content_type: 'PLAIN_TEXT', remote_fields: {} });
    const notes = fake.notes.filter((n) => n.body === 'Debrief: strong SQL' || n.body === 'Second note');
    assert.deepEqual(
      notes.map((n) => [n.candidate_id, n.application_id, n.visibility, n.type]),
      [
        [5016, Number(app.remote_id), 'private', 'NOTE'],
        [5016, Number(app.remote_id), 'public', 'NOTE'],
      ],
    );
  });

  test('a file goes to that application (not the current one) and only its files are listed', async () => {
    const { ctx } = ctxFor(fake);
    const app = rejectedOf5016();
    const bytes = Buffer.from('%PDF-1.7 debrief \x00\x01', 'latin1');
    const res = await gh.addApplicationAttachment(ctx, app, {
      name: 'debrief.pdf',
      type: 'OTHER',
      content_type: 'application/pdf',
      file: new Blob([new Uint8Array(bytes)]),
      remote_fields: {},
    });
    assert.deepEqual(res.warnings, []);
    const stored = fake.attachments.filter((a) => a.filename === 'debrief.pdf');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].application_id, Number(app.remote_id));
    assert.deepEqual(stored[0].data, bytes);
    // A file on the candidate's other (current) application is not this application's.
    await gh.addCandidateAttachment(ctx, refOf(fake, 5016), {
      name: 'current.pdf',
      type: 'OTHER',
      content_type: 'application/pdf',
      file: new Blob([new Uint8Array(bytes)]),
      remote_fields: {},
    });
    const listed = await gh.listApplicationAttachments(ctx, app);
    assert.deepEqual(
      listed.attachments.map((a) => a.file_name),
      ['debrief.pdf'],
    );
    assert.equal(listed.attachments[0].application_remote_id, app.remote_id);
  });
});
