import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/recruitee/index.ts';
import type { AttachmentInput, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { startRecruiteeFake, type RecruiteeFake } from '../fakes/recruitee.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';

let fake: RecruiteeFake;
const ctx = (creds?: Record<string, unknown>) => connectorContext(connector, creds ?? fake.credentials, fake.url).ctx;
const ref = (id: string): CandidateRef => ({ remote_id: id, applications: [] });
const link = (over: Partial<ResultLinkInput> = {}): ResultLinkInput => ({
  label: 'Acme coding test',
  url: 'https://acme.example/results/r-42',
  details: null,
  remote_fields: {},
  ...over,
});

before(async () => {
  // A generous window here; the rate-limit test below runs its own fake with a tiny one.
  fake = await startRecruiteeFake({ pageCap: 10, resetSeconds: 1, rateLimit: { limit: 1000, windowMs: 60_000 } });
});
after(() => fake.stop());
beforeEach(() => fake.failNext(0, 500));

describe('checkCredentials', () => {
  test('accepts a good token and company', async () => {
    await connector.checkCredentials(ctx());
  });

  test('a bad token is AUTHENTICATION_INVALID, without the token in the message', async () => {
    const bad = fake.badCredentials;
    await assert.rejects(connector.checkCredentials(ctx(bad)), (err: any) => {
      assert.equal(err.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(err.message, /HTTP 401/);
      assert.ok(!err.message.includes(String(bad.api_token)));
      return true;
    });
  });

  test('a company the token does not belong to is AUTHENTICATION_INVALID naming the company', async () => {
    await rejectsWith(
      connector.checkCredentials(ctx({ ...fake.credentials, company_id: '99999' })),
      'INTEGRATION.AUTHENTICATION_INVALID',
      /company "99999"/,
    );
  });

  test('a user whose role cannot see candidates is PERMISSION_MISSING naming it', async () => {
    await rejectsWith(connector.checkCredentials(ctx(fake.limitedCredentials)), 'INTEGRATION.PERMISSION_MISSING', /view candidates/);
  });

  test('the subdomain works as company id', async () => {
    await connector.checkCredentials(ctx({ ...fake.credentials, company_id: 'acme-talent' }));
  });
});

describe('readers', () => {
  test('readJobs returns the jobs (not talent pools) with stages', async () => {
    const before = fake.server.calls('GET', /\/offers$/).length;
    const jobs = await collect(connector.readJobs(ctx(), {}));
    // Every job: published, internal, draft and archived, whatever /offers' default scope is.
    assert.deepEqual(jobs.map((j) => j.remote_id).sort(), fake.jobRemoteIds().sort());
    assert.deepEqual(fake.jobRemoteIds().sort(), ['5001', '5002', '5004', '5005']);
    const calls = fake.server.calls('GET', /\/offers$/).slice(before);
    assert.deepEqual([...new Set(calls.map((r) => r.query.get('scope')))], ['not_archived', 'archived']);
    assert.ok(calls.every((r) => r.query.get('view_mode') === 'default'));
    assert.ok(calls.filter((r) => r.query.get('scope') === 'not_archived').length >= 2, 'offers are paged');
    // The archived job's payload has no pipeline template: its stages come from /offers/{id}/placements.
    const archived = jobs.find((j) => j.remote_id === '5004')!;
    assert.equal(archived.status, 'ARCHIVED');
    assert.deepEqual(
      archived.stages?.map((s) => s.name),
      ['Applied', 'Phone screen', 'Interview', 'Offer', 'Hired'],
    );
    assert.equal(fake.server.calls('GET', '/offers/5004/placements').length >= 1, true);
    assert.equal(fake.server.calls('GET', '/offers/5001/placements').length, 0, 'no extra call when the payload has stages');
    assert.equal(jobs.find((j) => j.remote_id === '5005')!.status, 'DRAFT');
    assert.equal(jobs.find((j) => j.remote_id === '5001')!.remote_url, 'https://app.recruitee.com/#/offers/5001');
    const backend = jobs.find((j) => j.remote_id === '5001')!;
    assert.equal(backend.name, 'Backend Engineer');
    assert.equal(backend.status, 'OPEN');
    assert.equal(backend.visibility, 'PUBLIC');
    assert.equal(backend.employment_type, 'FULL_TIME');
    assert.equal(backend.department, 'Engineering');
    assert.equal(backend.post_url, 'https://acme-talent.recruitee.com/o/backend-engineer');
    assert.deepEqual(
      backend.stages?.map((s) => s.name),
      ['Applied', 'Phone screen', 'Interview', 'Offer', 'Hired'],
    );
    const designer = jobs.find((j) => j.remote_id === '5002')!;
    assert.equal(designer.visibility, 'INTERNAL');
    assert.equal(designer.employment_type, 'PART_TIME');
  });

  test('readCandidates walks every page (limit/offset) and maps fields', async () => {
    const before = fake.server.calls('GET', /\/candidates$/).length;
    const cands = await collect(connector.readCandidates(ctx(), {}));
    const pages = fake.server.calls('GET', /\/candidates$/).slice(before);
    assert.ok(pages.length >= 4, `expected >= 3 pages + the empty one, got ${pages.length}`);
    assert.deepEqual(
      pages.map((r) => r.query.get('offset')),
      ['0', '10', '20', '30', '36'],
    );
    assert.deepEqual(cands.map((c) => c.remote_id).sort(), fake.candidateRemoteIds().sort());
    const c = cands.find((x) => x.remote_id === '4100004')!;
    assert.equal(c.first_name, 'Barbara');
    assert.equal(c.last_name, 'Hamilton');
    assert.deepEqual(c.email_addresses, [{ email_address: 'barbara.hamilton@example.com', type: null }]);
    assert.deepEqual(c.tags, [{ remote_id: null, name: 'senior' }]);
    assert.equal(c.source, 'Careers site');
    // The app link Recruitee returns (adminapp_url), not one built from a guessed route.
    assert.equal(c.remote_url, fake.adminUrlOf('4100004'));
    assert.equal(c.remote_created_at, '2026-01-05T00:00:00.000Z');
    // Every request carried the personal token as a Bearer.
    assert.ok(pages.every((r) => r.headers.authorization === `Bearer ${fake.credentials.api_token}`));
  });

  test('readApplications returns every placement on a job, with stage and outcome', async () => {
    const apps = await collect(connector.readApplications(ctx(), {}));
    assert.deepEqual(apps.map((a) => a.remote_id).sort(), fake.applicationRemoteIds().sort());
    const byCandidate = (id: string) => apps.filter((a) => a.candidate_remote_id === id);
    // Candidate 6 is disqualified on its first placement.
    const declined = byCandidate('4100006')[0];
    assert.equal(declined.outcome, 'DECLINED');
    assert.equal(declined.rejection_reason_name, 'Not a fit');
    assert.equal(declined.job_remote_id, '5001');
    // Candidate 4 sits in stage index 4 ("Hired", category hire).
    const hired = byCandidate('4100004')[0];
    assert.equal(hired.outcome, 'HIRED');
    assert.deepEqual(hired.current_stage, { remote_id: '61004', name: 'Hired', index: 4 });
    // Candidate 5 has two job placements (and none in a talent pool).
    assert.equal(byCandidate('4100005').length, 2);
    // Candidate 7 is also in the talent pool, which is not an application.
    assert.equal(byCandidate('4100007').length, 1);
    const pending = byCandidate('4100002')[0];
    assert.equal(pending.outcome, 'PENDING');
    assert.equal(pending.current_stage?.name, 'Interview');
    // Candidate 11 was hired on a job that is archived now: job and stage are still known.
    const archived = byCandidate('4100011').find((a) => a.job_remote_id === '5004')!;
    assert.deepEqual(archived.current_stage, { remote_id: '64004', name: 'Hired', index: 4 });
    assert.equal(archived.outcome, 'HIRED');
    assert.equal(archived.remote_url, fake.adminUrlOf('4100011'));
  });

  test('updatedAfter keeps only candidates changed since (filtered after reading)', async () => {
    fake.touchCandidate('4100011', new Date('2026-06-02T00:00:00Z'));
    fake.touchCandidate('4100012', new Date('2026-06-03T00:00:00Z'));
    const cands = await collect(connector.readCandidates(ctx(), { updatedAfter: new Date('2026-06-01T00:00:00Z') }));
    assert.deepEqual(cands.map((c) => c.remote_id).sort(), ['4100011', '4100012']);
    const jobs = await collect(connector.readJobs(ctx(), { updatedAfter: new Date('2025-12-25T00:00:00Z') }));
    assert.deepEqual(
      jobs.map((j) => j.remote_id),
      ['5002'],
    );
    assert.equal(connector.definition.capabilities.deltaSync, false);
  });

  test('readCandidate returns one candidate with applications, null when unknown', async () => {
    const one = await connector.readCandidate!(ctx(), '4100005');
    assert.equal(one?.candidate.remote_id, '4100005');
    assert.equal(one?.applications.length, 2);
    assert.deepEqual(one?.candidate.custom_fields, {
      'Acme: Score': null,
      'Acme: Percentile': null,
      'Acme: Track': null,
      'Notice period': '1 month',
    });
    assert.equal(await connector.readCandidate!(ctx(), '123'), null);
  });
});

describe('result links', () => {
  test('candidate link: existing profile fields get the attributes, the rest and the link go to a note', async () => {
    const res = await connector.addCandidateResultLink(
      ctx(),
      ref('4100020'),
      link({
        details: {
          custom_field_name_prefix: 'Acme:',
          attributes: [
            { key: 'Score', value: '92/100' },
            { key: 'Percentile', value: '87' },
            { key: 'Track', value: 'Backend' },
            { key: 'Reviewer', value: 'Sam' },
          ],
        },
      }),
    );
    // Both fields are company templates without a value yet (id null): created with the documented POST.
    const writes = fake.fieldWrites.filter((w) => w.candidate_id === 4100020);
    assert.deepEqual(
      writes.map((w) => ({ name: w.name, values: w.values, method: w.method })),
      [
        { name: 'Acme: Score', values: [{ text: '92/100' }], method: 'POST' },
        { name: 'Acme: Percentile', values: [{ number: '87' }], method: 'POST' },
      ],
    );
    const post = fake.server.calls('POST', '/custom_fields/candidates/4100020/fields')[0];
    assert.deepEqual(post.json, { field: { name: 'Acme: Score', kind: 'single_line', values: [{ text: '92/100' }] } });
    const notes = fake.notes.filter((n) => n.candidate_id === 4100020);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].body, 'Acme coding test: https://acme.example/results/r-42\nAcme: Track: Backend\nAcme: Reviewer: Sam');
    const notePost = fake.server.calls('POST', '/candidates/4100020/notes')[0];
    assert.deepEqual(notePost.json, { note: { body: notes[0].body } });
    assert.deepEqual(res.warnings, [
      'Recruitee has no result-link feature reachable with an API key; the result link was added as a note on the candidate.',
      'Recruitee stores the result in custom fields: "Acme: Score", "Acme: Percentile".',
      `Recruitee's profile field "Acme: Track" is of kind "dropdown", which cannot hold "Backend"; it was written into the note instead.`,
      'Recruitee has no candidate profile field named "Acme: Reviewer"; that attribute was written into the note instead.',
    ]);
    assert.match(fake.resultTextFor('4100020'), /Acme: Score: 92\/100/);
  });

  test('a field that already has a value is PATCHed by its id', async () => {
    const field = fake.fieldsOf('4100018').find((f) => f.name === 'Acme: Score')!;
    assert.ok(field.id !== null);
    await connector.addCandidateResultLink(
      ctx(),
      ref('4100018'),
      link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '64' }] } }),
    );
    const patch = fake.server.calls('PATCH', `/custom_fields/candidates/4100018/fields/${field.id}`)[0];
    assert.deepEqual(patch.json, { field: { name: 'Acme: Score', kind: 'single_line', values: [{ text: '64' }] } });
    assert.deepEqual(fake.fieldsOf('4100018').find((f) => f.name === 'Acme: Score')!.values, [{ text: '64' }]);
  });

  test('a number goes as the documented decimal string, and as a JSON number if Recruitee refuses the string', async () => {
    fake.numberValues = 'number';
    try {
      const res = await connector.addCandidateResultLink(
        ctx(),
        ref('4100019'),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Percentile', value: '42.5' }] } }),
      );
      const posts = fake.server.calls('POST', '/custom_fields/candidates/4100019/fields').map((r) => r.json.field.values);
      assert.deepEqual(posts, [[{ number: '42.5' }], [{ number: 42.5 }]]);
      assert.deepEqual(fake.fieldsOf('4100019').find((f) => f.name === 'Acme: Percentile')!.values, [{ number: 42.5 }]);
      assert.ok(res.warnings.includes('Recruitee stores the result in custom fields: "Acme: Percentile".'));
    } finally {
      fake.numberValues = 'string';
    }
  });

  test('a profile field write Recruitee refuses is a secondary failure: the value goes into the note', async () => {
    fake.refusedFields.add('Acme: Score');
    try {
      const res = await connector.addCandidateResultLink(
        ctx(),
        ref('4100028'),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '55' }] } }),
      );
      assert.equal(
        fake.notes.find((n) => n.candidate_id === 4100028)?.body,
        'Acme coding test: https://acme.example/results/r-42\nAcme: Score: 55',
      );
      assert.ok(
        res.warnings.some((w) =>
          /^Writing Recruitee's profile field "Acme: Score" failed: .*HTTP 422.*values is locked.* The value was written into the note instead\.$/.test(
            w,
          ),
        ),
        res.warnings.join(' | '),
      );
    } finally {
      fake.refusedFields.clear();
    }
  });

  test('no field exists for any attribute: everything goes into the note, with a warning', async () => {
    const res = await connector.addCandidateResultLink(
      ctx(),
      ref('4100021'),
      link({
        details: {
          custom_field_name_prefix: 'Other',
          attributes: [
            { key: 'Score', value: '1' },
            { key: 'Grade', value: 'B' },
          ],
        },
      }),
    );
    assert.equal(fake.fieldWrites.filter((w) => w.candidate_id === 4100021).length, 0);
    assert.equal(
      fake.notes.find((n) => n.candidate_id === 4100021)?.body,
      'Acme coding test: https://acme.example/results/r-42\nOther Score: 1\nOther Grade: B',
    );
    assert.deepEqual(res.warnings.slice(1), [
      'Recruitee has no candidate profile field named "Other Score", "Other Grade"; those attributes were written into the note instead.',
    ]);
  });

  test('a number field given text falls back to the note', async () => {
    const res = await connector.addCandidateResultLink(
      ctx(),
      ref('4100022'),
      link({
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Percentile', value: 'high' }] },
      }),
    );
    assert.equal(fake.fieldWrites.filter((w) => w.candidate_id === 4100022).length, 0);
    assert.match(fake.notes.find((n) => n.candidate_id === 4100022)!.body, /Acme: Percentile: high$/);
    assert.match(res.warnings[1], /kind "number", which cannot hold "high"/);
  });

  test('without details only a note is written (no candidate lookup)', async () => {
    const gets = fake.server.calls('GET', '/candidates/4100023').length;
    const res = await connector.addCandidateResultLink(ctx(), ref('4100023'), link());
    assert.equal(fake.server.calls('GET', '/candidates/4100023').length, gets);
    assert.equal(fake.notes.find((n) => n.candidate_id === 4100023)?.body, 'Acme coding test: https://acme.example/results/r-42');
    assert.deepEqual(res.warnings, [
      'Recruitee has no result-link feature reachable with an API key; the result link was added as a note on the candidate.',
    ]);
  });

  test("application link lands on the application's candidate and says so", async () => {
    const res = await connector.addApplicationResultLink(
      ctx(),
      { remote_id: '9000030', candidate_remote_id: '4100024', job_remote_id: '5001', outcome: 'PENDING' },
      link({
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '77' }] },
      }),
    );
    assert.equal(fake.notes.find((n) => n.candidate_id === 4100024)?.body, 'Acme coding test: https://acme.example/results/r-42');
    assert.deepEqual(fake.fieldWrites.find((w) => w.candidate_id === 4100024)?.values, [{ text: '77' }]);
    assert.deepEqual(res.warnings, [
      'Recruitee has no result-link feature reachable with an API key; the result link was added as a note on the candidate.',
      "Recruitee keeps this on the candidate, not the application; it was added to the application's candidate.",
      'Recruitee stores the result in custom fields: "Acme: Score".',
    ]);
  });

  test('remote_fields.recruitee.visibility is sent as {level}; is_json is ignored with a warning', async () => {
    const visibility = { level: 'private' };
    const res = await connector.addCandidateResultLink(
      ctx(),
      ref('4100025'),
      link({ remote_fields: { recruitee: { visibility, is_json: false } } }),
    );
    assert.deepEqual(fake.notes.find((n) => n.candidate_id === 4100025)?.visibility, visibility);
    assert.ok(res.warnings.includes('remote_fields.recruitee.is_json does not apply to Recruitee and was ignored.'));
    // A plain level string (the obvious thing to send through Kombo's "any") is wrapped.
    await connector.addCandidateResultLink(ctx(), ref('4100029'), link({ remote_fields: { recruitee: { visibility: 'Public' } } }));
    assert.deepEqual(fake.notes.find((n) => n.candidate_id === 4100029)?.visibility, { level: 'public' });
  });

  test('Recruitee validation errors are REMOTE.INPUT_INVALID with its message', async () => {
    await rejectsWith(
      connector.addCandidateResultLink(ctx(), ref('4100026'), link({ remote_fields: { recruitee: { visibility: 5 } } })),
      'REMOTE.INPUT_INVALID',
      /HTTP 422\): visibility is invalid/,
    );
  });

  test('an unknown candidate is PLATFORM.INPUT_INVALID naming it', async () => {
    await rejectsWith(
      connector.addCandidateResultLink(ctx(), ref('999'), link()),
      'PLATFORM.INPUT_INVALID',
      /candidate 999 was not found in Recruitee/,
    );
    await rejectsWith(
      connector.addCandidateResultLink(
        ctx(),
        ref('998'),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '1' }] } }),
      ),
      'PLATFORM.INPUT_INVALID',
      /candidate 998 was not found/,
    );
  });
});

describe('attachments', () => {
  const file = (type: AttachmentInput['type'], name: string, text: string): AttachmentInput => ({
    name,
    type,
    content_type: 'application/pdf',
    file: new Blob([new Uint8Array(Buffer.from(text))]),
    remote_fields: {},
  });

  test('CV replaces the candidate CV via update_cv (multipart), bytes intact, warning when one existed', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
    const res = await connector.addCandidateAttachment(ctx(), ref('4100003'), {
      name: 'Report.pdf',
      type: 'CV',
      content_type: 'application/pdf',
      file: new Blob([new Uint8Array(bytes)]),
      remote_fields: {},
    });
    const cv = fake.cvFor('4100003')!;
    assert.equal(cv.filename, 'Report.pdf');
    assert.equal(cv.content_type, 'application/pdf');
    assert.deepEqual(cv.data, bytes);
    assert.match(
      String(fake.server.calls('PATCH', '/candidates/4100003/update_cv')[0].headers['content-type']),
      /^multipart\/form-data; boundary=/,
    );
    assert.deepEqual(res.warnings, ['Recruitee keeps one CV per candidate; the uploaded CV replaced the previous one.']);
    const none = await connector.addCandidateAttachment(ctx(), ref('4100001'), file('CV', 'cv.pdf', 'first cv'));
    assert.deepEqual(none.warnings, []);
  });

  test('without an update_cv route (404) the CV goes through POST /attachments + set_as_cv', async () => {
    fake.updateCvRoute = false;
    try {
      const res = await connector.addCandidateAttachment(ctx(), ref('4100006'), file('CV', 'New CV.pdf', 'new cv bytes'));
      assert.deepEqual(res.warnings, ['Recruitee keeps one CV per candidate; the uploaded CV replaced the previous one.']);
      assert.equal(fake.cvFor('4100006')!.filename, 'New CV.pdf');
      assert.equal(fake.cvFor('4100006')!.data.toString(), 'new cv bytes');
      const upload = fake.server.calls('POST', '/attachments').at(-1)!;
      assert.equal(upload.form?.get('attachment[candidate_id]'), '4100006');
      assert.equal(fake.server.calls('PATCH', /\/candidates\/4100006\/set_as_cv\/\d+$/).length, 1);
      // The previous CV is now a plain file (set_as_cv replaces, it does not delete).
      assert.deepEqual(
        fake.filesFor('4100006').map((f) => f.type),
        ['cv', 'attachment'],
      );
    } finally {
      fake.updateCvRoute = true;
    }
  });

  test('COVER_LETTER and OTHER become candidate files via POST /attachments', async () => {
    const cover = await connector.addCandidateAttachment(ctx(), ref('4100008'), file('COVER_LETTER', 'Cover letter.pdf', 'dear acme'));
    const other = await connector.addCandidateAttachment(ctx(), ref('4100008'), file('OTHER', 'Results.pdf', 'score 92'));
    assert.deepEqual(cover.warnings, [
      "Recruitee has no cover-letter upload in its API; the cover letter was added to the candidate's files.",
    ]);
    assert.deepEqual(other.warnings, []);
    assert.deepEqual(
      fake.filesFor('4100008').map((f) => ({ name: f.name, type: f.type, data: f.data.toString() })),
      [
        { name: 'Cover letter.pdf', type: 'attachment', data: 'dear acme' },
        { name: 'Results.pdf', type: 'attachment', data: 'score 92' },
      ],
    );
    assert.deepEqual(connector.definition.capabilities.attachments.types, { CV: 'cv', COVER_LETTER: 'attachment', OTHER: 'attachment' });
  });

  test('listCandidateAttachments returns the CV and files with working pre-signed URLs', async () => {
    await connector.addCandidateAttachment(ctx(), ref('4100009'), file('OTHER', 'Take-home.pdf', 'take home bytes'));
    const { attachments, warnings } = await connector.listCandidateAttachments(ctx(), ref('4100009'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      attachments.map((a) => [a.type, a.file_name, a.content_type]),
      [
        ['CV', 'Ken_Thompson_CV.pdf', 'application/pdf'],
        ['OTHER', 'Take-home.pdf', 'application/pdf'],
      ],
    );
    const body = await (await fetch(attachments[1].data_url)).text();
    assert.equal(body, 'take home bytes');
    // Listed through the per-candidate route, never a company-wide list filtered by a parameter.
    assert.equal(fake.server.calls('GET', '/candidates/4100009/attachments').length, 1);
    assert.equal(fake.server.calls('GET', /\/c\/[^/]+\/attachments$/).length, 0);
    // Another candidate's file never shows up here.
    await connector.addCandidateAttachment(ctx(), ref('4100010'), file('OTHER', 'Not yours.pdf', 'other'));
    const again = await connector.listCandidateAttachments(ctx(), ref('4100009'));
    assert.ok(!again.attachments.some((a) => a.file_name === 'Not yours.pdf'));
    await rejectsWith(connector.listCandidateAttachments(ctx(), ref('12')), 'PLATFORM.INPUT_INVALID', /candidate 12/);
  });

  test('without a per-candidate file list (404) only the CV is listed, with a warning, never a company-wide list', async () => {
    fake.attachmentsListRoute = false;
    try {
      const { attachments, warnings } = await connector.listCandidateAttachments(ctx(), ref('4100015'));
      assert.deepEqual(
        attachments.map((a) => a.type),
        ['CV'],
      );
      assert.deepEqual(warnings, [
        "Recruitee did not list the candidate's files (HTTP 404 on GET /candidates/4100015/attachments); only the CV is listed.",
      ]);
    } finally {
      fake.attachmentsListRoute = true;
    }
  });

  test('an upload for an unknown candidate is PLATFORM.INPUT_INVALID', async () => {
    await rejectsWith(
      connector.addCandidateAttachment(ctx(), ref('13'), file('OTHER', 'x.pdf', 'x')),
      'PLATFORM.INPUT_INVALID',
      /candidate 13/,
    );
  });
});

describe('failures', () => {
  test('a 429 is retried after x-ratelimit-reset', async () => {
    fake.failNext(1, 429);
    const started = Date.now();
    const jobs = await collect(connector.readJobs(ctx(), {}));
    assert.equal(jobs.length, fake.jobRemoteIds().length);
    assert.ok(Date.now() - started >= 950, 'waited for the reset');
  });

  test('exhausting the real window gives 429 + x-ratelimit-*, and the client waits it out', async () => {
    const small = await startRecruiteeFake({ pageCap: 10, rateLimit: { limit: 3, windowMs: 1000 } });
    try {
      const { ctx: c } = connectorContext(connector, small.credentials, small.url);
      const started = Date.now();
      const cands = await collect(connector.readCandidates(c, {}));
      assert.equal(cands.length, 36);
      // x-ratelimit-remaining: 0 held the client until x-ratelimit-reset (src/http/transport.ts).
      assert.equal(small.server.journal.length, 5, 'no request was refused');
      assert.ok(Date.now() - started >= 900, 'waited for the reset');
      // The fake's own window still refuses a burst, with the limiter's headers.
      let res: Response | undefined;
      for (let i = 0; i < 4; i++)
        res = await fetch(`${small.url}/c/${small.credentials.company_id}/candidates`, {
          headers: { authorization: `Bearer ${small.credentials.api_token}` },
        });
      assert.equal(res?.status, 429);
      assert.equal(res?.headers.get('x-ratelimit-remaining'), '0');
    } finally {
      await small.stop();
    }
  });

  test('a GET failing with 5xx every time is REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    fake.failNext(50, 503);
    const before = fake.server.journal.length;
    await rejectsWith(collect(connector.readJobs(ctx(), {})), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 503: Service Unavailable/);
    assert.equal(fake.server.journal.length - before, 4);
  });

  test('a POST failing with 500 is not retried', async () => {
    fake.failNext(1, 500);
    const before = fake.server.calls('POST', '/candidates/4100027/notes').length;
    await rejectsWith(connector.addCandidateResultLink(ctx(), ref('4100027'), link()), 'REMOTE.SERVICE_UNAVAILABLE');
    assert.equal(fake.server.calls('POST', '/candidates/4100027/notes').length - before, 1);
    assert.equal(fake.notes.filter((n) => n.candidate_id === 4100027).length, 0);
  });

  test('a candidate deleted upstream no longer appears in reads', async () => {
    fake.deleteCandidate('4100030');
    const cands = await collect(connector.readCandidates(ctx(), {}));
    assert.equal(cands.length, 35);
    assert.ok(!cands.some((c) => c.remote_id === '4100030'));
    const apps = await collect(connector.readApplications(ctx(), {}));
    assert.ok(!apps.some((a) => a.candidate_remote_id === '4100030'));
    assert.equal(await connector.readCandidate!(ctx(), '4100030'), null);
  });
});
