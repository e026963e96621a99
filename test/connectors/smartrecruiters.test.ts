import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/smartrecruiters/index.ts';
import type { AnyConnector, ApplicationRef, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { warn } from '../../src/connectors/helpers/result-link.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { startSmartRecruitersFake, type SmartRecruitersFake } from '../fakes/smartrecruiters.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { SpecCheck } from '../fakes/spec-check.ts';
import { smartRecruitersClient } from '../../src/connectors/smartrecruiters/client.ts';
import { fileURLToPath } from 'node:url';

const c = connector as unknown as AnyConnector;
let fake: SmartRecruitersFake;
/** One context per credential, as in production: one rate limiter per integration. */
const contexts = new Map<string, ReturnType<typeof connectorContext>['ctx']>();

before(async () => {
  // Pages of 10 (the vendor allows up to 100) so that 32 candidates and 25 jobs need ≥ 3 pages.
  fake = await startSmartRecruitersFake({ maxLimit: 10 });
});
after(() => fake.stop());
beforeEach(() => fake.failNext(0, 500));

function ctxFor(credentials: Record<string, unknown> = fake.credentials) {
  const key = String(credentials.api_key);
  if (!contexts.has(key)) contexts.set(key, connectorContext(c, credentials, fake.url).ctx);
  return contexts.get(key)!;
}

/** A CandidateRef as the write service builds it from the last sync. */
async function candidateRef(id: string): Promise<CandidateRef> {
  const found = await c.readCandidate!(ctxFor(), id);
  assert.ok(found);
  return {
    remote_id: id,
    applications: found.applications.map((a) => ({
      remote_id: a.remote_id,
      candidate_remote_id: id,
      job_remote_id: a.job_remote_id ?? null,
      outcome: a.outcome ?? null,
    })),
  };
}

const candidateIds = () => fake.candidateRemoteIds();
const link = (prefix: string, attributes: { key: string; value: string }[] = []): ResultLinkInput => ({
  label: 'Assessment Result',
  url: 'https://acme.example/results/5BtP1WC1',
  details: attributes.length ? { custom_field_name_prefix: prefix, attributes } : null,
  remote_fields: {},
});

describe('credentials', () => {
  test('accepts the right API key', async () => {
    await c.checkCredentials(ctxFor());
    const call = fake.server.journal.at(-1)!;
    assert.equal(call.path, '/jobs');
    assert.equal(call.headers['x-smarttoken'], fake.credentials.api_key);
  });

  test('rejects a wrong key as AUTHENTICATION_INVALID with the vendor message, without the key', async () => {
    await assert.rejects(c.checkCredentials(ctxFor(fake.badCredentials)), (err: any) => {
      assert.equal(err.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(err.message, /Invalid or missing X-SmartToken/);
      assert.ok(!err.message.includes(String(fake.badCredentials.api_key)));
      return true;
    });
  });

  test('a key without access to jobs is PERMISSION_MISSING naming what is needed', async () => {
    await rejectsWith(
      c.checkCredentials(ctxFor(fake.limitedCredentials)),
      'INTEGRATION.PERMISSION_MISSING',
      /lacks permission to read jobs.*GET \/jobs/,
    );
  });
});

describe('reads', () => {
  test('readJobs returns every job across pages, mapped', async () => {
    const before = fake.server.calls('GET', '/jobs').length;
    const jobs = await collect(c.readJobs(ctxFor(), {}));
    assert.equal(jobs.length, 25);
    assert.deepEqual(jobs.map((j) => j.remote_id).sort(), fake.jobRemoteIds().sort());
    assert.ok(fake.server.calls('GET', '/jobs').length - before >= 3, 'needs ≥ 3 pages');
    const first = jobs.find((j) => j.remote_id === fake.jobs[0].id)!;
    assert.equal(first.name, 'Backend Engineer');
    assert.equal(first.job_code, 'REF-001');
    assert.equal(first.status, 'OPEN');
    assert.equal(first.visibility, 'PUBLIC');
    assert.equal(first.department, 'Engineering');
    // typeOfEmployment and function exist only on JobDetails (GET /jobs/{id}), not on list items.
    assert.equal(first.employment_type, 'FULL_TIME');
    assert.equal(first.category, 'Engineering');
    assert.equal(jobs.find((j) => j.remote_id === fake.jobs[1].id)!.employment_type, 'PART_TIME');
    for (const id of fake.jobRemoteIds()) assert.ok(fake.server.calls('GET', `/jobs/${id}`).length >= 1, `details of ${id}`);
    assert.equal(first.location?.city, 'Berlin');
    assert.equal(first.location?.country, 'DE');
    assert.equal(first.remote_created_at, fake.jobs[0].createdOn);
    assert.deepEqual(
      first.stages?.map((s) => s.remote_id),
      ['LEAD', 'NEW', 'IN_REVIEW', 'INTERVIEW', 'OFFERED', 'HIRED'],
    );
    assert.equal(jobs.find((j) => j.remote_id === fake.jobs[3].id)!.status, 'DRAFT');
    assert.equal(jobs.find((j) => j.remote_id === fake.jobs[4].id)!.status, 'CLOSED');
    assert.equal(jobs.find((j) => j.remote_id === fake.jobs[5].id)!.visibility, 'INTERNAL');
    // The vendor's cap is honoured: the connector asks for 100 and follows nextPageId.
    assert.equal(
      fake.server
        .calls('GET', /^\/jobs$/)
        .at(-1)!
        .query.get('limit'),
      '100',
    );
  });

  test('readCandidates returns every candidate across pages, mapped', async () => {
    const before = fake.server.calls('GET', /^\/candidates$/).length;
    const list = await collect(c.readCandidates(ctxFor(), {}));
    assert.equal(list.length, 32);
    assert.ok(fake.server.calls('GET', /^\/candidates$/).length - before >= 4);
    const one = list.find((x) => x.remote_id === candidateIds()[1])!;
    assert.equal(one.first_name, 'First2');
    assert.equal(one.last_name, 'Last2');
    assert.deepEqual(one.email_addresses, [{ email_address: 'candidate2@example.com', type: null }]);
    assert.deepEqual(one.tags, [{ remote_id: null, name: 'fluent english' }]);
    assert.equal(one.location?.city, 'Berlin');
    assert.equal(one.remote_updated_at, fake.candidates.get(one.remote_id)!.updatedOn);
    assert.match(one.remote_url!, new RegExp(one.remote_id));
  });

  test('readApplications flattens primary and secondary assignments with stage and outcome', async () => {
    const apps = await collect(c.readApplications(ctxFor(), {}));
    assert.equal(apps.length, 39); // 32 primary + 7 secondary
    assert.deepEqual(apps.map((a) => a.remote_id).sort(), fake.applicationRemoteIds().sort());
    const [c0, c4, c5, c1] = [0, 4, 5, 1].map((i) => candidateIds()[i]);
    const byId = (cid: string, jobIndex: number) => apps.find((a) => a.remote_id === `${cid}:${fake.jobs[jobIndex].id}`)!;
    assert.deepEqual(byId(c0, 0).current_stage, { remote_id: 'NEW', name: 'New', index: 1 });
    assert.equal(byId(c0, 0).outcome, 'PENDING');
    assert.equal(byId(c0, 1).job_remote_id, fake.jobs[1].id); // the secondary assignment
    // Secondary assignments carry no status in the list; it comes from GET /candidates/{id}.
    assert.equal(byId(c0, 1).outcome, 'HIRED');
    assert.deepEqual(byId(c0, 1).current_stage, { remote_id: 'HIRED', name: 'Hired', index: 5 });
    assert.equal(byId(c5, 0).outcome, 'DECLINED');
    assert.equal(byId(c5, 0).current_stage, null);
    const c10 = candidateIds()[10];
    assert.equal(byId(c10, 2).current_stage?.remote_id, 'INTERVIEW');
    assert.equal(byId(c10, 2).outcome, 'PENDING');
    assert.equal(byId(c4, 1).outcome, 'HIRED');
    assert.equal(byId(c5, 2).outcome, 'DECLINED'); // REJECTED
    assert.equal(byId(c5, 2).current_stage, null);
    assert.equal(byId(c1, 1).current_stage?.remote_id, 'IN_REVIEW');
    assert.equal(byId(c1, 1).candidate_remote_id, c1);
  });

  test('one detail call per candidate with secondary applications, none for the others', async () => {
    const details = () => fake.server.journal.filter((r) => r.method === 'GET' && /^\/candidates\/[^/]+$/.test(r.path)).map((r) => r.path);
    const before = details().length;
    await collect(c.readApplications(ctxFor(), {}));
    const withSecondary = [...fake.candidates.values()].filter((x) => x.assignments.length > 1).map((x) => `/candidates/${x.id}`);
    assert.ok(withSecondary.length > 0 && withSecondary.length < fake.candidates.size);
    assert.deepEqual(details().slice(before).sort(), withSecondary.sort());
  });

  test('updatedAfter is sent as the vendor filter and honoured', async () => {
    const since = new Date('2026-01-25T00:00:00.000Z');
    const list = await collect(c.readCandidates(ctxFor(), { updatedAfter: since }));
    const expected = [...fake.candidates.values()].filter((x) => Date.parse(x.updatedOn) >= since.getTime()).map((x) => x.id);
    assert.ok(expected.length > 0 && expected.length < 32);
    assert.deepEqual(list.map((x) => x.remote_id).sort(), expected.sort());
    assert.equal(
      fake.server
        .calls('GET', /^\/candidates$/)
        .at(-1)!
        .query.get('updatedAfter'),
      since.toISOString(),
    );
    const jobs = await collect(c.readJobs(ctxFor(), { updatedAfter: new Date('2025-11-20T00:00:00.000Z') }));
    assert.equal(jobs.length, 25 - 19);
  });

  test('readCandidate returns details (phone, web) and applications; null when unknown', async () => {
    const id = candidateIds()[0];
    const found = await c.readCandidate!(ctxFor(), id);
    assert.deepEqual(found!.candidate.phone_numbers, [{ phone_number: '+49 30 5550001', type: null }]);
    assert.deepEqual(found!.candidate.social_media, [{ type: 'linkedin', link: 'https://www.linkedin.com/in/candidate1', username: null }]);
    assert.equal(found!.applications.length, 2);
    assert.equal(await c.readCandidate!(ctxFor(), 'no-such-candidate'), null);
  });
});

describe('result links', () => {
  test('on an application: attributes to existing properties, label+url (and leftovers) to a tagged note', async () => {
    const cid = candidateIds()[2];
    const jobId = fake.jobs[2].id;
    const app: ApplicationRef = { remote_id: `${cid}:${jobId}`, candidate_remote_id: cid, job_remote_id: jobId, outcome: 'PENDING' };
    const res = await c.addApplicationResultLink(
      ctxFor(),
      app,
      link('Acme:', [
        { key: 'Score', value: '100%' },
        { key: 'Percentile', value: '87%' },
        { key: 'Time', value: '2:30h' },
      ]),
    );

    const puts = fake.server.calls('PUT', `/candidates/${cid}/jobs/${jobId}/properties`);
    assert.equal(puts.length, 1);
    assert.deepEqual(puts[0].json, [
      { id: 'prop-acme-score', value: '100%' },
      { id: 'prop-acme-percentile', value: 87 },
    ]);
    assert.deepEqual(fake.propertiesOn(cid, jobId), { 'Acme: Score': '100%', 'Acme: Percentile': 87 });

    const note = fake.notes.at(-1)!;
    assert.equal(note.content, `Assessment Result: https://acme.example/results/5BtP1WC1\nAcme: Time: 2:30h\n#[CANDIDATE:${cid}]`);
    assert.deepEqual(note.shareWith, { openNote: true });
    assert.deepEqual(note.candidateIds, [cid]);

    assert.deepEqual(res.warnings, [
      warn.note('SmartRecruiters', 'candidate'),
      warn.onCandidate('SmartRecruiters'),
      warn.customFields('SmartRecruiters', ['Acme: Score', 'Acme: Percentile']),
      'SmartRecruiters has no candidate property named "Acme: Time" that can hold the value; those attributes were written into the note instead.',
    ]);
    const text = fake.resultTextFor(cid);
    for (const s of ['Assessment Result', 'https://acme.example/results/5BtP1WC1', '100%', '2:30h']) assert.ok(text.includes(s), s);
  });

  test('on a candidate: fans out to every current application', async () => {
    const cid = candidateIds()[10]; // INTERVIEW on job 1 + NEW on job 2
    const ref = await candidateRef(cid);
    assert.equal(ref.applications.length, 2);
    const res = await c.addCandidateResultLink(ctxFor(), ref, link('Acme:', [{ key: 'Score', value: 'A+' }]));
    for (const a of ref.applications) {
      assert.deepEqual(fake.propertiesOn(cid, a.job_remote_id!), { 'Acme: Score': 'A+' });
      assert.deepEqual(fake.server.calls('PUT', `/candidates/${cid}/jobs/${a.job_remote_id}/properties`)[0].json, [
        { id: 'prop-acme-score', value: 'A+' },
      ]);
    }
    assert.equal(fake.notes.at(-1)!.content, `Assessment Result: https://acme.example/results/5BtP1WC1\n#[CANDIDATE:${cid}]`);
    assert.deepEqual(res.warnings, [
      warn.note('SmartRecruiters', 'candidate'),
      warn.customFields('SmartRecruiters', ['Acme: Score']),
      warn.fannedOut('SmartRecruiters', 2),
    ]);
  });

  test('a candidate-level link skips closed applications when an open one exists', async () => {
    const cid = candidateIds()[6]; // WITHDRAWN only
    const ref: CandidateRef = {
      remote_id: cid,
      applications: [
        { remote_id: `${cid}:x`, candidate_remote_id: cid, job_remote_id: fake.jobs[0].id, outcome: 'PENDING' },
        { remote_id: `${cid}:y`, candidate_remote_id: cid, job_remote_id: fake.jobs[1].id, outcome: 'DECLINED' },
      ],
    };
    // The vendor only knows job 0 for this candidate; job 1 must not be written.
    await c.addCandidateResultLink(ctxFor(), ref, link('Acme:', [{ key: 'Score', value: '7' }]));
    assert.equal(fake.server.calls('PUT', `/candidates/${cid}/jobs/${fake.jobs[1].id}/properties`).length, 0);
    assert.equal(fake.server.calls('PUT', `/candidates/${cid}/jobs/${fake.jobs[0].id}/properties`).length, 1);
  });

  test('no matching property: everything goes to the note, with a warning', async () => {
    const cid = candidateIds()[3];
    const jobId = fake.jobs[0].id;
    const putsBefore = fake.server.calls('PUT', '/properties').length;
    const res = await c.addApplicationResultLink(
      ctxFor(),
      { remote_id: `${cid}:${jobId}`, candidate_remote_id: cid, job_remote_id: jobId, outcome: null },
      link('Other:', [
        { key: 'Score', value: '55' },
        { key: 'Level', value: 'Senior' },
      ]),
    );
    assert.equal(fake.server.calls('PUT', '/properties').length, putsBefore);
    assert.equal(
      fake.notes.at(-1)!.content,
      `Assessment Result: https://acme.example/results/5BtP1WC1\nOther: Score: 55\nOther: Level: Senior\n#[CANDIDATE:${cid}]`,
    );
    assert.ok(
      res.warnings.includes(
        'SmartRecruiters has no candidate property named "Other: Score", "Other: Level" that can hold the value; those attributes were written into the note instead.',
      ),
    );
  });

  test('a property whose type cannot take free text (single select) falls back to the note', async () => {
    const cid = candidateIds()[3];
    const jobId = fake.jobs[0].id;
    const res = await c.addApplicationResultLink(
      ctxFor(),
      { remote_id: `${cid}:${jobId}`, candidate_remote_id: cid, job_remote_id: jobId, outcome: null },
      link('Acme:', [{ key: 'Level', value: 'Senior' }]),
    );
    assert.match(fake.notes.at(-1)!.content, /Acme: Level: Senior/);
    assert.ok(res.warnings.some((w) => w.includes('"Acme: Level"')));
    assert.ok(!('Acme: Level' in fake.propertiesOn(cid, jobId)));
  });

  test('a property PUT the vendor refuses is a secondary failure: the note is written with the attributes', async () => {
    const cid = candidateIds()[14];
    const jobId = fake.candidates.get(cid)!.assignments[0].jobId;
    fake.refusedProperties.add('prop-acme-score');
    try {
      const res = await c.addApplicationResultLink(
        ctxFor(),
        { remote_id: `${cid}:${jobId}`, candidate_remote_id: cid, job_remote_id: jobId, outcome: null },
        link('Acme:', [{ key: 'Score', value: '91' }]),
      );
      assert.deepEqual(fake.propertiesOn(cid, jobId), {});
      assert.equal(
        fake.notes.at(-1)!.content,
        `Assessment Result: https://acme.example/results/5BtP1WC1\nAcme: Score: 91\n#[CANDIDATE:${cid}]`,
      );
      const failure = res.warnings.find((w) =>
        w.startsWith(`Writing SmartRecruiters candidate properties on application ${cid}:${jobId} failed`),
      );
      assert.ok(failure, res.warnings.join(' | '));
      assert.match(failure!, /not available for job/);
      assert.match(failure!, /written into the note instead/);
      assert.ok(!res.warnings.includes(warn.customFields('SmartRecruiters', ['Acme: Score'])));
    } finally {
      fake.refusedProperties.clear();
    }
  });

  test('a candidate without applications gets the attributes in the note', async () => {
    const cid = candidateIds()[7];
    const res = await c.addCandidateResultLink(
      ctxFor(),
      { remote_id: cid, applications: [] },
      link('Acme:', [{ key: 'Score', value: '1' }]),
    );
    assert.match(fake.notes.at(-1)!.content, /Acme: Score: 1/);
    assert.deepEqual(res.warnings, [warn.note('SmartRecruiters', 'candidate'), warn.attributesAsNote('SmartRecruiters')]);
  });

  test('remote_fields meant for another ATS are ignored with a warning', async () => {
    const cid = candidateIds()[8];
    const res = await c.addCandidateResultLink(
      ctxFor(),
      { remote_id: cid, applications: [] },
      { ...link('Acme:'), remote_fields: { greenhouse: { on_behalf_of: '123' } } },
    );
    assert.equal(res.warnings[0], warn.ignoredRemoteField('SmartRecruiters', 'greenhouse'));
  });

  test('unknown candidate or application → PLATFORM.INPUT_INVALID naming it', async () => {
    await rejectsWith(
      c.addCandidateResultLink(ctxFor(), { remote_id: 'ghost', applications: [] }, link('Acme:')),
      'PLATFORM.INPUT_INVALID',
      /candidate ghost was not found/,
    );
    const cid = candidateIds()[0];
    await rejectsWith(
      c.addApplicationResultLink(
        ctxFor(),
        { remote_id: `${cid}:nojob`, candidate_remote_id: cid, job_remote_id: 'nojob', outcome: null },
        link('Acme:'),
      ),
      'PLATFORM.INPUT_INVALID',
      new RegExp(`application ${cid}:nojob was not found`),
    );
  });
});

describe('attachments', () => {
  test('CV / COVER_LETTER / OTHER land as RESUME / COVER_LETTER / GENERIC_FILE with the exact bytes', async () => {
    const cid = candidateIds()[12];
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x80, 0x0a]);
    const inputs = [
      { name: 'cv.pdf', type: 'CV' as const, content_type: 'application/pdf', data: pdf },
      { name: 'letter.txt', type: 'COVER_LETTER' as const, content_type: 'text/plain', data: Buffer.from('Dear team,\nhello') },
      { name: 'report.bin', type: 'OTHER' as const, content_type: 'application/octet-stream', data: Buffer.from([1, 2, 3, 250]) },
    ];
    for (const a of inputs) {
      const res = await c.addCandidateAttachment(
        ctxFor(),
        { remote_id: cid, applications: [] },
        { name: a.name, type: a.type, content_type: a.content_type, file: new Blob([new Uint8Array(a.data)]), remote_fields: {} },
      );
      assert.deepEqual(res.warnings, []);
    }
    const stored = fake.filesFor(cid);
    assert.deepEqual(
      stored.map((f) => [f.name, f.type]),
      [
        ['cv.pdf', 'RESUME'],
        ['letter.txt', 'COVER_LETTER'],
        ['report.bin', 'GENERIC_FILE'],
      ],
    );
    stored.forEach((f, i) => assert.ok(f.data.equals(inputs[i].data), `bytes of ${f.name}`));
    assert.match(String(fake.server.calls('POST', `/candidates/${cid}/attachments`)[0].headers['content-type']), /^multipart\/form-data/);

    const { attachments, warnings } = await c.listCandidateAttachments(ctxFor(), { remote_id: cid, applications: [] });
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      attachments.map((a) => [a.file_name, a.type, a.content_type]),
      [
        ['cv.pdf', 'CV', 'application/pdf'],
        ['letter.txt', 'COVER_LETTER', 'text/plain'],
        ['report.bin', 'OTHER', 'application/octet-stream'],
      ],
    );
    assert.equal(attachments[1].data_url, `http://atsgate.test/v1/files/${encodeURIComponent(`${cid}/${attachments[1].remote_id}`)}`);

    const file = await c.downloadAttachment!(ctxFor(), `${cid}/${attachments[1].remote_id}`);
    assert.deepEqual(file, { content_type: 'text/plain', file_name: 'letter.txt', data: Buffer.from('Dear team,\nhello') });
  });

  test('a download answered with a redirect to storage on another origin still yields the file', async () => {
    const cid = candidateIds()[15];
    await c.addCandidateAttachment(
      ctxFor(),
      { remote_id: cid, applications: [] },
      {
        name: 'report.pdf',
        type: 'OTHER',
        content_type: 'application/pdf',
        file: new Blob([new Uint8Array(Buffer.from('%PDF-1.4 x'))]),
        remote_fields: {},
      },
    );
    const [listed] = (await c.listCandidateAttachments(ctxFor(), { remote_id: cid, applications: [] })).attachments;
    fake.downloadMode = 'redirect';
    try {
      const before = fake.storage.journal.length;
      const file = await c.downloadAttachment!(ctxFor(), `${cid}/${listed.remote_id}`);
      assert.deepEqual(file, { content_type: 'application/pdf', file_name: 'report.pdf', data: Buffer.from('%PDF-1.4 x') });
      assert.equal(fake.storage.journal.length - before, 1, 'the bytes came from the storage host');
    } finally {
      fake.downloadMode = 'bytes';
    }
  });

  test("an upload over SmartRecruiters' (undocumented) size limit → REMOTE.INPUT_INVALID with the vendor message", async () => {
    fake.maxFileBytes = 8;
    try {
      await rejectsWith(
        c.addCandidateAttachment(
          ctxFor(),
          { remote_id: candidateIds()[16], applications: [] },
          {
            name: 'big.txt',
            type: 'OTHER',
            content_type: 'text/plain',
            file: new Blob([new Uint8Array(Buffer.alloc(9, 1))]),
            remote_fields: {},
          },
        ),
        'REMOTE.INPUT_INVALID',
        /HTTP 413.*Uploaded file is too large/,
      );
    } finally {
      fake.maxFileBytes = Number.POSITIVE_INFINITY;
    }
  });

  test('vendor validation error → REMOTE.INPUT_INVALID with the vendor message', async () => {
    await rejectsWith(
      c.addCandidateAttachment(
        ctxFor(),
        { remote_id: candidateIds()[12], applications: [] },
        {
          name: 'empty.pdf',
          type: 'CV',
          content_type: 'application/pdf',
          file: new Blob([new Uint8Array(Buffer.alloc(0))]),
          remote_fields: {},
        },
      ),
      'REMOTE.INPUT_INVALID',
      /Uploaded file is empty/,
    );
  });

  test('unknown candidate → PLATFORM.INPUT_INVALID naming it', async () => {
    await rejectsWith(
      c.addCandidateAttachment(
        ctxFor(),
        { remote_id: 'nobody', applications: [] },
        { name: 'a.txt', type: 'OTHER', content_type: 'text/plain', file: new Blob([new Uint8Array(Buffer.from('x'))]), remote_fields: {} },
      ),
      'PLATFORM.INPUT_INVALID',
      /candidate nobody was not found/,
    );
    await rejectsWith(
      c.listCandidateAttachments(ctxFor(), { remote_id: 'nobody', applications: [] }),
      'PLATFORM.INPUT_INVALID',
      /candidate nobody/,
    );
  });
});

describe('failures', () => {
  test('429 then success: waits for the next rate-limit second, then retries', async () => {
    fake.failNext(1, 429);
    const before = fake.server.calls('GET', '/jobs').length;
    const started = Date.now();
    await c.checkCredentials(ctxFor());
    assert.ok(Date.now() - started >= 900, 'waited for the 1 s window');
    assert.equal(fake.server.calls('GET', '/jobs').length - before, 2);
  });

  test('GET failing with 5xx every time → REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    fake.failNext(1000, 503);
    const before = fake.server.calls('GET', '/jobs').length;
    await rejectsWith(collect(c.readJobs(ctxFor(), {})), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 503/);
    const attempts = fake.server.calls('GET', '/jobs').length - before;
    assert.ok(attempts > 1 && attempts <= 4, `attempts: ${attempts}`);
  });

  test('a POST failing with 500 is not retried', async () => {
    const cid = candidateIds()[13];
    fake.failNext(1, 500);
    await rejectsWith(
      c.addCandidateAttachment(
        ctxFor(),
        { remote_id: cid, applications: [] },
        { name: 'a.txt', type: 'OTHER', content_type: 'text/plain', file: new Blob([new Uint8Array(Buffer.from('x'))]), remote_fields: {} },
      ),
      'REMOTE.SERVICE_UNAVAILABLE',
    );
    assert.equal(fake.server.calls('POST', `/candidates/${cid}/attachments`).length, 1);
    assert.equal(fake.filesFor(cid).length, 0);
  });

  test('a candidate deleted upstream no longer appears in reads', async () => {
    const gone = candidateIds()[31];
    fake.deleteCandidate(gone);
    const list = await collect(c.readCandidates(ctxFor(), {}));
    assert.equal(list.length, 31);
    assert.ok(!list.some((x) => x.remote_id === gone));
    const apps = await collect(c.readApplications(ctxFor(), {}));
    assert.ok(!apps.some((a) => a.candidate_remote_id === gone));
    assert.equal(await c.readCandidate!(ctxFor(), gone), null);
  });

  test('requests may run longer than the shared 30 s default (advice: client timeouts of at least 128 s)', () => {
    let seen: Record<string, unknown> | undefined;
    const ctx = { ...ctxFor(), http: (opts: Record<string, unknown>) => ((seen = opts), {}) } as unknown as Parameters<
      typeof smartRecruitersClient
    >[0];
    smartRecruitersClient(ctx);
    assert.ok(Number(seen?.timeoutMs) >= 128_000, `timeoutMs ${String(seen?.timeoutMs)}`);
  });

  test('the connector stays within the documented 10 requests per second', () => {
    assert.ok(fake.peakRate() <= 10, `peak ${fake.peakRate()}`);
  });
});

describe('fake fidelity', () => {
  // Raw calls below bypass the connector's limiter; start them in a fresh rate-limit second.
  before(() => new Promise((r) => setTimeout(r, 1100)));
  const get = (path: string, key = String(fake.credentials.api_key)) => fetch(fake.url + path, { headers: { 'X-SmartToken': key } });

  test('rejects a limit above 100 and a forged pageId with the vendor error body', async () => {
    const r1 = await get('/candidates?limit=101');
    assert.equal(r1.status, 400);
    assert.deepEqual(await r1.json(), {
      message: 'Bad Request',
      errors: [{ code: 'INVALID_PARAMETER', message: 'limit must be an integer between 1 and 100' }],
    });
    const r2 = await get('/jobs?pageId=bogus');
    assert.equal(r2.status, 400);
  });

  test('candidates pages carry nextPageId and a Link rel="next" header; responses carry X-RateLimit-*', async () => {
    const r = await get('/candidates?limit=5');
    const body = await r.json();
    assert.ok(body.nextPageId);
    assert.match(r.headers.get('link')!, /pageId=.*rel="next"/);
    assert.equal(r.headers.get('x-ratelimit-limit'), '10');
  });

  test('the spec the fake validates against encodes the list traps', () => {
    const spec = SpecCheck.fromFile(fileURLToPath(new URL('../specs/smartrecruiters/customer-api.json', import.meta.url)), {
      label: 'SR spec',
    });
    const action = { url: 'https://api.smartrecruiters.com/jobs/j1', method: 'GET' };
    assert.match(
      spec
        .checkResponse('GET', '/jobs', 200, { content: [{ id: 'j1', typeOfEmployment: { id: 'permanent', label: 'Full-time' } }] })
        .join(),
      /typeOfEmployment is not declared/,
    );
    const candidate = {
      id: 'c',
      internal: false,
      firstName: 'A',
      lastName: 'B',
      createdOn: '2026-01-01T00:00:00.000Z',
      actions: { details: action, properties: action },
    };
    const listed = {
      limit: 1,
      offset: 0,
      totalFound: 1,
      content: [{ ...candidate, secondaryAssignments: [{ job: { id: 'j1', actions: { details: action } }, status: 'HIRED' }] }],
    };
    assert.match(spec.checkResponse('GET', '/candidates', 200, listed).join(), /secondaryAssignments\[0\]\/status is not declared/);
    assert.deepEqual(
      spec.checkResponse('GET', '/jobs/j1', 200, {
        id: 'j1',
        typeOfEmployment: { id: 'permanent', label: 'Full-time' },
        function: { id: 'f', label: 'F' },
      }),
      [],
    );
  });

  test('rejects HTML in a message and unknown property ids', async () => {
    const post = (path: string, method: string, json: unknown) =>
      fetch(fake.url + path, {
        method,
        headers: { 'X-SmartToken': String(fake.credentials.api_key), 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    assert.equal((await post('/messages/shares', 'POST', { content: '<b>hi</b>' })).status, 400);
    const cid = candidateIds()[0];
    const r = await post(`/candidates/${cid}/jobs/${fake.jobs[0].id}/properties`, 'PUT', [{ id: 'nope', value: 'x' }]);
    assert.equal(r.status, 400);
    const bad = await post(`/candidates/${cid}/jobs/${fake.jobs[0].id}/properties`, 'PUT', [{ id: 'prop-acme-percentile', value: 'high' }]);
    assert.equal(bad.status, 400);
  });
});
