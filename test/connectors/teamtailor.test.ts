/**
 * Teamtailor connector against the Teamtailor fake (test/fakes/teamtailor.ts), through the real
 * shared HttpClient (rate limiter, retries, error mapping).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connector } from '../../src/connectors/teamtailor/index.ts';
import { teamtailorBaseUrl, teamtailorErrorMessage, Included, type Resource } from '../../src/connectors/teamtailor/client.ts';
import { DEFAULT_API_VERSION, REGION_BASE_URLS } from '../../src/connectors/teamtailor/definition.ts';
import { relatedPath } from '../../src/connectors/teamtailor/related.ts';
import { toRemoteJob } from '../../src/connectors/teamtailor/read.ts';
import { resultNoteText, warn } from '../../src/connectors/helpers/result-link.ts';
import type { ConnectorContext, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { startTeamtailorFake, type TeamtailorFake, type TeamtailorFakeOptions } from '../fakes/teamtailor.ts';
import { rejectsWithCode as rejects } from '../support/assertions.ts';

let fake: TeamtailorFake;
/**
 * Stands in for atsgate's signed-file route: Teamtailor downloads uploads from a URL, which
 * atsgate answers with connector.downloadAttachment(ref) on the integration's context.
 */
let fileServer: Server;
let fileServerUrl = '';
let filesCtx: ConnectorContext<any> | null = null;
let publishedFiles = new Map<string, { data: Buffer; content_type: string; file_name: string }>();

/**
 * One context (and so one rate limiter and cache) per set of credentials, as in production where
 * an integration keeps its limiter: fresh limiters per test would each start with a full bucket.
 */
const contexts = new Map<string, ReturnType<typeof connectorContext>>();
function makeCtx(credentials: Record<string, unknown> = fake.credentials) {
  const key = JSON.stringify(credentials);
  let made = contexts.get(key);
  if (!made) {
    made = connectorContext(connector, credentials, fake.url);
    made.ctx.signedFileUrl = (ref) => `${fileServerUrl}/files/${encodeURIComponent(ref)}?token=signed`;
    contexts.set(key, made);
  }
  filesCtx = made.ctx;
  publishedFiles = made.published;
  return made;
}

const candidateRef = (id: string) => ({
  remote_id: id,
  applications: [...fake.applications.values()]
    .filter((a) => a.candidateId === id)
    .map((a) => ({ remote_id: a.id, candidate_remote_id: id, job_remote_id: a.jobId, outcome: null })),
});

function link(over: Partial<ResultLinkInput> = {}): ResultLinkInput {
  return {
    label: 'Acme coding test',
    url: 'https://acme.example/reports/r-123',
    details: null,
    remote_fields: {},
    ...over,
  };
}

before(async () => {
  fake = await startTeamtailorFake();
  fileServer = createServer(async (req, res) => {
    try {
      const ref = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/files\//, ''));
      // Published files are served by atsgate's file route itself; the rest by the connector.
      const file = publishedFiles.get(ref) ?? (await connector.downloadAttachment!(filesCtx!, ref));
      res.writeHead(200, { 'content-type': file.content_type });
      res.end(file.data);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => fileServer.listen(0, '127.0.0.1', r));
  fileServerUrl = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
});

after(async () => {
  await fake.stop();
  fileServer.closeAllConnections();
  await new Promise<void>((r) => fileServer.close(() => r()));
});

describe('credentials', () => {
  test('accepts an Admin key', async () => {
    await connector.checkCredentials(makeCtx().ctx);
    const call = fake.server.calls('GET', '/v1/candidates').at(-1)!;
    assert.equal(call.headers.authorization, `Token token=${fake.adminKey}`);
    assert.match(String(call.headers['x-api-version']), /^\d{8}$/);
  });

  test('rejects an unknown key as AUTHENTICATION_INVALID and mentions the region', async () => {
    await rejects(connector.checkCredentials(makeCtx(fake.badCredentials).ctx), 'INTEGRATION.AUTHENTICATION_INVALID', /region/);
  });

  test('a Public-scope key is PERMISSION_MISSING naming the Admin scope', async () => {
    const err = await rejects(
      connector.checkCredentials(makeCtx({ api_key: fake.publicKey }).ctx),
      'INTEGRATION.PERMISSION_MISSING',
      /"Admin" scope/,
    );
    assert.match(err.message, /requires Admin scope/); // Teamtailor's own message is kept
  });

  test('a malformed API version is refused by Teamtailor and reported', async () => {
    // The credential schema forbids it; this checks the 406 path if a bad value slips through.
    await rejects(
      connector.checkCredentials(makeCtx({ ...fake.credentials, api_version: 'latest' }).ctx),
      'PLATFORM.INPUT_INVALID',
      /X-Api-Version/,
    );
  });

  test('region picks the NA host unless the integration overrides the base URL', () => {
    const ctx = (baseUrl: string, region?: 'eu' | 'na') => ({ ...makeCtx().ctx, baseUrl, credentials: { api_key: 'k', region } });
    assert.equal(teamtailorBaseUrl(ctx(REGION_BASE_URLS.eu, 'na')), 'https://api.na.teamtailor.com/v1');
    assert.equal(teamtailorBaseUrl(ctx(REGION_BASE_URLS.eu)), 'https://api.teamtailor.com/v1');
    assert.equal(teamtailorBaseUrl(ctx(fake.url, 'na')), fake.url);
  });
});

describe('reads', () => {
  test('readJobs returns every job (all statuses) with ordered stages', async () => {
    const { ctx } = makeCtx();
    const jobs = await collect(connector.readJobs(ctx, {}));
    assert.deepEqual(jobs.map((j) => j.remote_id).sort(), fake.jobRemoteIds().sort());
    const backend = jobs.find((j) => j.remote_id === '101')!;
    assert.equal(backend.name, 'Backend Engineer');
    assert.equal(backend.status, 'OPEN');
    assert.equal(backend.visibility, 'PUBLIC');
    assert.equal(backend.department, 'Engineering');
    assert.equal(backend.post_url, 'https://career.acme.example/jobs/101');
    assert.deepEqual(
      backend.stages!.map((s) => s.name),
      ['Inbox', 'Screening', 'Interview', 'Hired'],
    );
    const unlisted = jobs.find((j) => j.remote_id === '102')!;
    assert.equal(unlisted.visibility, 'UNLISTED');
    const archived = jobs.find((j) => j.remote_id === '103')!;
    assert.equal(archived.status, 'ARCHIVED');
    assert.equal(archived.visibility, 'INTERNAL');
    const jobCall = fake.server.calls('GET', '/v1/jobs').at(-1)!;
    assert.equal(jobCall.query.get('filter[status]'), 'all');
  });

  test('readCandidates walks links.next over 3 pages of 30 and maps fields', async () => {
    const { ctx } = makeCtx();
    const before = fake.server.calls('GET', /^\/v1\/candidates$/).length;
    const pages: number[] = [];
    for await (const page of connector.readCandidates(ctx, {})) pages.push(page.length);
    assert.deepEqual(pages, [30, 30, 10]);
    const calls = fake.server.calls('GET', /^\/v1\/candidates$/).slice(before);
    assert.equal(calls.length, 3);
    assert.deepEqual(
      calls.map((c) => c.query.get('page[number]')),
      [null, '2', '3'],
    );
    assert.ok(calls.every((c) => c.query.get('page[size]') === '30'));

    const all = await collect(connector.readCandidates(ctx, {}));
    assert.deepEqual(all.map((c) => c.remote_id).sort(), fake.candidateRemoteIds().sort());
    const first = all.find((c) => c.remote_id === '5001')!;
    const seeded = fake.candidates.get('5001')!;
    assert.equal(first.first_name, seeded.firstName);
    assert.equal(first.last_name, seeded.lastName);
    assert.deepEqual(first.email_addresses, [{ email_address: seeded.email, type: null }]);
    assert.equal(first.source, 'LinkedIn');
    assert.equal(first.remote_updated_at, seeded.updatedAt);
    const c0 = all.find((c) => c.remote_id === '5001')!;
    assert.ok(c0.custom_fields && 'Acme: Score' in c0.custom_fields);
    const withPhone = all.find((c) => c.remote_id === '5004')!; // i = 3
    assert.deepEqual(withPhone.phone_numbers, [{ phone_number: '+46 70 000 0003', type: null }]);
    const tagged = all.find((c) => c.remote_id === '5006')!; // i = 5
    assert.deepEqual(tagged.tags, [
      { remote_id: null, name: 'senior' },
      { remote_id: null, name: 'remote' },
    ]);
    assert.deepEqual(all.find((c) => c.remote_id === '5002')!.custom_fields, { 'Salary expectation': '55k EUR' });
  });

  test('readCandidates honours updatedAfter with filter[updated-at][from]', async () => {
    const { ctx } = makeCtx();
    const since = new Date(Date.parse(fake.candidates.get('5061')!.updatedAt));
    const got = await collect(connector.readCandidates(ctx, { updatedAfter: since }));
    const expected = [...fake.candidates.values()].filter((c) => Date.parse(c.updatedAt) >= since.getTime()).map((c) => c.id);
    assert.ok(expected.length >= 10 && expected.length < 70);
    assert.deepEqual(got.map((c) => c.remote_id).sort(), expected.sort());
    assert.equal(
      fake.server
        .calls('GET', /^\/v1\/candidates$/)
        .at(-1)!
        .query.get('filter[updated-at][from]'),
      since.toISOString(),
    );
  });

  test('readApplications maps candidate, job, stage and outcome', async () => {
    const { ctx } = makeCtx();
    const apps = await collect(connector.readApplications(ctx, {}));
    assert.deepEqual(apps.map((a) => a.remote_id).sort(), fake.applicationRemoteIds().sort());
    for (const app of apps) {
      const seeded = fake.applications.get(app.remote_id)!;
      const stage = fake.stages.get(seeded.stageId)!;
      assert.equal(app.candidate_remote_id, seeded.candidateId);
      assert.equal(app.job_remote_id, seeded.jobId);
      assert.deepEqual(app.current_stage, { remote_id: stage.id, name: stage.name });
      const expected = seeded.rejectedAt ? 'DECLINED' : stage.stageType === 'Hired' ? 'HIRED' : 'PENDING';
      assert.equal(app.outcome, expected, `application ${app.remote_id}`);
    }
    const rejected = apps.find((a) => a.outcome === 'DECLINED')!;
    assert.equal(rejected.rejection_reason_name, 'Not a fit');
    assert.ok(rejected.rejected_at);
    assert.ok(apps.some((a) => a.outcome === 'HIRED'));
    assert.ok(apps.filter((a) => a.candidate_remote_id === '5004').length === 2, 'some candidates have two applications');
  });

  test('readApplications honours updatedAfter', async () => {
    const { ctx } = makeCtx();
    const since = new Date(Date.parse(fake.candidates.get('5066')!.updatedAt));
    const got = await collect(connector.readApplications(ctx, { updatedAfter: since }));
    const expected = [...fake.applications.values()].filter((a) => Date.parse(a.updatedAt) >= since.getTime()).map((a) => a.id);
    assert.deepEqual(got.map((a) => a.remote_id).sort(), expected.sort());
  });

  test('readCandidate returns one candidate with its applications, null when unknown', async () => {
    const { ctx } = makeCtx();
    const one = await connector.readCandidate!(ctx, '5004');
    assert.equal(one!.candidate.remote_id, '5004');
    assert.equal(one!.applications.length, 2);
    assert.equal(await connector.readCandidate!(ctx, '999999'), null);
  });

  test('a candidate deleted upstream no longer appears in reads', async () => {
    const { ctx } = makeCtx();
    fake.deleteCandidate('5070');
    const candidates = await collect(connector.readCandidates(ctx, {}));
    assert.ok(!candidates.some((c) => c.remote_id === '5070'));
    const apps = await collect(connector.readApplications(ctx, {}));
    assert.ok(!apps.some((a) => a.candidate_remote_id === '5070'));
  });
});

describe('result links', () => {
  test('candidate link: note by remote_fields.teamtailor.user_id, attributes into existing custom fields', async () => {
    const { ctx } = makeCtx();
    const input = link({
      details: {
        custom_field_name_prefix: 'Acme:',
        attributes: [
          { key: 'Score', value: '87' }, // existing value 401 → PATCH
          { key: 'Report', value: 'https://acme.example/reports/r-123' }, // Url field, no value yet → POST
          { key: 'Passed', value: 'yes' }, // Checkbox field cannot hold "yes"
          { key: 'Seniority', value: 'Senior' }, // no such field
        ],
      },
      remote_fields: { teamtailor: { user_id: '11' } },
    });
    const result = await connector.addCandidateResultLink(ctx, candidateRef('5001'), input);

    const note = fake.notes.at(-1)!;
    assert.deepEqual({ candidateId: note.candidateId, userId: note.userId }, { candidateId: '5001', userId: '11' });
    assert.equal(note.note, resultNoteText(input));
    assert.equal(
      note.note,
      'Acme coding test: https://acme.example/reports/r-123\nAcme: Score: 87\nAcme: Report: https://acme.example/reports/r-123\nAcme: Passed: yes\nAcme: Seniority: Senior',
    );
    // Vendor payload shape.
    const post = fake.server.calls('POST', '/v1/notes').at(-1)!;
    assert.equal(post.headers['content-type'], 'application/vnd.api+json');
    assert.deepEqual(post.json, {
      data: {
        type: 'notes',
        attributes: { note: note.note },
        relationships: { candidate: { data: { id: '5001', type: 'candidates' } }, user: { data: { id: '11', type: 'users' } } },
      },
    });

    assert.equal(fake.customFieldValues.get('401')!.value, '87');
    const patch = fake.server.calls('PATCH', '/v1/custom-field-values/401').at(-1)!;
    assert.deepEqual(patch.json, { data: { id: '401', type: 'custom-field-values', attributes: { value: '87' } } });
    const report = [...fake.customFieldValues.values()].find((v) => v.fieldId === '302' && v.candidateId === '5001')!;
    assert.equal(report.value, 'https://acme.example/reports/r-123');
    const create = fake.server.calls('POST', '/v1/custom-field-values').at(-1)!;
    assert.deepEqual(create.json.data.relationships, {
      'custom-field': { data: { id: '302', type: 'custom-fields' } },
      owner: { data: { id: '5001', type: 'candidates' } },
    });
    assert.ok(![...fake.customFieldValues.values()].some((v) => v.fieldId === '303' && v.candidateId === '5001'));

    assert.deepEqual(result.warnings, [
      warn.note('Teamtailor', 'candidate'),
      warn.customFields('Teamtailor', ['Acme: Score', 'Acme: Report']),
      `${warn.attributesAsNote('Teamtailor')} Not written to custom fields: "Acme: Passed" (a CustomField::Checkbox field cannot hold this value), "Acme: Seniority" (no candidate custom field with that name).`,
    ]);
    assert.match(fake.resultTextFor('5001'), /Acme: Report: https:\/\/acme\.example\/reports\/r-123/);
  });

  test('application link lands on the candidate; without a user id the first admin writes it', async () => {
    const { ctx } = makeCtx();
    const app = [...fake.applications.values()].find((a) => a.candidateId === '5010')!;
    const input = link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '42' }] } });
    const result = await connector.addApplicationResultLink(
      ctx,
      { remote_id: app.id, candidate_remote_id: '5010', job_remote_id: app.jobId, outcome: null },
      input,
    );
    const note = fake.notes.at(-1)!;
    assert.equal(note.candidateId, '5010');
    assert.equal(note.userId, '12'); // Ada Admin: first user with role admin
    assert.equal(note.note, resultNoteText(input));
    assert.equal([...fake.customFieldValues.values()].find((v) => v.fieldId === '301' && v.candidateId === '5010')!.value, '42');
    assert.deepEqual(result.warnings, [
      warn.note('Teamtailor', 'candidate'),
      warn.onCandidate('Teamtailor'),
      'Teamtailor notes need an author and none was given (remote_fields.teamtailor.user_id); the note was written as Ada Admin (user 12), the first admin user.',
      warn.customFields('Teamtailor', ['Acme: Score']),
    ]);
  });

  test('default_user_id from the credentials authors notes; remote fields for other ATSs are reported', async () => {
    const { ctx } = makeCtx({ ...fake.credentials, default_user_id: '13' });
    const lookups = fake.server.calls('GET', '/v1/custom-fields').length + fake.server.calls('GET', '/v1/users').length;
    const result = await connector.addCandidateResultLink(
      ctx,
      candidateRef('5011'),
      link({ remote_fields: { lever: { perform_as: 'u-1' } } }),
    );
    assert.equal(fake.notes.at(-1)!.userId, '13');
    assert.equal(fake.notes.at(-1)!.note, 'Acme coding test: https://acme.example/reports/r-123');
    assert.deepEqual(result.warnings, [warn.note('Teamtailor', 'candidate'), warn.ignoredRemoteField('Teamtailor', 'lever')]);
    // No attributes and a configured author: no custom-field or user lookups at all.
    assert.equal(fake.server.calls('GET', '/v1/custom-fields').length + fake.server.calls('GET', '/v1/users').length, lookups);
  });

  test('unknown candidate → PLATFORM.INPUT_INVALID naming it', async () => {
    const { ctx } = makeCtx();
    await rejects(
      connector.addCandidateResultLink(ctx, candidateRef('999999'), link()),
      'PLATFORM.INPUT_INVALID',
      /candidate 999999 was not found in Teamtailor/,
    );
  });

  test("Teamtailor's validation error → REMOTE.INPUT_INVALID with its message", async () => {
    const { ctx } = makeCtx();
    await rejects(
      connector.addCandidateResultLink(ctx, candidateRef('5012'), link({ remote_fields: { teamtailor: { user_id: '424242' } } })),
      'REMOTE.INPUT_INVALID',
      /HTTP 422\): user - must exist \(\/data\/relationships\/user\)/,
    );
  });
});

describe('attachments', () => {
  test('CV, cover letter and other files become uploads Teamtailor downloads from a signed URL', async () => {
    const { ctx, calls } = makeCtx();
    const callsBefore = calls.length;
    const files = [
      {
        name: 'cv.pdf',
        type: 'CV' as const,
        content_type: 'application/pdf',
        data: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]),
      },
      { name: 'letter.txt', type: 'COVER_LETTER' as const, content_type: 'text/plain', data: Buffer.from('Dear team,\nhire me') },
      {
        name: 'report.bin',
        type: 'OTHER' as const,
        content_type: 'application/octet-stream',
        data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      },
    ];
    const warnings: string[][] = [];
    for (const f of files)
      warnings.push(
        (
          await connector.addCandidateAttachment(ctx, candidateRef('5020'), {
            name: f.name,
            type: f.type,
            content_type: f.content_type,
            file: new Blob([new Uint8Array(f.data)]),
            remote_fields: {},
          })
        ).warnings,
      );

    const stored = fake.filesFor('5020');
    assert.deepEqual(
      stored.map((s) => s.name),
      ['cv.pdf', 'letter.txt', 'report.bin'],
    );
    assert.deepEqual(
      stored.map((s) => s.type),
      ['upload', 'upload', 'upload'],
    );
    for (const [i, f] of files.entries()) assert.ok(stored[i].data.equals(f.data), `${f.name} bytes`);
    assert.deepEqual(warnings, [
      ["Teamtailor uploads have no document type; the CV was added as a file on the candidate (the candidate's resume was not replaced)."],
      [
        "Teamtailor uploads have no document type; the cover letter was added as a file on the candidate (the candidate's resume was not replaced).",
      ],
      [],
    ]);
    const post = fake.server.calls('POST', '/v1/uploads').at(-1)!;
    assert.equal(post.json.data.type, 'uploads');
    assert.equal(post.json.data.attributes['file-name'], 'report.bin');
    assert.match(post.json.data.attributes.url, new RegExp(`^${fileServerUrl}/files/published%3A[0-9a-f-]{36}\\?token=signed$`));
    assert.deepEqual(post.json.data.relationships, { candidate: { data: { id: '5020', type: 'candidates' } } });
    // The signed URL never reaches the interaction log.
    const logged = calls.slice(callsBefore).filter((c) => c.method === 'POST' && c.url.endsWith('/uploads'));
    assert.ok(logged.length === 3 && logged.every((c) => c.request_body === '[redacted]'));
  });

  test('listCandidateAttachments returns the resume and uploads; downloads serve their bytes', async () => {
    const { ctx } = makeCtx();
    const data = Buffer.from('portfolio bytes \u0000\u0001');
    await connector.addCandidateAttachment(ctx, candidateRef('5002'), {
      name: 'work.pdf',
      type: 'OTHER',
      content_type: 'application/pdf',
      file: new Blob([new Uint8Array(data)]),
      remote_fields: {},
    });
    const { attachments } = await connector.listCandidateAttachments(ctx, candidateRef('5002'));
    assert.deepEqual(
      attachments.map((a) => [a.type, a.file_name, a.content_type]),
      [
        ['CV', 'resume.pdf', 'application/pdf'],
        ['OTHER', 'work.pdf', 'application/pdf'],
      ],
    );
    assert.ok(attachments.every((a) => a.data_url.startsWith(`${fileServerUrl}/files/`)));
    const upload = await connector.downloadAttachment!(ctx, `upload:${attachments[1].remote_id}`);
    assert.ok(upload.data.equals(data));
    const resume = await connector.downloadAttachment!(ctx, 'resume:5002');
    assert.ok(resume.data.equals(fake.candidates.get('5002')!.resume!));
    assert.equal(resume.content_type, 'application/pdf');
  });

  test('an unknown file ref is PLATFORM.INPUT_INVALID', async () => {
    const { ctx } = makeCtx();
    await rejects(connector.downloadAttachment!(ctx, 'nonsense'), 'PLATFORM.INPUT_INVALID');
    await rejects(connector.downloadAttachment!(ctx, 'upload:424242'), 'PLATFORM.INPUT_INVALID', /upload 424242/);
  });
});

/** A second fake for one vendor variant, with its own rate window. */
async function withFake(opts: TeamtailorFakeOptions, fn: (f: TeamtailorFake) => Promise<void>): Promise<void> {
  const f = await startTeamtailorFake({ candidateCount: 8, ...opts });
  try {
    await fn(f);
  } finally {
    await f.stop();
  }
}

describe('T4 / T30: X-Api-Version', () => {
  test("the version sent is the one Teamtailor's docs and gem name, 20161108, and a fake accepting only it is satisfied", async () => {
    assert.equal(DEFAULT_API_VERSION, '20161108');
    await withFake({ apiVersions: ['20161108'] }, async (f) => {
      const { ctx } = connectorContext(connector, f.credentials, f.url);
      await connector.checkCredentials(ctx);
      assert.equal(f.server.calls('GET', '/v1/candidates').at(-1)!.headers['x-api-version'], '20161108');
      assert.equal((await collect(connector.readJobs(ctx, {}))).length, f.jobRemoteIds().length);
    });
  });

  test('a refused version: the 406 (errors as an array) is reported with the version sent and the one Teamtailor names', async () => {
    await withFake({ apiVersions: ['20161108'] }, async (f) => {
      const raw = await fetch(`${f.url}/jobs`, { headers: { authorization: `Token token=${f.adminKey}`, 'x-api-version': '20240904' } });
      assert.equal(raw.status, 406);
      const body = await raw.json();
      assert.ok(Array.isArray(body.errors), 'teamtailor-rb: {"errors":[{...}]}');
      assert.equal(body.errors[0].title, 'Invalid/Missing API Version');

      const { ctx } = connectorContext(connector, { ...f.credentials, api_version: '20240904' }, f.url);
      const err = await rejects(connector.checkCredentials(ctx), 'PLATFORM.INPUT_INVALID', /X-Api-Version 20240904/);
      assert.match(err.message, /Set the integration's api_version \(X-Api-Version\) to 20161108/);
      await assert.rejects(
        collect(connector.readJobs(ctx, {})),
        /HTTP 406.*Current version is: 20161108.*Set the integration's api_version \(X-Api-Version\) to 20161108/,
      );
    });
  });

  test('a single errors object (tolerated by teamtailor-rb) is read as well', () => {
    assert.equal(
      teamtailorErrorMessage(406, { errors: { status: 406, detail: 'Current version is: 20161108' } }),
      "Current version is: 20161108. Set the integration's api_version (X-Api-Version) to 20161108.",
    );
    assert.equal(
      teamtailorErrorMessage(422, { errors: [{ detail: "email - can't be blank", source: { pointer: '/data/attributes/email' } }] }),
      "email - can't be blank (/data/attributes/email)",
    );
  });
});

describe("T16 / T25: a candidate's applications and uploads through its related links", () => {
  const cand = (links: Record<string, string> | null): Resource => ({
    id: '42',
    type: 'candidates',
    attributes: {},
    relationships: links ? Object.fromEntries(Object.entries(links).map(([k, v]) => [k, { links: { related: v } }])) : {},
  });
  const base = 'https://api.teamtailor.com/v1';

  test('the link the API hands out is followed as is; none, or another origin, gives the conventional path', () => {
    const odd = 'https://api.teamtailor.com/v1/job-applications?filter%5Bcandidate%5D=42';
    assert.equal(relatedPath(cand({ 'job-applications': odd }), 'job-applications', base), odd);
    assert.equal(relatedPath(cand(null), 'job-applications', base), 'candidates/42/job-applications');
    assert.equal(relatedPath(cand({ uploads: 'https://evil.example/v1/candidates/42/uploads' }), 'uploads', base), 'candidates/42/uploads');
  });

  test('readCandidate and listCandidateAttachments request the related URLs of the candidate they read', async () => {
    const { ctx } = makeCtx();
    const one = await connector.readCandidate!(ctx, '5004');
    assert.equal(one!.applications.length, 2);
    const related = fake.server.calls('GET', '/v1/candidates/5004/job-applications').at(-1)!;
    assert.equal(related.query.get('include'), 'candidate,job,stage,reject-reason');
    const { attachments } = await connector.listCandidateAttachments(ctx, candidateRef('5003'));
    assert.deepEqual(
      attachments.map((a) => a.file_name),
      ['portfolio.pdf'],
    );
    assert.equal(fake.server.calls('GET', '/v1/candidates/5003/uploads').length, 1);
  });

  test('candidates without relationship links: the conventional paths still work', async () => {
    await withFake({ relationshipLinks: 'none' }, async (f) => {
      const { ctx } = connectorContext(connector, f.credentials, f.url);
      const one = await connector.readCandidate!(ctx, '5004');
      assert.deepEqual(
        one!.applications.map((a) => a.remote_id).sort(),
        [...f.applications.values()]
          .filter((a) => a.candidateId === '5004')
          .map((a) => a.id)
          .sort(),
      );
      const { attachments } = await connector.listCandidateAttachments(ctx, { remote_id: '5003', applications: [] });
      assert.deepEqual(
        attachments.map((a) => a.file_name),
        ['portfolio.pdf'],
      );
    });
  });
});

describe('custom field values are a secondary step', () => {
  const withAttrs = link({
    remote_fields: { teamtailor: { user_id: '11' } },
    details: {
      custom_field_name_prefix: 'Acme:',
      attributes: [
        { key: 'Score', value: '91' },
        { key: 'Passed', value: 'true' },
      ],
    },
  });

  test('a value write Teamtailor refuses costs that field only: the note is written with every attribute', async () => {
    const { ctx } = makeCtx();
    const notes = fake.notes.length;
    fake.failNextMatching(1, 500, 'POST', /^\/v1\/custom-field-values$/);
    const result = await connector.addCandidateResultLink(ctx, candidateRef('5021'), withAttrs);
    assert.equal(fake.notes.length, notes + 1);
    assert.equal(fake.notes.at(-1)!.note, resultNoteText(withAttrs));
    assert.deepEqual(
      [...fake.customFieldValues.values()].filter((v) => v.candidateId === '5021').map((v) => v.fieldId),
      ['303'],
    );
    assert.ok(result.warnings.includes(warn.customFields('Teamtailor', ['Acme: Passed'])));
    assert.match(
      result.warnings.at(-1)!,
      /^Setting the Teamtailor custom field "Acme: Score" failed: .*HTTP 500.*The value is in the note only\.$/,
    );
  });

  test('a custom-field list that cannot be read: the note is still written', async () => {
    const { ctx } = makeCtx();
    const notes = fake.notes.length;
    fake.failNextMatching(4, 503, 'GET', /^\/v1\/custom-fields$/);
    const result = await connector.addCandidateResultLink(ctx, candidateRef('5022'), withAttrs);
    assert.equal(fake.notes.length, notes + 1);
    assert.match(result.warnings.at(-1)!, /^Reading the Teamtailor custom fields failed: .*HTTP 503/);
  });
});

describe('T10: undocumented job attributes', () => {
  const job = (attributes: Record<string, unknown>): Resource => ({
    id: '1',
    type: 'jobs',
    attributes: { title: 'X', status: 'open', ...attributes },
  });
  test('internal-name and employment-type are used when present, in any spelling, and null otherwise', () => {
    const mapped = (a: Record<string, unknown>) => toRemoteJob(job(a), new Included(), []);
    assert.equal(mapped({ 'employment-type': 'Full-time', 'internal-name': 'ENG-7' }).employment_type, 'FULL_TIME');
    assert.equal(mapped({ 'internal-name': 'ENG-7' }).job_code, 'ENG-7');
    assert.equal(mapped({ 'employment-type': 'part_time' }).employment_type, 'PART_TIME');
    assert.equal(mapped({ 'employment-type': 'Internship' }).employment_type, 'INTERNSHIP');
    const bare = mapped({});
    assert.equal(bare.employment_type, null);
    assert.equal(bare.job_code, null);
  });
});

describe('failures and limits', () => {
  test('429 then success: waits per X-Rate-Limit-Reset', async () => {
    const { ctx } = makeCtx();
    fake.failNext(1, 429);
    const started = Date.now();
    const jobs = await collect(connector.readJobs(ctx, {}));
    assert.equal(jobs.length, fake.jobRemoteIds().length);
    assert.ok(Date.now() - started >= 900, 'waited about X-Rate-Limit-Reset seconds');
  });

  test('GET failing with 503 every time → REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    const { ctx } = makeCtx();
    const before = fake.server.journal.length;
    fake.failNextMatching(4, 503, 'GET', /^\/v1\/stages$/);
    await rejects(collect(connector.readJobs(ctx, {})), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 503/);
    assert.equal(fake.server.journal.slice(before).filter((r) => r.path === '/v1/stages').length, 4);
  });

  test('a POST failing with 500 is not retried', async () => {
    const { ctx } = makeCtx();
    const before = fake.server.calls('POST', '/v1/notes').length;
    const notes = fake.notes.length;
    fake.failNextMatching(1, 500, 'POST', /^\/v1\/notes$/);
    await rejects(
      connector.addCandidateResultLink(ctx, candidateRef('5013'), link({ remote_fields: { teamtailor: { user_id: '11' } } })),
      'REMOTE.SERVICE_UNAVAILABLE',
    );
    assert.equal(fake.server.calls('POST', '/v1/notes').length - before, 1);
    assert.equal(fake.notes.length, notes);
  });

  test('the fake is faithful: JSON bodies without the JSON:API type get 415, page[size] > 30 gets 400', async () => {
    const headers = { authorization: `Token token=${fake.adminKey}`, 'x-api-version': '20240904' };
    const r415 = await fetch(`${fake.url}/notes`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r415.status, 415);
    const r400 = await fetch(`${fake.url}/candidates?page[size]=31`, { headers });
    assert.equal(r400.status, 400);
    assert.match(JSON.stringify(await r400.json()), /not a valid value for size page parameter/);
  });

  test('the client-side limiter kept every request under the enforced 50 per 10 s', () => {
    // The fake answers 429 for real once a 10 s window holds more than 50 requests; the only
    // 429 the integration's context ever saw is the one injected above.
    const { calls } = makeCtx();
    assert.equal(calls.filter((c) => c.status === 429).length, 1, JSON.stringify(calls.filter((c) => c.status === 429)));
    assert.ok(calls.length > 50, `${calls.length} calls made through one limiter`);
  });
});
