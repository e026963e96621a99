import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/ashby/index.ts';
import { warn } from '../../src/connectors/helpers/result-link.ts';
import { AtsgateError } from '../../src/errors.ts';
import type { ApplicationRef, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { startAshbyFake, type AshbyFake } from '../fakes/ashby.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';

let fake: AshbyFake;
/** One context (one client-side rate limiter, as in production) for the integration's good key. */
let shared: ReturnType<typeof connectorContext>;
before(async () => {
  fake = await startAshbyFake();
  shared = connectorContext(connector, fake.credentials, fake.url);
});
after(async () => {
  await fake?.stop();
});

/** The shared context, with a fresh per-integration cache (no remembered syncTokens). */
const ctx = () => {
  shared.ctx.cache.clear();
  return shared.ctx;
};
const ctxFor = (credentials: Record<string, unknown>) => connectorContext(connector, credentials, fake.url);
const PARTNER = 'a55e55ed-0000-4000-8000-00000000beef';
const cand = (i: number): CandidateRef => ({ remote_id: fake.candidateRemoteIds()[i], applications: [] });
/** Candidate i's first application (the fake seeds it as uid(3, i + 1)). */
const appOf = (i: number): ApplicationRef => ({
  remote_id: `30000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
  candidate_remote_id: fake.candidateRemoteIds()[i],
  job_remote_id: null,
  outcome: 'PENDING',
});
const link = (attributes: [string, string][] | null, extra: Partial<ResultLinkInput> = {}): ResultLinkInput => ({
  label: 'Acme coding test',
  url: 'https://acme.example/results/42',
  details: attributes ? { custom_field_name_prefix: 'Acme:', attributes: attributes.map(([key, value]) => ({ key, value })) } : null,
  remote_fields: {},
  ...extra,
});
const calls = (endpoint: string) => fake.server.calls('POST', `/${endpoint}`);

describe('Ashby: credentials', () => {
  test('accepts a key with every needed permission', async () => {
    await connector.checkCredentials(ctx());
    const sent = calls('apiKey.info').at(-1)!;
    assert.equal(sent.headers.authorization, 'Basic ' + Buffer.from(`${fake.apiKey}:`).toString('base64'));
  });

  test('a wrong key (Ashby: 403) is AUTHENTICATION_INVALID, without echoing the key', async () => {
    await assert.rejects(connector.checkCredentials(ctxFor(fake.badCredentials).ctx), (err: AtsgateError) => {
      assert.equal(err.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(err.message, /invalid or has been deactivated/);
      assert.doesNotMatch(err.message, /ashby-wrong-key/);
      return true;
    });
  });

  test('no key (Ashby: 401) is AUTHENTICATION_INVALID', async () => {
    await rejectsWith(connector.checkCredentials(ctxFor({ api_key: '' }).ctx), 'INTEGRATION.AUTHENTICATION_INVALID', /HTTP 401/);
  });

  test('missing permissions are named from apiKey.info scopes', async () => {
    fake.scopes.delete('candidates:write');
    fake.scopes.delete('interviews:read');
    try {
      await rejectsWith(
        connector.checkCredentials(ctx()),
        'INTEGRATION.PERMISSION_MISSING',
        /candidatesWrite \(Candidates: Write\), interviewsRead \(Interviews: Read\)/,
      );
    } finally {
      fake.scopes.add('candidates:write');
      fake.scopes.add('interviews:read');
    }
  });

  test('without apiKeysRead it probes read endpoints and names what is refused', async () => {
    fake.scopes.delete('apiKeys:read');
    try {
      await connector.checkCredentials(ctx());
      fake.scopes.delete('jobs:read');
      await rejectsWith(connector.checkCredentials(ctx()), 'INTEGRATION.PERMISSION_MISSING', /lacks jobsRead \(Jobs: Read\)\./);
    } finally {
      fake.scopes.add('apiKeys:read');
      fake.scopes.add('jobs:read');
    }
  });

  test('a write without the permission is PERMISSION_MISSING naming it', async () => {
    fake.scopes.delete('candidates:write');
    try {
      await rejectsWith(
        connector.addCandidateResultLink(ctx(), cand(30), link(null)),
        'INTEGRATION.PERMISSION_MISSING',
        /candidate\.createNote: the API key lacks the candidatesWrite/,
      );
    } finally {
      fake.scopes.add('candidates:write');
    }
  });
});

describe('Ashby: reads', () => {
  test('readCandidates returns every candidate across pages, mapped', async () => {
    const before = calls('candidate.list').length;
    const all = await collect(connector.readCandidates(ctx(), {}));
    assert.equal(all.length, 32);
    assert.deepEqual(new Set(all.map((c) => c.remote_id)), new Set(fake.candidateRemoteIds()));
    const pages = calls('candidate.list').slice(before);
    assert.ok(pages.length >= 4, `expected ≥ 4 pages, got ${pages.length}`);
    assert.equal(pages[0].json.limit, 100);
    assert.ok(pages[1].json.cursor, 'second page sends the cursor');

    const c0 = all.find((c) => c.remote_id === fake.candidateRemoteIds()[0])!;
    assert.equal(c0.first_name, 'Ada');
    assert.equal(c0.last_name, 'Lovelace');
    assert.equal(c0.company, 'Analytical Engines Ltd');
    assert.equal(c0.title, 'Software Engineer');
    assert.equal(c0.source, 'Careers page');
    assert.deepEqual(c0.email_addresses, [
      { email_address: 'ada.lovelace@example.com', type: 'PERSONAL' },
      { email_address: 'ada.lovelace@work.example.org', type: 'WORK' },
    ]);
    // Ashby's contact types are Personal, Work and Other (its OpenAPI enum); there is no "Mobile".
    assert.deepEqual(c0.phone_numbers, [{ phone_number: '+49 30 5550000', type: 'PERSONAL' }]);
    assert.deepEqual(c0.social_media, [{ link: 'https://linkedin.com/in/ada.lovelace', type: 'LinkedIn', username: null }]);
    assert.deepEqual(c0.location, { raw: 'Germany, Berlin, Berlin', city: 'Berlin', state: 'Berlin', country: 'Germany' });
    assert.deepEqual(c0.tags, [{ remote_id: '50000000-0000-4000-8000-000000000001', name: 'Referral' }]);
    assert.equal(c0.remote_url, `https://app.ashbyhq.com/candidates/${c0.remote_id}`);
    assert.equal(c0.remote_created_at, '2026-01-05T09:00:00.000Z');
    const c2 = all.find((c) => c.remote_id === fake.candidateRemoteIds()[2])!;
    assert.deepEqual(c2.custom_fields, { 'Visa needed': true });
    const mononym = all.find((c) => c.remote_id === fake.candidateRemoteIds()[31])!;
    assert.equal(mononym.first_name, 'Cher');
    assert.equal(mononym.last_name, null);
  });

  test('readApplications returns every application with outcome, stage and rejection reason', async () => {
    const all = await collect(connector.readApplications(ctx(), {}));
    assert.equal(all.length, fake.applicationRemoteIds().length);
    assert.ok(all.length >= 38);
    const byId = new Map(all.map((a) => [a.remote_id, a]));
    const hired = byId.get('30000000-0000-4000-8000-000000000004')!; // candidate 3
    assert.equal(hired.outcome, 'HIRED');
    assert.equal(hired.current_stage?.name, 'Hired');
    assert.equal(hired.rejection_reason_name, null);
    const declined = byId.get('30000000-0000-4000-8000-000000000002')!; // candidate 1
    assert.equal(declined.outcome, 'DECLINED');
    assert.equal(declined.rejection_reason_name, 'Not a fit for the role');
    assert.ok(declined.rejected_at);
    const active = byId.get('30000000-0000-4000-8000-000000000001')!; // candidate 0
    assert.equal(active.outcome, 'PENDING');
    assert.equal(active.candidate_remote_id, fake.candidateRemoteIds()[0]);
    assert.equal(active.job_remote_id, fake.jobRemoteIds()[0]);
    assert.deepEqual(active.current_stage, { remote_id: '80000000-0000-4000-8000-000000000066', name: 'Phone Screen', index: 2 });
    const lead = byId.get('30000000-0000-4000-8000-000000000009')!; // candidate 8
    assert.equal(lead.outcome, 'PENDING');
  });

  test('readJobs returns all jobs (drafts included) with ordered stages, fetched once per interview plan', async () => {
    const before = calls('interviewStage.list').length;
    const jobs = await collect(connector.readJobs(ctx(), {}));
    assert.equal(jobs.length, 4);
    assert.equal(calls('interviewStage.list').length - before, 2);
    const [eng, design, analyst, draft] = fake.jobRemoteIds().map((id) => jobs.find((j) => j.remote_id === id)!);
    assert.equal(eng.name, 'Backend Engineer');
    assert.equal(eng.status, 'OPEN');
    assert.equal(eng.employment_type, 'FULL_TIME');
    // Ashby's OpenAPI declares customRequisitionId with format uuid.
    assert.equal(eng.job_code, 'a0000000-0000-4000-8000-000000000001');
    assert.deepEqual(eng.custom_fields, { Headcount: 3 });
    assert.deepEqual(eng.location, { raw: 'Berlin', city: 'Berlin', state: 'Berlin', country: 'Germany' });
    assert.deepEqual(
      eng.stages?.map((s) => s.name),
      ['Lead', 'Application Review', 'Phone Screen', 'Onsite', 'Offer', 'Hired', 'Archived'],
    );
    assert.equal(design.employment_type, 'PART_TIME');
    assert.equal(design.stages?.length, 4);
    assert.equal(analyst.status, 'CLOSED');
    assert.equal(analyst.confidential, true);
    assert.ok(analyst.closed_at);
    assert.equal(draft.status, 'DRAFT');
  });

  test('readCandidate returns the candidate with all its applications, null when unknown', async () => {
    const got = await connector.readCandidate!(ctx(), fake.candidateRemoteIds()[5]);
    assert.equal(got?.candidate.first_name, 'Donald');
    assert.equal(got?.applications.length, 2);
    assert.equal(await connector.readCandidate!(ctx(), '20000000-0000-4000-8000-0000000fffff'), null);
  });

  test('updatedAfter without a stored syncToken: full walk, filtered on updatedAt', async () => {
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    fake.touchCandidate(fake.candidateRemoteIds()[11]);
    const before = calls('candidate.list').length;
    const got = await collect(connector.readCandidates(ctx(), { updatedAfter: since }));
    assert.deepEqual(
      got.map((c) => c.remote_id),
      [fake.candidateRemoteIds()[11]],
    );
    assert.ok(
      calls('candidate.list')
        .slice(before)
        .every((r) => r.json.syncToken === undefined),
    );
  });

  test('updatedAfter with the syncToken from the previous walk: only changes are fetched', async () => {
    const c = ctx();
    await collect(connector.readCandidates(c, {}));
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    fake.touchCandidate(fake.candidateRemoteIds()[12]);
    const before = calls('candidate.list').length;
    const got = await collect(connector.readCandidates(c, { updatedAfter: since }));
    assert.deepEqual(
      got.map((c) => c.remote_id),
      [fake.candidateRemoteIds()[12]],
    );
    const sent = calls('candidate.list').slice(before);
    assert.equal(sent.length, 1);
    assert.ok(sent[0].json.syncToken, 'the delta read sends the syncToken');
  });

  test('an expired syncToken falls back to a filtered full walk', async () => {
    const c = ctx();
    await collect(connector.readCandidates(c, {}));
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    fake.touchCandidate(fake.candidateRemoteIds()[13]);
    fake.expireSyncTokens();
    const before = calls('candidate.list').length;
    const got = await collect(connector.readCandidates(c, { updatedAfter: since }));
    assert.deepEqual(
      got.map((c) => c.remote_id),
      [fake.candidateRemoteIds()[13]],
    );
    const sent = calls('candidate.list').slice(before);
    assert.ok(sent[0].json.syncToken);
    assert.ok(sent.length >= 5 && sent.slice(1).every((r) => r.json.syncToken === undefined));
  });

  /** A context whose remembered candidate.list token is older than `since`, plus one candidate changed after it. */
  async function syncedThenChanged(i: number) {
    const c = ctx();
    await collect(connector.readCandidates(c, {}));
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    fake.touchCandidate(fake.candidateRemoteIds()[i]);
    return { c, since };
  }
  const TOKEN_KEY = 'ashby:syncToken:candidate.list';

  for (const status of [200, 400]) {
    test(`incremental_sync_too_large (HTTP ${status}): the token is dropped, a filtered full walk answers, the next delta read works again`, async () => {
      const { c, since } = await syncedThenChanged(14);
      const oldToken = (c.cache.get(TOKEN_KEY) as { token: string }).token;
      fake.incrementalPageLimit = 0;
      fake.paginationErrorStatus = status;
      try {
        const before = calls('candidate.list').length;
        const got = await collect(connector.readCandidates(c, { updatedAfter: since }));
        assert.deepEqual(
          got.map((x) => x.remote_id),
          [fake.candidateRemoteIds()[14]],
        );
        const sent = calls('candidate.list').slice(before);
        assert.equal(sent[0].json.syncToken, oldToken, 'the delta read first tried the token');
        assert.ok(sent.length >= 5 && sent.slice(1).every((r) => r.json.syncToken === undefined), 'then a full walk without it');
        assert.notEqual(
          (c.cache.get(TOKEN_KEY) as { token: string }).token,
          oldToken,
          'the refused token is gone; the full walk left a fresh one',
        );
      } finally {
        fake.incrementalPageLimit = null;
        fake.paginationErrorStatus = 200;
      }
      // The next sync goes incremental again with the fresh token.
      const since2 = new Date();
      await new Promise((r) => setTimeout(r, 5));
      fake.touchCandidate(fake.candidateRemoteIds()[15]);
      const before = calls('candidate.list').length;
      const got = await collect(connector.readCandidates(c, { updatedAfter: since2 }));
      assert.deepEqual(
        got.map((x) => x.remote_id),
        [fake.candidateRemoteIds()[15]],
      );
      assert.equal(calls('candidate.list').length - before, 1);
    });
  }

  test('incremental_sync_too_large deep into an incremental walk: the walk starts over as a full one', async () => {
    const { c, since } = await syncedThenChanged(16);
    for (let i = 17; i < 30; i++) fake.touchCandidate(fake.candidateRemoteIds()[i]); // 14 changes: two incremental pages
    fake.incrementalPageLimit = 1;
    try {
      const before = calls('candidate.list').length;
      const got = await collect(connector.readCandidates(c, { updatedAfter: since }));
      assert.deepEqual(new Set(got.map((x) => x.remote_id)), new Set(fake.candidateRemoteIds().slice(16, 30)));
      const sent = calls('candidate.list').slice(before);
      assert.ok(sent[1].json.syncToken && sent[1].json.cursor, 'page two of the incremental walk sends the token with the cursor');
      assert.ok(sent.slice(2).every((r) => r.json.syncToken === undefined));
    } finally {
      fake.incrementalPageLimit = null;
    }
  });

  test('sync_token_invalid: the token is dropped and a filtered full walk answers', async () => {
    const { c, since } = await syncedThenChanged(18);
    c.cache.set(TOKEN_KEY, { token: 'not-a-token', receivedAt: 0 });
    const got = await collect(connector.readCandidates(c, { updatedAfter: since }));
    assert.deepEqual(
      got.map((x) => x.remote_id),
      [fake.candidateRemoteIds()[18]],
    );
    assert.notEqual((c.cache.get(TOKEN_KEY) as { token: string }).token, 'not-a-token');
  });

  test('a refused token is forgotten even when the full walk that follows fails', async () => {
    const { c, since } = await syncedThenChanged(19);
    fake.incrementalPageLimit = 0;
    // The token request reaches Ashby (incremental_sync_too_large); every later one is refused.
    const route = fake.server.before;
    let seen = 0;
    fake.server.before = (req) => (++seen > 1 ? { status: 400, text: 'Bad Request' } : route?.(req));
    try {
      await rejectsWith(collect(connector.readCandidates(c, { updatedAfter: since })), 'REMOTE.INPUT_INVALID', /HTTP 400/);
    } finally {
      fake.server.before = route;
      fake.incrementalPageLimit = null;
    }
    assert.equal(seen, 2);
    assert.equal(c.cache.get(TOKEN_KEY), undefined, 'no token kept after Ashby refused it');
  });

  test('an expired cursor mid-walk restarts the walk from page one; nothing is lost', async () => {
    const before = calls('candidate.list').length;
    const it = connector.readCandidates(ctx(), {})[Symbol.asyncIterator]();
    const seen = new Set<string>();
    const first = await it.next();
    for (const x of first.value!) seen.add(x.remote_id);
    fake.expireCursors();
    for (let r = await it.next(); !r.done; r = await it.next()) for (const x of r.value) seen.add(x.remote_id);
    assert.deepEqual(seen, new Set(fake.candidateRemoteIds()));
    const sent = calls('candidate.list').slice(before);
    assert.equal(sent.filter((r) => r.json.cursor === undefined).length, 2, 'one restart');
  });

  for (const code of ['next_cursor_expired', 'invalid_next_cursor'] as const) {
    test(`a cursor refused every time (${code}) fails after a bounded number of restarts`, async () => {
      fake.breakCursors = code;
      const before = calls('candidate.list').length;
      try {
        await assert.rejects(collect(connector.readCandidates(ctx(), {})), (err: AtsgateError & { ashbyCode?: string }) => {
          assert.equal(err.code, 'REMOTE.INPUT_INVALID');
          assert.equal(err.ashbyCode, code);
          return true;
        });
      } finally {
        fake.breakCursors = null;
      }
      const sent = calls('candidate.list').slice(before);
      assert.equal(sent.filter((r) => r.json.cursor === undefined).length, 3, 'the first walk and two restarts');
      assert.equal(sent.length, 6);
    });
  }

  for (const answer of ['record_not_found', 'invalid_input', 'http_404'] as const) {
    test(`readCandidate is null for an unknown id whatever Ashby answers (${answer})`, async () => {
      fake.notFoundAnswer = answer;
      try {
        assert.equal(await connector.readCandidate!(ctx(), '20000000-0000-4000-8000-0000000eeeee'), null);
        await rejectsWith(
          connector.addCandidateResultLink(ctx(), { remote_id: '20000000-0000-4000-8000-0000000eeeee', applications: [] }, link(null)),
          'PLATFORM.INPUT_INVALID',
          /candidate 20000000-0000-4000-8000-0000000eeeee was not found in Ashby/,
        );
      } finally {
        fake.notFoundAnswer = 'record_not_found';
      }
    });
  }

  test('a candidate deleted upstream no longer appears in reads', async () => {
    const id = fake.candidateRemoteIds()[29];
    fake.deleteCandidate(id);
    const all = await collect(connector.readCandidates(ctx(), {}));
    assert.equal(all.length, 31);
    assert.ok(!all.some((c) => c.remote_id === id));
    const apps = await collect(connector.readApplications(ctx(), {}));
    assert.ok(!apps.some((a) => a.candidate_remote_id === id));
    assert.equal(await connector.readCandidate!(ctx(), id), null);
  });
});

describe('Ashby: result links without a partner id (custom fields + note)', () => {
  test('candidate: existing candidate fields are set, the rest is in the note, each step warned', async () => {
    const c = cand(6);
    const res = await connector.addCandidateResultLink(
      ctx(),
      c,
      link([
        ['Score', '92'],
        ['Passed', 'true'],
        ['Seniority', 'Senior'],
        ['Level', 'L3'],
      ]),
    );
    const set = calls('customField.setValues').at(-1)!.json;
    assert.deepEqual(set, {
      objectId: c.remote_id,
      objectType: 'Candidate',
      values: [
        { fieldId: '40000000-0000-4000-8000-000000000001', fieldValue: '92' },
        { fieldId: '40000000-0000-4000-8000-000000000004', fieldValue: true },
        { fieldId: '40000000-0000-4000-8000-000000000005', fieldValue: 'senior' },
      ],
    });
    assert.deepEqual(fake.fieldValuesOf('Candidate', c.remote_id), {
      'Acme: Score': '92',
      'Acme: Passed': true,
      'Acme: Seniority': 'senior',
    });
    const note = calls('candidate.createNote').at(-1)!.json;
    assert.equal(note.candidateId, c.remote_id);
    assert.equal(note.note.type, 'text/html');
    assert.equal(note.sendNotifications, false);
    const stored = fake.notes.at(-1)!;
    assert.equal(
      stored.content,
      '<a href="https://acme.example/results/42">Acme coding test</a><ul><li>Acme: Score: 92</li><li>Acme: Passed: true</li><li>Acme: Seniority: Senior</li><li>Acme: Level: L3</li></ul>',
    );
    assert.equal(res.warnings.length, 3);
    assert.equal(res.warnings[0], warn.note('Ashby', 'candidate'));
    assert.equal(res.warnings[1], warn.customFields('Ashby', ['Acme: Score', 'Acme: Passed', 'Acme: Seniority']));
    assert.match(res.warnings[2], /no candidate custom field that can hold "Acme: Level".*written into the note instead/);
    const text = fake.resultTextFor(c.remote_id);
    for (const s of ['Acme coding test', 'https://acme.example/results/42', '92', 'L3']) assert.ok(text.includes(s), s);
  });

  test('application: application fields are set on the application, the note goes to its candidate', async () => {
    const a = appOf(7);
    const res = await connector.addApplicationResultLink(
      ctx(),
      a,
      link([
        ['Score', '77'],
        ['Report', 'https://acme.example/r/77.pdf'],
        ['Attempts', '2'],
        ['Passed', 'yes'],
      ]),
    );
    const set = calls('customField.setValues').at(-1)!.json;
    assert.equal(set.objectType, 'Application');
    assert.equal(set.objectId, a.remote_id);
    assert.deepEqual(fake.fieldValuesOf('Application', a.remote_id), {
      'Acme: Score': '77',
      'Acme: Report': 'https://acme.example/r/77.pdf',
      'Acme: Attempts': 2,
    });
    assert.equal(calls('candidate.createNote').at(-1)!.json.candidateId, a.candidate_remote_id);
    assert.deepEqual(res.warnings.slice(0, 2), [
      warn.note('Ashby', "application's candidate (Ashby notes belong to candidates)"),
      warn.customFields('Ashby', ['Acme: Score', 'Acme: Report', 'Acme: Attempts']),
    ]);
    assert.match(res.warnings[2], /no application custom field that can hold "Acme: Passed"/);
  });

  test('no details: just the note', async () => {
    const before = calls('customField.list').length;
    const res = await connector.addCandidateResultLink(ctx(), cand(9), link(null));
    assert.deepEqual(res.warnings, [warn.note('Ashby', 'candidate')]);
    assert.equal(calls('customField.list').length, before, 'no field lookup without attributes');
    assert.equal(fake.notes.at(-1)!.content, '<a href="https://acme.example/results/42">Acme coding test</a>');
  });

  test("another tool's remote_fields are ignored with a warning", async () => {
    const res = await connector.addCandidateResultLink(
      ctx(),
      cand(10),
      link(null, { remote_fields: { greenhouse: { on_behalf_of: '123' } } }),
    );
    assert.ok(res.warnings.includes(warn.ignoredRemoteField('Ashby', 'greenhouse.on_behalf_of')));
  });

  test('unknown candidate → PLATFORM.INPUT_INVALID naming it', async () => {
    const id = '20000000-0000-4000-8000-0000000fffff';
    await rejectsWith(
      connector.addCandidateResultLink(ctx(), { remote_id: id, applications: [] }, link(null)),
      'PLATFORM.INPUT_INVALID',
      new RegExp(`candidate ${id} was not found in Ashby`),
    );
  });

  test('unknown application → PLATFORM.INPUT_INVALID naming it', async () => {
    const bad: ApplicationRef = {
      remote_id: '30000000-0000-4000-8000-0000000fffff',
      candidate_remote_id: fake.candidateRemoteIds()[0],
      job_remote_id: null,
      outcome: null,
    };
    await rejectsWith(
      connector.addApplicationResultLink(ctx(), bad, link([['Score', '1']])),
      'PLATFORM.INPUT_INVALID',
      /application 30000000-0000-4000-8000-0000000fffff was not found/,
    );
  });
});

describe('Ashby: result links with a partner id (native assessment)', () => {
  const creds = () => ({ ...fake.credentials, partner_id: PARTNER });

  test('candidate: a completed assessment with the URL as result and attributes as metadata', async () => {
    const c = cand(14);
    const notesBefore = fake.notes.length;
    const res = await connector.addCandidateResultLink(
      ctxFor(creds()).ctx,
      c,
      link([
        ['Score', '88'],
        ['Level', 'Senior'],
      ]),
    );
    assert.deepEqual(res.warnings, []);
    assert.equal(fake.notes.length, notesBefore, 'no note on the native path');
    const sent = calls('assessment.addCompletedToCandidate').at(-1)!.json;
    assert.equal(sent.candidateId, c.remote_id);
    assert.equal(sent.partnerId, PARTNER);
    assert.equal(sent.assessment.assessmentName, 'Acme coding test');
    assert.deepEqual(sent.assessment.result, {
      identifier: 'result_url',
      label: 'Acme coding test',
      type: 'url',
      value: 'https://acme.example/results/42',
    });
    assert.deepEqual(sent.assessment.metadata, [
      { identifier: 'attr_score', label: 'Acme: Score', type: 'string', value: '88' },
      { identifier: 'attr_level', label: 'Acme: Level', type: 'string', value: 'Senior' },
    ]);
    assert.ok(Number.isInteger(sent.timestamp));
    // Stable ids: the same result sent again keeps its assessment and type ids.
    await connector.addCandidateResultLink(ctxFor(creds()).ctx, c, link([['Score', '88']]));
    const again = calls('assessment.addCompletedToCandidate').at(-1)!.json;
    assert.equal(again.assessment.assessmentId, sent.assessment.assessmentId);
    assert.equal(again.assessment.assessmentTypeId, sent.assessment.assessmentTypeId);
  });

  test("application: lands on the application's candidate, with a warning", async () => {
    const a = appOf(15);
    const res = await connector.addApplicationResultLink(ctxFor(creds()).ctx, a, link([['Score', '61']]));
    assert.deepEqual(res.warnings, [warn.onCandidate('Ashby')]);
    assert.equal(fake.assessments.at(-1)!.candidateId, a.candidate_remote_id);
    assert.match(fake.resultTextFor(a.candidate_remote_id), /Acme: Score: 61/);
  });

  test("a partner id Ashby doesn't know → REMOTE.INPUT_INVALID with Ashby's message (not 'candidate not found')", async () => {
    await rejectsWith(
      connector.addCandidateResultLink(
        ctxFor({ ...fake.credentials, partner_id: '00000000-0000-4000-8000-000000000000' }).ctx,
        cand(16),
        link(null),
      ),
      'REMOTE.INPUT_INVALID',
      /No assessment partner with id/,
    );
  });
});

describe('Ashby: attachments', () => {
  const pdf = Buffer.from('%PDF-1.7\n' + 'x'.repeat(3000) + '\u0000\u00ff binary tail');

  test('CV → presigned upload + candidate.uploadResume; the exact bytes arrive; no API key sent to storage', async () => {
    const c = cand(17);
    const res = await connector.addCandidateAttachment(ctx(), c, {
      name: 'cv.pdf',
      type: 'CV',
      content_type: 'application/pdf',
      file: new Blob([new Uint8Array(pdf)]),
      remote_fields: {},
    });
    assert.deepEqual(res.warnings, []);
    const handleReq = calls('file.createFileUploadHandle').at(-1)!.json;
    assert.deepEqual(handleReq, {
      fileUploadContext: 'CandidateResume',
      filename: 'cv.pdf',
      contentType: 'application/pdf',
      contentLength: pdf.length,
    });
    const upload = fake.server.calls('POST', '/_storage/ashby-uploads').at(-1)!;
    assert.equal(upload.headers.authorization, undefined);
    assert.equal(calls('candidate.uploadResume').at(-1)!.json.candidateId, c.remote_id);
    const files = fake.filesFor(c.remote_id);
    assert.equal(files.length, 1);
    assert.equal(files[0].type, 'resume');
    assert.ok(files[0].data.equals(pdf));
  });

  test('COVER_LETTER and OTHER → candidate.uploadFile (CandidateFiles), cover letter warned', async () => {
    const c = cand(17);
    const letter = Buffer.from('Dear hiring team, ...');
    const res = await connector.addCandidateAttachment(ctx(), c, {
      name: 'letter.txt',
      type: 'COVER_LETTER',
      content_type: 'text/plain',
      file: new Blob([new Uint8Array(letter)]),
      remote_fields: {},
    });
    assert.deepEqual(res.warnings, [
      "Ashby's API has no cover-letter file type; the cover letter was attached as a general candidate file.",
    ]);
    assert.equal(calls('file.createFileUploadHandle').at(-1)!.json.fileUploadContext, 'CandidateFiles');
    const other = Buffer.from([1, 2, 3, 250, 251, 252]);
    const res2 = await connector.addCandidateAttachment(ctx(), c, {
      name: 'report.zip',
      type: 'OTHER',
      content_type: 'application/zip',
      file: new Blob([new Uint8Array(other)]),
      remote_fields: {},
    });
    assert.deepEqual(res2.warnings, []);
    assert.equal(calls('candidate.uploadFile').at(-1)!.json.candidateId, c.remote_id);
    const files = fake.filesFor(c.remote_id);
    assert.deepEqual(
      files.map((f) => [f.name, f.type]),
      [
        ['cv.pdf', 'resume'],
        ['letter.txt', 'file'],
        ['report.zip', 'file'],
      ],
    );
    assert.ok(files[2].data.equals(other));
  });

  test('listCandidateAttachments returns what was uploaded, with working download URLs', async () => {
    const c = cand(17);
    const { attachments, warnings } = await connector.listCandidateAttachments(ctx(), c);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      attachments.map((a) => [a.file_name, a.type, a.content_type]),
      [
        ['cv.pdf', 'CV', 'application/pdf'],
        ['letter.txt', 'OTHER', 'text/plain'],
        ['report.zip', 'OTHER', 'application/zip'],
      ],
    );
    const res = await fetch(attachments[0].data_url);
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(pdf));
  });

  test('the seeded resume is listed once, as CV', async () => {
    const { attachments } = await connector.listCandidateAttachments(ctx(), cand(0));
    assert.deepEqual(
      attachments.map((a) => [a.file_name, a.type]),
      [['ada-resume.pdf', 'CV']],
    );
  });

  test("Ashby's validation error → REMOTE.INPUT_INVALID with Ashby's message", async () => {
    await rejectsWith(
      connector.addCandidateAttachment(ctx(), cand(18), {
        name: 'x.pdf',
        type: 'OTHER',
        content_type: 'pdf',
        file: new Blob([new Uint8Array(Buffer.from('x'))]),
        remote_fields: {},
      }),
      'REMOTE.INPUT_INVALID',
      /file\.createFileUploadHandle: contentType must be a MIME type/,
    );
  });
});

describe("Ashby: the fake holds to Ashby's OpenAPI and the provenance table", () => {
  const post = (endpoint: string, body: unknown) =>
    fetch(`${fake.url}/${endpoint}`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${fake.apiKey}:`).toString('base64'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a request body the spec rejects is refused (422), an undocumented call is refused (501)', async () => {
    try {
      assert.equal((await post('candidate.list', { limit: 'many' })).status, 422);
      assert.match(fake.server.spec!.violations.join('\n'), /candidate\.list request: \/limit/);
      assert.equal((await post('candidate.search', { name: 'Ada' })).status, 501);
      assert.deepEqual(fake.server.undocumented, ['POST /candidate.search']);
    } finally {
      // These were provoked on purpose; they must not fail the file when the fake stops.
      fake.server.spec!.violations.length = 0;
      fake.server.undocumented.length = 0;
    }
  });
});

describe('Ashby: transport behaviour', () => {
  test('429 then success: the client waits per Retry-After', async () => {
    fake.failNext(1, 429);
    const started = Date.now();
    const got = await connector.readCandidate!(ctx(), fake.candidateRemoteIds()[19]);
    assert.ok(got);
    assert.ok(Date.now() - started >= 900, `waited ${Date.now() - started} ms`);
  });

  test('a read answered 503 every time → REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
    fake.failNext(50, 503);
    const before = calls('candidate.list').length;
    try {
      await rejectsWith(collect(connector.readCandidates(ctx(), {})), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 503/);
    } finally {
      fake.clearFailures();
    }
    const attempts = calls('candidate.list').length - before;
    assert.ok(attempts > 1 && attempts <= 6, `attempts: ${attempts}`);
  });

  test('a write answered 500 is not retried', async () => {
    fake.failNext(1, 500);
    const before = calls('candidate.createNote').length;
    await rejectsWith(connector.addCandidateResultLink(ctx(), cand(20), link(null)), 'REMOTE.SERVICE_UNAVAILABLE', /HTTP 500/);
    assert.equal(calls('candidate.createNote').length - before, 1);
    fake.clearFailures();
  });

  test('the fake never saw more than its rate limit within a window', () => {
    assert.ok(fake.peakRate() <= 25, `peak ${fake.peakRate()}`);
  });
});

describe('Ashby: candidate tags', () => {
  test('a name matches the existing tag whatever its case: no tag is created, the candidate gets that one', async () => {
    const c = cand(21);
    const before = calls('candidateTag.create').length;
    const out = await connector.addCandidateTag(ctx(), c, { name: 'strong candidate', remote_fields: {} });
    assert.equal(calls('candidateTag.create').length, before, 'nothing created');
    assert.deepEqual(fake.tagsFor(c.remote_id), ['Strong Candidate']);
    assert.equal(out.tag?.name, 'Strong Candidate');
    const sent = calls('candidate.addTag').at(-1)!;
    assert.equal(sent.json.candidateId, c.remote_id);
  });

  test('an archived tag is not offered: a new one of that name is created', async () => {
    const c = cand(22);
    await connector.addCandidateTag(ctx(), c, { name: 'Old Campaign', remote_fields: {} });
    const created = calls('candidateTag.create').at(-1)!;
    assert.deepEqual(created.json, { title: 'Old Campaign' });
    assert.ok(fake.tagsFor(c.remote_id).includes('Old Campaign'));
  });

  test('without Hiring Process Metadata: Write, a new tag fails naming the permission; an existing one still works', async () => {
    fake.scopes.delete('hiringProcessMetadata:write');
    try {
      await rejectsWith(
        connector.addCandidateTag(ctx(), cand(23), { name: 'Brand New Tag', remote_fields: {} }),
        'INTEGRATION.PERMISSION_MISSING',
        /hiringProcessMetadataWrite|Hiring Process Metadata/,
      );
      assert.deepEqual(fake.tagsFor(cand(23).remote_id), []);
      await connector.addCandidateTag(ctx(), cand(23), { name: 'Referral', remote_fields: {} });
      assert.deepEqual(fake.tagsFor(cand(23).remote_id), ['Referral']);
    } finally {
      fake.scopes.add('hiringProcessMetadata:write');
    }
  });

  test('removing reads the candidate, removes the matching tag by id, and warns when there is none', async () => {
    const c = cand(21);
    const removed = await connector.removeCandidateTag(ctx(), c, { name: 'STRONG CANDIDATE', remote_fields: {} });
    assert.deepEqual(removed.warnings, []);
    assert.deepEqual(fake.tagsFor(c.remote_id), []);
    const before = calls('candidate.removeTag').length;
    const again = await connector.removeCandidateTag(ctx(), c, { name: 'Strong Candidate', remote_fields: {} });
    assert.match(again.warnings[0], /has no tag "Strong Candidate"; nothing was removed/);
    assert.equal(calls('candidate.removeTag').length, before, 'no call for an absent tag');
  });
});
