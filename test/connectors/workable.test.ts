import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/workable/index.ts';
import { workableBaseUrl, rateLimitResetMs } from '../../src/connectors/workable/client.ts';
import { warn } from '../../src/connectors/helpers/result-link.ts';
import type { ApplicationRef, AttachmentInput, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { startWorkableFake, type WorkableFake, type WorkableFakeOptions } from '../fakes/workable.ts';
import { adminRank } from '../../src/connectors/workable/members.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';

let fake: WorkableFake;
// A fresh context per test: its own rate-limit bucket and member cache, as a new process would have.
const ctxFor = (credentials: Record<string, unknown> = fake.credentials) => connectorContext(connector, credentials, fake.url);

before(async () => {
  // 1 s intervals keep the suite fast; the connector's own limiter (10 per 10 s) stays under it.
  fake = await startWorkableFake({ rateLimit: { requests: 10, intervalMs: 1000 } });
});
after(async () => {
  await fake.stop();
});

/** Waits for the start of the fake's next 1 s rate-limit interval. */
const freshInterval = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

const appRef = (id: string): ApplicationRef => ({ remote_id: id, candidate_remote_id: id, job_remote_id: null, outcome: 'PENDING' });
const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: [appRef(id)] });
const link = (over: Partial<ResultLinkInput> = {}): ResultLinkInput => ({
  label: 'Acme coding test',
  url: 'https://assess.example/r/123',
  details: null,
  remote_fields: {},
  ...over,
});

describe('configuration', () => {
  test('the production base URL is built from the subdomain; an override wins', () => {
    const base = {
      integrationId: 'workable:x',
      cache: new Map(),
      signedFileUrl: () => '',
      publishFile: async () => '',
      http: () => {
        throw new Error('unused');
      },
    };
    assert.equal(
      workableBaseUrl({ ...base, baseUrl: connector.definition.defaultBaseUrl, credentials: { subdomain: 'acme', api_token: 't' } }),
      'https://acme.workable.com/spi/v3',
    );
    assert.equal(
      workableBaseUrl({
        ...base,
        baseUrl: connector.definition.defaultBaseUrl,
        credentials: { subdomain: 'Acme.workable.com', api_token: 't' },
      }),
      'https://acme.workable.com/spi/v3',
    );
    assert.equal(
      workableBaseUrl({ ...base, baseUrl: 'http://127.0.0.1:9/spi/v3', credentials: { subdomain: 'acme', api_token: 't' } }),
      'http://127.0.0.1:9/spi/v3',
    );
    assert.throws(
      () => workableBaseUrl({ ...base, baseUrl: connector.definition.defaultBaseUrl, credentials: { subdomain: '', api_token: 't' } }),
      /subdomain/,
    );
  });

  test('X-Rate-Limit-Reset is read as epoch seconds, epoch ms or a delta', () => {
    const inTwo = Date.now() + 2000;
    assert.ok(Math.abs(rateLimitResetMs({ 'x-rate-limit-reset': String(Math.ceil(inTwo / 1000)) })! - 2000) <= 1000);
    assert.ok(Math.abs(rateLimitResetMs({ 'x-rate-limit-reset': String(inTwo) })! - 2000) <= 50);
    assert.equal(rateLimitResetMs({ 'x-rate-limit-reset': '3' }), 3000);
    assert.equal(rateLimitResetMs({}), undefined);
    // W18: the unit is not documented, so a date is read too.
    const asDate = rateLimitResetMs({ 'x-rate-limit-reset': new Date(Date.now() + 5000).toUTCString() })!;
    assert.ok(asDate > 3000 && asDate <= 5000, `HTTP date → ${asDate} ms`);
  });

  test('W12: attachments up to 20 MB (help centre: 20 MB per file)', () => {
    assert.equal(connector.definition.capabilities.attachments.maxBytes, 20 * 1024 * 1024);
  });
});

describe('checkCredentials', () => {
  test('accepts a valid token', async () => {
    await connector.checkCredentials(ctxFor().ctx);
  });

  test('rejects a revoked token with AUTHENTICATION_INVALID and the vendor message', async () => {
    await rejectsWith(connector.checkCredentials(ctxFor(fake.badCredentials).ctx), 'INTEGRATION.AUTHENTICATION_INVALID', /Not authorized/);
  });

  test('names the missing scope', async () => {
    const token = fake.tokenWithScopes(['r_jobs']);
    const err = await rejectsWith(
      connector.checkCredentials(ctxFor({ subdomain: 'acme', api_token: token }).ctx),
      'INTEGRATION.PERMISSION_MISSING',
      /"r_candidates"/,
    );
    assert.doesNotMatch(err.message, new RegExp(token), 'the token never appears in errors');
  });
});

describe('readers', () => {
  test('readJobs returns every job in every state, with its own stages', async () => {
    const jobs = await collect(connector.readJobs(ctxFor().ctx, {}));
    assert.deepEqual(jobs.map((j) => j.remote_id).sort(), [...fake.jobRemoteIds()].sort());
    const designer = jobs.find((j) => j.name === 'Product Designer')!;
    assert.equal(designer.status, 'OPEN');
    assert.equal(designer.employment_type, 'PART_TIME');
    assert.equal(designer.department, 'Design');
    assert.deepEqual(designer.location, { raw: 'Lisbon, PT', city: 'Lisbon', state: null, country: 'PT', zip_code: null });
    assert.deepEqual(
      designer.stages!.map((s) => s.remote_id),
      ['sourced', 'applied', 'portfolio_review', 'interview', 'offer', 'hired'],
    );
    assert.equal(jobs.find((j) => j.name === 'Sales Lead')!.status, 'CLOSED');
    assert.equal(jobs.find((j) => j.name === 'Data Analyst')!.status, 'DRAFT');
    assert.equal(designer.post_url, 'https://apply.workable.com/acme/j/F6G7H8I9J0/');
  });

  test('readCandidates follows paging.next across pages and maps each record', async () => {
    const before = fake.server.calls('GET', `/spi/v3/candidates`).length;
    const cands = await collect(connector.readCandidates(ctxFor().ctx, {}));
    assert.equal(cands.length, 34);
    assert.deepEqual(cands.map((c) => c.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
    const pages = fake.server.calls('GET', /^\/spi\/v3\/candidates$/).slice(before);
    assert.ok(pages.length >= 4, `expected >= 4 pages, got ${pages.length}`);
    assert.equal(pages[0].query.get('limit'), '100');
    assert.ok(pages.slice(1).every((r) => r.query.has('since_id')));
    const ada = cands.find((c) => c.remote_id === '3a0001')!;
    assert.equal(ada.first_name, 'Ada');
    assert.equal(ada.last_name, 'Lovelace');
    assert.equal(ada.title, 'Software Engineer');
    assert.equal(ada.source, 'linkedin.com');
    assert.deepEqual(ada.email_addresses, [{ email_address: 'ada.lovelace@example.com', type: null }]);
    assert.deepEqual(ada.phone_numbers, [{ phone_number: '+49 30 5550000', type: null }]);
    assert.equal(ada.remote_url, 'https://acme.workable.com/backend/jobs/61b0a1/candidates/3a0001');
    assert.equal(ada.remote_created_at, '2026-01-02T09:00:00Z');
    // A person copied to a second job is a second Workable record, hence a second candidate.
    assert.equal(cands.filter((c) => c.email_addresses![0].email_address === 'ada.lovelace@example.com').length, 2);
  });

  test('readApplications: one application per record, same id, with stage and outcome', async () => {
    const apps = await collect(connector.readApplications(ctxFor().ctx, {}));
    assert.equal(apps.length, 34);
    assert.ok(apps.every((a) => a.remote_id === a.candidate_remote_id));
    const ada = apps.find((a) => a.remote_id === '3a0001')!;
    assert.equal(ada.job_remote_id, 'A1B2C3D4E5');
    assert.deepEqual(ada.current_stage, { remote_id: 'applied', name: 'Applied', index: 1 });
    assert.equal(ada.outcome, 'PENDING');
    const declined = apps.find((a) => a.remote_id === '3a0004')!; // person 3: disqualified
    assert.equal(declined.outcome, 'DECLINED');
    assert.equal(declined.rejection_reason_name, 'Not a fit');
    const hired = apps.find((a) => a.remote_id === '3a0006')!; // person 5: hired
    assert.equal(hired.outcome, 'HIRED');
    assert.deepEqual(hired.current_stage, { remote_id: 'hired', name: 'Hired', index: 5 });
    const designer = apps.find((a) => a.remote_id === '3a0002')!; // person 1, design job, custom stage
    // A stage only the job has is found in the job's pipeline, position included.
    assert.deepEqual(designer.current_stage, { remote_id: 'portfolio_review', name: 'Portfolio Review', index: 2 });
    assert.equal(apps.find((a) => a.remote_id === '3a000d')!.outcome, 'DECLINED'); // person 12 withdrew
  });

  test('updatedAfter is sent as updated_after and filters upstream', async () => {
    const since = new Date('2026-09-01T00:00:00Z');
    const cands = await collect(connector.readCandidates(ctxFor().ctx, { updatedAfter: since }));
    assert.deepEqual(
      cands.map((c) => c.remote_id),
      ['3a0001', '3a0006', '3a000b', '3a0010', '3a0015', '3a001a'],
    );
    assert.ok(cands.every((c) => Date.parse(String(c.remote_updated_at)) >= since.getTime()));
    const last = fake.server.calls('GET', /^\/spi\/v3\/candidates$/).at(-1)!;
    assert.equal(last.query.get('updated_after'), '2026-09-01T00:00:00.000Z');
    const jobs = await collect(connector.readJobs(ctxFor().ctx, { updatedAfter: since }));
    assert.deepEqual(
      jobs.map((j) => j.remote_id),
      ['A1B2C3D4E5'],
    );
  });

  test('readCandidate re-reads one record with its details; unknown → null', async () => {
    const got = await connector.readCandidate!(ctxFor().ctx, '3a0001');
    assert.ok(got);
    assert.deepEqual(got.candidate.tags, [{ remote_id: null, name: 'top-talent' }]);
    assert.equal(got.candidate.location?.city, 'Berlin');
    assert.deepEqual(
      got.applications.map((a) => a.remote_id),
      ['3a0001'],
    );
    assert.equal(await connector.readCandidate!(ctxFor().ctx, 'ffffff'), null);
  });
});

describe('result links', () => {
  test('application: attributes to existing custom attributes, the rest and the link into a comment', async () => {
    const id = '3a0003';
    const { ctx } = ctxFor();
    // The fake counts 10 per 1 s interval across every context; start on a fresh interval so an
    // earlier test's burst cannot 429 (and so repeat) one of the PATCHes this test counts.
    await freshInterval();
    const result = await connector.addApplicationResultLink(
      ctx,
      appRef(id),
      link({
        details: {
          custom_field_name_prefix: 'Acme:',
          attributes: [
            { key: 'Score', value: '87/100' },
            { key: 'Percentile', value: '92' },
            { key: 'Passed', value: 'yes' },
            { key: 'Level', value: 'Senior' }, // no such custom attribute
            { key: 'Legacy', value: 'x' }, // exists but disabled
          ],
        },
      }),
    );
    assert.deepEqual(fake.customValues(id), { acme_score: '87/100', acme_percentile: 92, acme_passed: true });
    const patches = fake.server.calls('PATCH', `/spi/v3/candidates/${id}/update_custom_attribute_value`).map((r) => r.json);
    assert.deepEqual(patches, [
      { custom_attribute_key: 'acme_score', value: '87/100' },
      { custom_attribute_key: 'acme_percentile', value: 92 },
      { custom_attribute_key: 'acme_passed', checked: true },
    ]);
    const posts = fake.server.calls('POST', `/spi/v3/candidates/${id}/comments`);
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0].json, {
      member_id: fake.memberIds.firstActiveAdmin,
      comment: { body: 'Acme coding test: https://assess.example/r/123\nAcme: Level: Senior\nAcme: Legacy: x' },
    });
    assert.equal(posts[0].headers.authorization, 'Bearer wk-test-token');
    assert.deepEqual(result.warnings.slice(0, 2), [
      warn.note('Workable', "candidate (Workable's per-job candidate record is the application)"),
      warn.customFields('Workable', ['Acme: Score', 'Acme: Percentile', 'Acme: Passed']),
    ]);
    assert.match(
      result.warnings[2],
      /^Workable has no writable custom fields for details.attributes; the attributes were written into a note instead\. .*"Acme: Level", "Acme: Legacy"/,
    );
    assert.match(fake.resultTextFor(id), /https:\/\/assess\.example\/r\/123/);
  });

  test('candidate: remote_fields.workable.on_behalf_of_user_remote_id picks the member; no attributes, no custom-field calls', async () => {
    const id = '3a0005';
    const before = fake.server.calls('GET', '/spi/v3/custom_attributes').length;
    const result = await connector.addCandidateResultLink(
      ctxFor().ctx,
      candRef(id),
      link({ remote_fields: { workable: { on_behalf_of_user_remote_id: fake.memberIds.simple } } }),
    );
    assert.deepEqual(
      fake.comments(id).map((c) => [c.member_id, c.body]),
      [[fake.memberIds.simple, 'Acme coding test: https://assess.example/r/123']],
    );
    assert.equal(fake.server.calls('GET', '/spi/v3/custom_attributes').length, before);
    assert.deepEqual(result.warnings, [warn.note('Workable', 'candidate')]);
  });

  test("the credential's member_id is used when the call names none; the default admin is looked up once", async () => {
    const id = '3a0007';
    await connector.addCandidateResultLink(ctxFor({ ...fake.credentials, member_id: fake.memberIds.simple }).ctx, candRef(id), link());
    assert.equal(fake.comments(id).at(-1)!.member_id, fake.memberIds.simple);
    const { ctx, calls: ctxCalls } = ctxFor();
    // Answered lookups: a 429 from the fake's shared 1 s interval may add a retry of the same one.
    const lookups = () => ctxCalls.filter((c) => c.url.includes('/spi/v3/members') && c.status === 200).length;
    await connector.addCandidateResultLink(ctx, candRef(id), link());
    await connector.addCandidateResultLink(ctx, candRef(id), link());
    assert.equal(lookups(), 1);
    const req = fake.server.calls('GET', '/spi/v3/members').at(-1)!;
    assert.equal(req.query.get('role'), 'admin');
    assert.equal(fake.comments(id).at(-1)!.member_id, fake.memberIds.firstActiveAdmin);
  });

  test('a short-text value over 128 characters goes into the comment instead of failing', async () => {
    const id = '3a0008';
    const long = 'x'.repeat(129);
    const result = await connector.addApplicationResultLink(
      ctxFor().ctx,
      appRef(id),
      link({
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: long }] },
      }),
    );
    assert.deepEqual(fake.customValues(id), {});
    assert.equal(fake.comments(id).at(-1)!.body, `Acme coding test: https://assess.example/r/123\nAcme: Score: ${long}`);
    assert.ok(result.warnings.some((w) => w.startsWith(warn.attributesAsNote('Workable'))));
  });

  test('without read access to the custom-attribute catalogue, attributes land in the comment with a warning naming the scope', async () => {
    const id = '3a0009';
    const token = fake.tokenWithScopes(['r_candidates', 'w_candidates']);
    const result = await connector.addApplicationResultLink(
      ctxFor({ subdomain: 'acme', api_token: token }).ctx,
      appRef(id),
      link({
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '5' }] },
        remote_fields: { workable: { on_behalf_of_user_remote_id: fake.memberIds.firstActiveAdmin } },
      }),
    );
    assert.equal(fake.comments(id).at(-1)!.body, 'Acme coding test: https://assess.example/r/123\nAcme: Score: 5');
    assert.match(result.warnings.at(-1)!, /"r_jobs"/);
  });

  test('an inactive member is refused by Workable: REMOTE.INPUT_INVALID with the vendor message', async () => {
    await rejectsWith(
      connector.addCandidateResultLink(
        ctxFor().ctx,
        candRef('3a000a'),
        link({ remote_fields: { workable: { on_behalf_of_user_remote_id: fake.memberIds.inactiveAdmin } } }),
      ),
      'REMOTE.INPUT_INVALID',
      /HTTP 422.*member_id does not belong to an active member/,
    );
  });

  test('an unknown candidate → PLATFORM.INPUT_INVALID naming it', async () => {
    await rejectsWith(
      connector.addApplicationResultLink(ctxFor().ctx, appRef('ffff01'), link()),
      'PLATFORM.INPUT_INVALID',
      /candidate ffff01 was not found in Workable/,
    );
    await rejectsWith(
      connector.addApplicationResultLink(
        ctxFor().ctx,
        appRef('ffff02'),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '1' }] } }),
      ),
      'PLATFORM.INPUT_INVALID',
      /candidate ffff02/,
    );
  });
});

describe('attachments', () => {
  const file = (type: AttachmentInput['type'], name: string, bytes: Buffer): AttachmentInput => ({
    name,
    type,
    content_type: 'application/pdf',
    file: new Blob([new Uint8Array(bytes)]),
    remote_fields: {},
  });

  test('each type travels as the base64 attachment of its own comment; the exact bytes arrive', async () => {
    const id = '3a000c';
    const { ctx, calls } = ctxFor();
    const cases = [
      ['CV', 'Ada_Report.pdf', 'CV: Ada_Report.pdf'],
      ['COVER_LETTER', 'Letter.pdf', 'Cover letter: Letter.pdf'],
      ['OTHER', 'Scorecard.pdf', 'Document: Scorecard.pdf'],
    ] as const;
    for (const [type, name, body] of cases) {
      const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, ...Buffer.from(type)]);
      const result = await connector.addCandidateAttachment(ctx, candRef(id), file(type, name, bytes));
      const c = fake.comments(id).at(-1)!;
      assert.equal(c.body, body);
      assert.equal(c.member_id, fake.memberIds.firstActiveAdmin);
      assert.deepEqual(c.attachment, { name, data: bytes });
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0], /attached to a comment/);
    }
    const uploads = calls.filter((c) => c.method === 'POST' && c.url.endsWith(`/candidates/${id}/comments`));
    assert.ok(uploads.length === 3 && uploads.every((c) => c.request_body === '[redacted]'), 'file bodies stay out of the log');
    assert.deepEqual(
      fake
        .filesFor(id)
        .filter((f) => f.type === 'comment_attachment')
        .map((f) => f.name),
      ['Ada_Report.pdf', 'Letter.pdf', 'Scorecard.pdf'],
    );
  });

  test('listCandidateAttachments returns the seeded files and the uploads, downloadable from data_url', async () => {
    const id = '3a0003'; // person 2: CV + cover letter seeded
    await connector.addCandidateAttachment(ctxFor().ctx, candRef(id), file('OTHER', 'Notes.txt', Buffer.from('hello workable')));
    const { attachments, warnings } = await connector.listCandidateAttachments(ctxFor().ctx, candRef(id));
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      attachments.map((a) => [a.file_name, a.type, a.content_type]),
      [
        ['Chloe_Martin_CV.pdf', 'CV', 'application/pdf'],
        ['Chloe_Martin_cover_letter.pdf', 'COVER_LETTER', 'application/pdf'],
        ['Notes.txt', 'OTHER', 'text/plain'],
      ],
    );
    assert.equal(new Set(attachments.map((a) => a.remote_id)).size, 3);
    const res = await fetch(attachments[2].data_url);
    assert.equal(Buffer.from(await res.arrayBuffer()).toString(), 'hello workable');
    await rejectsWith(connector.listCandidateAttachments(ctxFor().ctx, candRef('ffff03')), 'PLATFORM.INPUT_INVALID', /candidate ffff03/);
  });
});

describe('HTTP behaviour', () => {
  test('a 429 is retried after X-Rate-Limit-Reset, then succeeds', async () => {
    const { ctx, calls } = ctxFor();
    fake.failNext(1, 429);
    const started = Date.now();
    const got = await connector.readCandidate!(ctx, '3a0001');
    assert.ok(got);
    assert.ok(Date.now() - started <= 2500);
    assert.deepEqual(
      calls.map((c) => c.status),
      [429, 200, 200],
    ); // candidate (429, 200), then stages
  });

  test("the fake's own interval limit throttles a burst; the connector waits and still reads everything", async () => {
    const tight = await startWorkableFake({ rateLimit: { requests: 3, intervalMs: 1000 } });
    try {
      const { ctx } = connectorContext(connector, tight.credentials, tight.url);
      // Start just after an interval boundary so the 4 page requests fall into one interval.
      await freshInterval();
      const cands = await collect(connector.readCandidates(ctx, {}));
      assert.equal(cands.length, 34);
      // Remaining 0 held the client until X-Rate-Limit-Reset and X-Rate-Limit-Limit: 3 replaced the
      // configured 10 (src/http/transport.ts): no request ran into the fake's limit.
      assert.equal(tight.throttled(), 0);
      assert.equal(tight.peakRate(), 3);
    } finally {
      await tight.stop();
    }
  });

  test('a GET failing with 5xx every time → REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    const { ctx, calls } = ctxFor();
    fake.failNext(50, 503);
    try {
      await rejectsWith(connector.readCandidate!(ctx, '3a0001'), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 503/);
    } finally {
      fake.failNext(0, 503);
    }
    assert.equal(calls.length, 4);
  });

  test('a POST failing with 500 is not retried', async () => {
    const id = '3a000e';
    const before = fake.server.calls('POST', `/spi/v3/candidates/${id}/comments`).length;
    fake.failNext(1, 500);
    await rejectsWith(
      connector.addCandidateResultLink(
        ctxFor().ctx,
        candRef(id),
        link({ remote_fields: { workable: { on_behalf_of_user_remote_id: fake.memberIds.simple } } }),
      ),
      'REMOTE.SERVICE_UNAVAILABLE',
      /HTTP 500/,
    );
    assert.equal(fake.server.calls('POST', `/spi/v3/candidates/${id}/comments`).length, before + 1);
    assert.equal(fake.comments(id).length, 0);
  });

  test('a candidate deleted upstream no longer appears in reads', async () => {
    fake.deleteCandidate('3a001e');
    const cands = await collect(connector.readCandidates(ctxFor().ctx, {}));
    const apps = await collect(connector.readApplications(ctxFor().ctx, {}));
    assert.ok(!cands.some((c) => c.remote_id === '3a001e'));
    assert.ok(!apps.some((a) => a.remote_id === '3a001e'));
    assert.equal(cands.length, 33);
    assert.equal(await connector.readCandidate!(ctxFor().ctx, '3a001e'), null);
  });
});

/** A second fake for one vendor variant; its own rate-limit interval, so tests stay independent. */
async function withFake(opts: WorkableFakeOptions, fn: (f: WorkableFake) => Promise<void>): Promise<void> {
  const f = await startWorkableFake({ rateLimit: { requests: 10, intervalMs: 1000 }, ...opts });
  try {
    await fn(f);
  } finally {
    await f.stop();
  }
}

describe('W16: the default comment author on every revision of the members page', () => {
  test('members with roles ["ats.admin", ...] (current page): the first active ATS admin, not the HR-only admin, with no member_id configured', async () => {
    await withFake({ memberSchema: 'roles' }, async (f) => {
      const { ctx } = connectorContext(connector, f.credentials, f.url);
      await connector.addCandidateResultLink(ctx, candRef('3a0003'), link());
      assert.deepEqual(
        f.comments('3a0003').map((c) => c.member_id),
        [f.memberIds.firstActiveAdmin],
      );
      const req = f.server.calls('GET', '/spi/v3/members')[0];
      assert.equal(req.query.get('role'), 'admin');
      assert.equal(req.query.get('status'), 'active');
      const body = await (await fetch(`${f.url}/members?role=admin`, { headers: { authorization: 'Bearer wk-test-token' } })).json();
      assert.deepEqual(body.members[0].roles, ['ats.admin', 'hris.employee'], 'the fake serves roles[], not role');
      assert.equal(body.members[0].role, undefined);
    });
  });

  test('members with role: "admin" (older revisions) still work', async () => {
    await withFake({ memberSchema: 'role' }, async (f) => {
      const { ctx } = connectorContext(connector, f.credentials, f.url);
      await connector.addCandidateResultLink(ctx, candRef('3a0003'), link());
      assert.equal(f.comments('3a0003').at(-1)!.member_id, f.memberIds.firstActiveAdmin);
    });
  });

  test('a role filter Workable refuses: every active member is listed and an admin picked by roles', async () => {
    await withFake({ memberRoleFilter: 'rejected' }, async (f) => {
      const { ctx } = connectorContext(connector, f.credentials, f.url);
      await connector.addCandidateResultLink(ctx, candRef('3a0003'), link());
      assert.equal(f.comments('3a0003').at(-1)!.member_id, f.memberIds.firstActiveAdmin);
      const lookups = f.server.calls('GET', '/spi/v3/members');
      assert.deepEqual(
        lookups.map((r) => r.query.get('role')),
        ['admin', null],
      );
      assert.ok(!lookups.some((r) => r.query.get('role') === null && r.query.get('status') !== 'active'));
    });
  });

  test('a super admin is preferred, then an ATS admin; HR-only and other roles never qualify', () => {
    const rank = (m: Parameters<typeof adminRank>[0]) => adminRank(m, false);
    assert.ok(rank({ id: 'a', roles: ['ats.admin', 'workable.superadmin'] }) < rank({ id: 'b', roles: ['ats.admin'] }));
    assert.equal(rank({ id: 'c', role: 'admin' }), rank({ id: 'b', roles: ['ats.admin'] }));
    assert.equal(rank({ id: 'd', roles: ['hris.admin', 'ats.simple'] }), Number.POSITIVE_INFINITY);
    assert.equal(rank({ id: 'e' }), Number.POSITIVE_INFINITY);
    assert.ok(adminRank({ id: 'e' }, true) < Number.POSITIVE_INFINITY, 'a role=admin answer vouches for a member without role fields');
  });
});

describe('W8: the candidate stage as a slug or a name', () => {
  test('slugs (the field table) map to the same stages as names (the example)', async () => {
    await withFake({ stageField: 'slug' }, async (f) => {
      const apps = await collect(connector.readApplications(connectorContext(connector, f.credentials, f.url).ctx, {}));
      assert.deepEqual(apps.find((a) => a.remote_id === '3a0001')!.current_stage, { remote_id: 'applied', name: 'Applied', index: 1 });
      assert.deepEqual(apps.find((a) => a.remote_id === '3a0003')!.current_stage, { remote_id: 'interview', name: 'Interview', index: 3 });
      // A stage only the job has: found in that job's pipeline, read once for the job.
      assert.deepEqual(apps.find((a) => a.remote_id === '3a0002')!.current_stage, {
        remote_id: 'portfolio_review',
        name: 'Portfolio Review',
        index: 2,
      });
      assert.equal(f.server.calls('GET', /^\/spi\/v3\/jobs\/F6G7H8I9J0\/stages$/).length, 1);
    });
  });
});

describe('W15 and the secondary-step rule: custom attribute keys', () => {
  const attrs = link({
    details: {
      custom_field_name_prefix: 'Acme:',
      attributes: [
        { key: 'Score', value: '87' },
        { key: 'Passed', value: 'no' },
      ],
    },
  });

  test('a catalogue that carries a key: the key is sent', async () => {
    await withFake({ attributeKeys: 'key' }, async (f) => {
      const result = await connector.addApplicationResultLink(
        connectorContext(connector, f.credentials, f.url).ctx,
        appRef('3a0003'),
        attrs,
      );
      assert.deepEqual(
        f.server.calls('PATCH', '/update_custom_attribute_value').map((r) => r.json.custom_attribute_key),
        ['13e0eb0e', '13e0eb11'],
      );
      assert.deepEqual(f.customValues('3a0003'), { acme_score: '87', acme_passed: false });
      assert.equal(result.warnings[1], warn.customFields('Workable', ['Acme: Score', 'Acme: Passed']));
    });
  });

  test('a key that is not the catalogue id: Workable refuses the value (404), the comment is still written with every attribute', async () => {
    await withFake({ attributeKeys: 'key-hidden' }, async (f) => {
      const result = await connector.addApplicationResultLink(
        connectorContext(connector, f.credentials, f.url).ctx,
        appRef('3a0003'),
        attrs,
      );
      assert.deepEqual(f.customValues('3a0003'), {});
      assert.deepEqual(
        f.comments('3a0003').map((c) => c.body),
        ['Acme coding test: https://assess.example/r/123\nAcme: Score: 87\nAcme: Passed: no'],
      );
      assert.match(
        result.warnings.join('\n'),
        /Setting the Workable custom attribute "Acme: Score" \(key acme_score\) failed: .*HTTP 404.*The value was written into the comment instead\./,
      );
      assert.match(result.warnings.join('\n'), /"Acme: Passed" \(key acme_passed\) failed/);
    });
  });

  test('a catalogue read that fails for another reason (5xx) never costs the comment', async () => {
    await withFake({}, async (f) => {
      const { ctx } = connectorContext(connector, { ...f.credentials, member_id: f.memberIds.simple }, f.url);
      f.failNext(4, 503); // every attempt of GET /custom_attributes
      const result = await connector.addApplicationResultLink(ctx, appRef('3a0005'), attrs);
      assert.equal(f.comments('3a0005').length, 1);
      assert.match(f.comments('3a0005')[0].body, /Acme: Score: 87/);
      assert.match(result.warnings.at(-1)!, /^Reading the Workable custom attributes failed: .*HTTP 503/);
    });
  });
});

describe('W12: a file between the old 10 MB and the 20 MB ceiling', () => {
  test('a 12 MB attachment reaches Workable intact', async () => {
    await withFake({}, async (f) => {
      const bytes = Buffer.alloc(12 * 1024 * 1024, 7);
      const file: AttachmentInput = {
        name: 'Recording.bin',
        type: 'OTHER',
        content_type: 'application/octet-stream',
        file: new Blob([new Uint8Array(bytes)]),
        remote_fields: {},
      };
      await connector.addCandidateAttachment(connectorContext(connector, f.credentials, f.url).ctx, candRef('3a0003'), file);
      assert.equal(f.comments('3a0003').at(-1)!.attachment!.data.length, bytes.length);
    });
  });
});
