import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/lever/index.ts';
import type { ApplicationRef, CandidateRef } from '../../src/connectors/types.ts';
import { warn } from '../../src/connectors/helpers/result-link.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput } from '../support/connector-unit.ts';
import { startLeverFake, type LeverFake } from '../fakes/lever.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';

// The optional operations are implemented by Lever; the non-null view keeps the tests terse.
const c = { ...connector, readCandidate: connector.readCandidate!, downloadAttachment: connector.downloadAttachment! };

const link = resultLinkInput({
  label: 'Acme assessment report',
  url: 'https://acme.example/results/42',
  details: {
    custom_field_name_prefix: 'Acme:',
    attributes: [
      { key: 'Score', value: '93' },
      { key: 'Level', value: 'Senior' },
    ],
  },
});

describe('Lever connector', () => {
  let fake: LeverFake;
  // One context per credentials, as in production: the client-side rate limiter is per integration.
  const ctxOf = contextCache(connector as any, () => fake);
  const contactN = (n: number) => fake.contacts()[n - 1].id;
  const appRef = (oppId: string): ApplicationRef => ({
    remote_id: oppId,
    candidate_remote_id: fake.contactOf(oppId),
    job_remote_id: null,
    outcome: 'PENDING',
  });
  const candidateRef = async (contactId: string): Promise<CandidateRef> => {
    const r = (await c.readCandidate(ctxOf(), contactId))!;
    return {
      remote_id: contactId,
      applications: r.applications.map((a) => ({
        remote_id: a.remote_id,
        candidate_remote_id: a.candidate_remote_id,
        job_remote_id: a.job_remote_id ?? null,
        outcome: a.outcome ?? null,
      })),
    };
  };
  let noPerformAs: Record<string, unknown> | undefined;
  const { since, requestsSince } = journalMarks(() => fake);

  before(async () => {
    fake = await startLeverFake({ pageSize: 10 });
  });
  after(() => fake.stop());

  describe('checkCredentials', () => {
    test('accepts a working API key, sent as the Basic auth user name with an empty password', async () => {
      const mark = since();
      await c.checkCredentials(ctxOf());
      const auth = String(requestsSince(mark)[0].headers.authorization);
      assert.equal(Buffer.from(auth.replace('Basic ', ''), 'base64').toString(), `${fake.credentials.api_key}:`);
    });
    test("rejects a wrong key with INTEGRATION.AUTHENTICATION_INVALID and Lever's message, without the key", async () => {
      await rejectsWith(c.checkCredentials(ctxOf(fake.badCredentials)), 'INTEGRATION.AUTHENTICATION_INVALID', 'Invalid API key');
      await assert.rejects(
        c.checkCredentials(ctxOf(fake.badCredentials)),
        (e: Error) => !e.message.includes(String(fake.badCredentials.api_key)),
      );
    });
    test('names the permission a restricted key lacks', async () => {
      await rejectsWith(c.checkCredentials(ctxOf(fake.limitedCredentials)), 'INTEGRATION.PERMISSION_MISSING', 'Postings (read)');
    });
  });

  describe('reads', () => {
    test('readJobs returns every posting with the account-wide stages and mapped fields', async () => {
      const jobs = await collect(c.readJobs(ctxOf(), {}));
      assert.deepEqual(jobs.map((j) => j.remote_id).sort(), [...fake.jobRemoteIds()].sort());
      const [backend, designer, intern] = fake.postingIds.map((id) => jobs.find((j) => j.remote_id === id)!);
      assert.equal(backend.name, 'Senior Backend Engineer');
      assert.equal(backend.status, 'OPEN');
      assert.equal(backend.visibility, 'PUBLIC');
      assert.equal(backend.employment_type, 'FULL_TIME');
      assert.equal(backend.department, 'Engineering');
      assert.equal(backend.job_code, 'ENG-101');
      assert.equal(backend.post_url, `https://jobs.lever.co/acme/${backend.remote_id}`);
      assert.deepEqual(
        backend.stages!.map((s) => s.name),
        ['New lead', 'Reached out', 'New applicant', 'Recruiter screen', 'On-site interview', 'Offer'],
      );
      assert.equal(designer.visibility, 'UNLISTED');
      assert.equal(designer.employment_type, 'PART_TIME');
      assert.equal(designer.post_url, null);
      assert.equal(intern.status, 'CLOSED');
      assert.equal(intern.employment_type, 'INTERNSHIP');
      assert.ok(backend.remote_updated_at instanceof Date);
    });

    test('an internal-only published posting and a confidential posting are synced (distributionChannel, confidentiality=all)', async () => {
      const mark = since();
      const jobs = await collect(c.readJobs(ctxOf(), {}));
      const [, , , internalOnly, confidential] = fake.postingIds.map((id) => jobs.find((j) => j.remote_id === id));
      assert.ok(internalOnly, 'the posting published on the internal job site only is synced');
      assert.equal(internalOnly.status, 'OPEN');
      assert.equal(internalOnly.visibility, 'INTERNAL');
      assert.ok(confidential, 'the confidential posting is synced');
      assert.equal(confidential.confidential, true);
      assert.equal(confidential.visibility, 'CONFIDENTIAL');
      assert.equal(new Set(jobs.map((j) => j.remote_id)).size, jobs.length, 'no posting twice');
      const sent = requestsSince(mark).filter((r) => r.path === '/v1/postings');
      assert.ok(sent.every((r) => r.query.get('confidentiality') === 'all'));
      assert.ok(sent.some((r) => r.query.get('distributionChannel') === 'internal'));
    });

    test('a delta read of postings sends updated_at_start with nothing but confidentiality, and still sees internal-only postings', async () => {
      const cut = Date.now();
      await new Promise((r) => setTimeout(r, 5));
      fake.touchPosting(fake.postingIds[3]);
      const mark = since();
      const jobs = await collect(c.readJobs(ctxOf(), { updatedAfter: new Date(cut) }));
      assert.deepEqual(
        jobs.map((j) => j.remote_id),
        [fake.postingIds[3]],
      );
      const withSince = requestsSince(mark).filter((r) => r.path === '/v1/postings' && r.query.has('updated_at_start'));
      assert.equal(withSince.length, 1);
      assert.deepEqual([...new Set(withSince[0].query.keys())].sort(), ['confidentiality', 'limit', 'updated_at_start']);
    });

    test('a confidential candidacy is synced, flagged confidential', async () => {
      const cands = await collect(c.readCandidates(ctxOf(), {}));
      const cand = cands.find((x) => x.remote_id === contactN(13));
      assert.ok(cand, 'the contact whose only opportunity is confidential is synced');
      assert.equal(cand.confidential, true);
      const apps = await collect(c.readApplications(ctxOf(), {}));
      assert.ok(apps.some((a) => a.candidate_remote_id === contactN(13)));
      assert.equal((await c.readCandidate(ctxOf(), contactN(13)))?.applications.length, 1);
    });

    test('a key Lever refuses confidential data (403) still syncs everything else', async () => {
      const ctx = connectorContext(connector as any, { ...fake.limitedCredentials }, fake.url).ctx;
      const cands = await collect(c.readCandidates(ctx, {}));
      assert.equal(cands.length, fake.candidateRemoteIds().length - 1);
      assert.ok(!cands.some((x) => x.remote_id === contactN(13)));
    });

    test('readJobs honours updatedAfter', async () => {
      const all = await collect(c.readJobs(ctxOf(), {}));
      const newest = Math.max(...all.map((j) => (j.remote_updated_at as Date).getTime()));
      const jobs = await collect(c.readJobs(ctxOf(), { updatedAfter: new Date(newest) }));
      assert.equal(jobs.length, 1);
    });

    test('readCandidates returns one candidate per contact across ≥ 3 pages, mapped', async () => {
      const mark = since();
      const cands = await collect(c.readCandidates(ctxOf(), {}));
      const pages = requestsSince(mark).filter((r) => r.path === '/v1/opportunities');
      assert.ok(pages.length >= 3, `expected ≥ 3 pages, got ${pages.length}`);
      assert.ok(pages.every((r) => r.query.get('limit') === '100'));
      assert.ok(
        pages.slice(1).every((r) => r.query.get('offset')),
        'later pages carry the offset token',
      );
      assert.equal(cands.length, 34);
      assert.deepEqual(new Set(cands.map((x) => x.remote_id)), new Set(fake.candidateRemoteIds()));
      const contact = fake.contacts()[2];
      const cand = cands.find((x) => x.remote_id === contact.id)!;
      assert.equal(`${cand.first_name} ${cand.last_name}`, contact.name);
      assert.deepEqual(cand.email_addresses, [{ email_address: contact.emails[0], type: null }]);
      assert.deepEqual(cand.phone_numbers, [{ phone_number: contact.phones[0].value, type: 'MOBILE' }]);
      assert.equal(cand.social_media![0].link, contact.links[0]);
      assert.equal(cand.location!.raw, contact.location);
      assert.match(cand.remote_url!, /^https:\/\/hire\.lever\.co\/candidates\//);
    });

    test('readApplications returns every opportunity with stage, job and outcome', async () => {
      const apps = await collect(c.readApplications(ctxOf(), {}));
      assert.equal(apps.length, 39);
      assert.deepEqual(new Set(apps.map((a) => a.remote_id)), new Set(fake.applicationRemoteIds()));
      const byOpp = (contact: number, which: 'newest' | 'oldest' = 'newest') => {
        const ids = fake.opportunitiesOf(contactN(contact));
        return apps.find((a) => a.remote_id === (which === 'newest' ? ids[0] : ids[ids.length - 1]))!;
      };
      const withdrew = byOpp(7);
      assert.equal(withdrew.outcome, 'DECLINED');
      assert.equal(withdrew.rejection_reason_name, 'Withdrew');
      assert.ok(withdrew.rejected_at instanceof Date);
      const hired = byOpp(12, 'oldest');
      assert.equal(hired.outcome, 'HIRED');
      assert.equal(hired.rejection_reason_name, null);
      assert.equal(hired.job_remote_id, fake.postingIds[2]);
      assert.equal(hired.current_stage!.name, 'Offer');
      const pending = byOpp(3);
      assert.equal(pending.outcome, 'PENDING');
      assert.equal(pending.candidate_remote_id, contactN(3));
      assert.equal(pending.job_remote_id, fake.postingIds[1]);
      assert.equal(byOpp(11).job_remote_id, null, 'a sourced lead has no application to a posting');
    });

    test('updatedAfter becomes updated_at_start (ms) and limits both readers', async () => {
      const opps = fake.opportunities().sort((a, b) => a.updatedAt - b.updatedAt);
      const cut = opps[30].updatedAt;
      const expected = opps.filter((o) => o.updatedAt >= cut);
      const mark = since();
      const apps = await collect(c.readApplications(ctxOf(), { updatedAfter: new Date(cut) }));
      assert.equal(
        requestsSince(mark)
          .find((r) => r.path === '/v1/opportunities')!
          .query.get('updated_at_start'),
        String(cut),
      );
      assert.deepEqual(new Set(apps.map((a) => a.remote_id)), new Set(expected.map((o) => o.id)));
      const cands = await collect(c.readCandidates(ctxOf(), { updatedAfter: new Date(cut) }));
      assert.deepEqual(new Set(cands.map((x) => x.remote_id)), new Set(expected.map((o) => o.contact)));
    });

    test('readCandidate returns the contact with all of its opportunities, null when unknown', async () => {
      const r = (await c.readCandidate(ctxOf(), contactN(6)))!;
      assert.equal(r.candidate.remote_id, contactN(6));
      assert.deepEqual(
        r.applications.map((a) => a.remote_id),
        fake.opportunitiesOf(contactN(6)),
      );
      assert.equal(await c.readCandidate(ctxOf(), '00000000-0000-4000-8000-999999999999'), null);
    });

    test('readCandidate reuses stages and archive reasons, and refetches them when one is new', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx; // a fresh integration cache
      const lookupCalls = () => fake.server.calls('GET', '/v1/stages').length + fake.server.calls('GET', '/v1/archive_reasons').length;
      const before = lookupCalls();
      await c.readCandidate(ctx, contactN(3));
      await c.readCandidate(ctx, contactN(4));
      await c.readCandidate(ctx, contactN(5));
      assert.equal(lookupCalls() - before, 2, 'stages and archive reasons fetched once for three candidates');

      // A reason created after they were cached: the candidate must not be mapped with stale lists.
      const opp = fake.opportunitiesOf(contactN(7))[0];
      fake.archiveWithNewReason(opp, { text: 'Hired via agency', type: 'hired' });
      const r = (await c.readCandidate(ctx, contactN(7)))!;
      assert.equal(lookupCalls() - before, 4, 'fetched again for the unknown reason');
      const app = r.applications.find((a) => a.remote_id === opp)!;
      assert.equal(app.outcome, 'HIRED');
    });
  });

  describe('result links', () => {
    test('application: URL via addLinks + note with label, URL and attributes, perform_as from the integration', async () => {
      const opp = fake.opportunitiesOf(contactN(3))[0];
      const mark = since();
      const res = await c.addApplicationResultLink(ctxOf(), appRef(opp), link());
      const [addLinks, note] = requestsSince(mark);
      assert.equal(addLinks.path, `/v1/opportunities/${opp}/addLinks`);
      assert.deepEqual(addLinks.json, { links: ['https://acme.example/results/42'] });
      assert.equal(addLinks.query.get('perform_as'), fake.credentials.perform_as);
      assert.equal(note.path, `/v1/opportunities/${opp}/notes`);
      assert.deepEqual(note.json, {
        value: 'Acme assessment report: https://acme.example/results/42\nAcme: Score: 93\nAcme: Level: Senior',
      });
      assert.equal(note.query.get('perform_as'), fake.credentials.perform_as);
      assert.ok(fake.linksOf(contactN(3)).includes('https://acme.example/results/42'));
      const stored = fake.notesOf(opp).at(-1)!;
      assert.equal(stored.user, fake.credentials.perform_as);
      assert.equal(res.warnings.length, 2);
      assert.match(res.warnings[0], /no display label/);
      assert.equal(res.warnings[1], warn.attributesAsNote('Lever'));
    });

    test('application without details: one warning, note holds label and URL only', async () => {
      const opp = fake.opportunitiesOf(contactN(4))[0];
      const res = await c.addApplicationResultLink(ctxOf(), appRef(opp), link({ details: null }));
      assert.equal(fake.notesOf(opp).at(-1)!.value, 'Acme assessment report: https://acme.example/results/42');
      assert.equal(res.warnings.length, 1);
    });

    test('remote_fields.lever.perform_as overrides the integration default', async () => {
      const opp = fake.opportunitiesOf(contactN(5))[0];
      const mark = since();
      await c.addApplicationResultLink(ctxOf(), appRef(opp), link({ remote_fields: { lever: { perform_as: fake.users[1].id } } }));
      assert.ok(requestsSince(mark).every((r) => r.query.get('perform_as') === fake.users[1].id));
      assert.equal(fake.notesOf(opp).at(-1)!.user, fake.users[1].id);
    });

    test('candidate: one addLinks (links are per person) and a note on every current opportunity', async () => {
      const contact = contactN(18);
      const ref = await candidateRef(contact);
      assert.equal(ref.applications.length, 2);
      const mark = since();
      const res = await c.addCandidateResultLink(ctxOf(), ref, link());
      const sent = requestsSince(mark);
      assert.equal(sent.filter((r) => r.path.endsWith('/addLinks')).length, 1);
      const notePaths = sent.filter((r) => r.path.endsWith('/notes')).map((r) => r.path);
      assert.deepEqual(
        notePaths.sort(),
        fake
          .opportunitiesOf(contact)
          .map((id) => `/v1/opportunities/${id}/notes`)
          .sort(),
      );
      assert.equal(res.warnings[0], warn.fannedOut('Lever', 2));
      assert.ok(res.warnings.includes(warn.attributesAsNote('Lever')));
      const text = fake.resultTextFor(contact);
      for (const s of ['Acme assessment report', 'https://acme.example/results/42', 'Acme: Score: 93', 'Acme: Level: Senior'])
        assert.ok(text.includes(s), s);
    });

    test('candidate: archived opportunities are skipped while an open one exists', async () => {
      const contact = contactN(6); // newest open, older one turned down
      const ref = await candidateRef(contact);
      const [open, archived] = fake.opportunitiesOf(contact);
      const res = await c.addCandidateResultLink(ctxOf(), ref, link());
      assert.equal(fake.notesOf(open).length, 1);
      assert.equal(fake.notesOf(archived).length, 0);
      assert.equal(res.warnings[0], warn.fannedOut('Lever', 1));
    });

    test('candidate unknown to the last sync: opportunities are looked up by contact_id', async () => {
      const contact = contactN(9);
      const mark = since();
      await c.addCandidateResultLink(ctxOf(), { remote_id: contact, applications: [] }, link());
      assert.equal(requestsSince(mark)[0].query.get('contact_id'), contact);
      assert.equal(fake.notesOf(fake.opportunitiesOf(contact)[0]).length, 1);
    });

    test('unknown candidate → PLATFORM.INPUT_INVALID naming it', async () => {
      await rejectsWith(
        c.addCandidateResultLink(ctxOf(), { remote_id: 'no-such-contact', applications: [] }, link()),
        'PLATFORM.INPUT_INVALID',
        'candidate no-such-contact',
      );
    });

    test('unknown opportunity → PLATFORM.INPUT_INVALID naming the application', async () => {
      await rejectsWith(
        c.addApplicationResultLink(
          ctxOf(),
          { remote_id: 'opp-missing', candidate_remote_id: 'x', job_remote_id: null, outcome: null },
          link(),
        ),
        'PLATFORM.INPUT_INVALID',
        'application opp-missing',
      );
    });

    test("Lever validation error → REMOTE.INPUT_INVALID with Lever's message", async () => {
      const opp = fake.opportunitiesOf(contactN(2))[0];
      await rejectsWith(
        c.addApplicationResultLink(ctxOf(), appRef(opp), link({ remote_fields: { lever: { perform_as: 'not-a-user' } } })),
        'REMOTE.INPUT_INVALID',
        'perform_as: no user found with id not-a-user',
      );
    });
  });

  describe('attachments', () => {
    const bytes = (s: string) => Buffer.from(s, 'utf8');

    for (const type of ['CV', 'COVER_LETTER', 'OTHER'] as const) {
      test(`${type} is uploaded as a multipart file to each current opportunity, bytes intact`, async () => {
        const contact = contactN(18);
        const ref = await candidateRef(contact);
        const data = Buffer.concat([bytes(`${type} ☃ `), Buffer.from([0, 1, 2, 255])]);
        const name = `${type.toLowerCase()}.pdf`;
        const mark = since();
        const res = await c.addCandidateAttachment(ctxOf(), ref, {
          name,
          type,
          content_type: 'application/pdf',
          file: new Blob([new Uint8Array(data)]),
          remote_fields: {},
        });
        const uploads = requestsSince(mark).filter((r) => r.method === 'POST');
        assert.equal(uploads.length, 2);
        for (const u of uploads) {
          assert.match(String(u.headers['content-type']), /^multipart\/form-data; boundary=/);
          assert.equal(u.query.get('perform_as'), fake.credentials.perform_as);
        }
        for (const opp of fake.opportunitiesOf(contact)) {
          const f = fake.uploadedFilesOf(opp).find((x) => x.name === name)!;
          assert.ok(f, `file on ${opp}`);
          assert.deepEqual(f.data, data);
          assert.equal(f.contentType, 'application/pdf');
        }
        assert.match(res.warnings[0], /uploaded to 2 current opportunities/);
        assert.equal(res.warnings.length, type === 'OTHER' ? 1 : 2);
        if (type !== 'OTHER') assert.match(res.warnings[1], /no document type/);
      });
    }

    test('without any perform_as user the upload is refused before calling Lever', async () => {
      const ref = await candidateRef(contactN(3));
      const mark = since();
      await rejectsWith(
        c.addCandidateAttachment(ctxOf((noPerformAs ??= { api_key: fake.credentials.api_key })), ref, {
          name: 'a.txt',
          type: 'OTHER',
          content_type: 'text/plain',
          file: new Blob([new Uint8Array(bytes('x'))]),
          remote_fields: {},
        }),
        'PLATFORM.INPUT_INVALID',
        'perform_as',
      );
      assert.equal(requestsSince(mark).length, 0);
    });

    test('a key without the Files write permission → INTEGRATION.PERMISSION_MISSING', async () => {
      const ref = await candidateRef(contactN(3));
      await rejectsWith(
        c.addCandidateAttachment(ctxOf(fake.limitedCredentials), ref, {
          name: 'a.txt',
          type: 'OTHER',
          content_type: 'text/plain',
          file: new Blob([new Uint8Array(bytes('x'))]),
          remote_fields: {},
        }),
        'INTEGRATION.PERMISSION_MISSING',
      );
    });

    test('listCandidateAttachments returns resumes as CV and uploaded files as OTHER, downloadable', async () => {
      const contact = contactN(1);
      const ref = await candidateRef(contact);
      await c.addCandidateAttachment(ctxOf(), ref, {
        name: 'report.txt',
        type: 'OTHER',
        content_type: 'text/plain',
        file: new Blob([new Uint8Array(bytes('score: 93\n'))]),
        remote_fields: {},
      });
      const { attachments } = await c.listCandidateAttachments(ctxOf(), ref);
      const cv = attachments.find((a) => a.type === 'CV')!;
      const report = attachments.find((a) => a.file_name === 'report.txt')!;
      assert.equal(cv.file_name, 'Grace_Hopper_resume.pdf');
      assert.equal(cv.application_remote_id, ref.applications[0].remote_id);
      assert.equal(report.type, 'OTHER');
      assert.equal(report.content_type, 'text/plain');
      assert.match(report.data_url, /^http:\/\/atsgate\.test\/v1\/files\//);
      const refOf = (u: string) => decodeURIComponent(u.split('/').pop()!);
      const got = await c.downloadAttachment(ctxOf(), refOf(report.data_url));
      assert.equal(got.file_name, 'report.txt');
      assert.equal(got.content_type, 'text/plain');
      assert.equal(got.data.toString('utf8'), 'score: 93\n');
      const resume = await c.downloadAttachment(ctxOf(), refOf(cv.data_url));
      assert.match(resume.data.toString('utf8'), /^%PDF-1\.4 resume of /);
    });
  });

  describe('files list: every plausible shape (audit L13)', () => {
    for (const style of ['envelope', 'doc-example'] as const) {
      test(`${style}: the uploaded file is listed with its date and type`, async () => {
        const contact = contactN(2);
        const ref = await candidateRef(contact);
        const opp = ref.applications[0].remote_id;
        const before = Date.now();
        fake.addFile(opp, `notes-${style}.pdf`, Buffer.from('%PDF-1.4 x'), 'application/pdf');
        fake.fileListStyle = style;
        try {
          const { attachments } = await c.listCandidateAttachments(ctxOf(), ref);
          const f = attachments.find((a) => a.file_name === `notes-${style}.pdf`);
          assert.ok(f, `listed with the ${style} shape`);
          assert.equal(f.type, 'OTHER');
          assert.equal(f.content_type, 'application/pdf');
          assert.ok(f.remote_created_at instanceof Date && f.remote_created_at.getTime() >= before - 1000, 'uploadedAt read as a date');
          const got = await c.downloadAttachment(ctxOf(), decodeURIComponent(f.data_url.split('/').pop()!));
          assert.equal(got.content_type, 'application/pdf');
        } finally {
          fake.fileListStyle = 'envelope';
        }
      });
    }
  });

  describe('the fake answers malformed requests like Lever', () => {
    const call = (method: string, path: string, init: { json?: unknown; body?: FormData } = {}) =>
      fetch(`${fake.url}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${fake.credentials.api_key}:`).toString('base64')}`,
          ...(init.json ? { 'content-type': 'application/json' } : {}),
        },
        body: init.json ? JSON.stringify(init.json) : init.body,
      });
    test('note without value, empty links, upload without perform_as, bad offset → 400 {code, message}', async () => {
      const opp = fake.opportunitiesOf(contactN(2))[0];
      const form = new FormData();
      form.append('file', new Blob(['x']), 'x.txt');
      const cases = [
        await call('POST', `/opportunities/${opp}/notes`, { json: { secret: true } }),
        await call('POST', `/opportunities/${opp}/addLinks`, { json: { links: [] } }),
        await call('POST', `/opportunities/${opp}/files`, { body: form }),
        await call('GET', '/opportunities?offset=garbage'),
        await call('GET', '/opportunities?limit=500'),
      ];
      for (const res of cases) {
        assert.equal(res.status, 400);
        const body = (await res.json()) as { code: string; message: string };
        assert.equal(body.code, 'BadRequestError');
        assert.ok(body.message.length > 0);
      }
    });
  });

  describe('failures', () => {
    test('429 without Retry-After: the client backs off and succeeds', async () => {
      fake.failNext(1, 429);
      const mark = since();
      const jobs = await collect(c.readJobs(ctxOf(), {}));
      assert.equal(jobs.length, fake.jobRemoteIds().length);
      assert.ok(requestsSince(mark).length >= 3);
    });

    test('GET failing with 500 every time → REMOTE.SERVICE_UNAVAILABLE after bounded retries', async () => {
      fake.failNext(100, 500);
      const mark = since();
      try {
        await rejectsWith(collect(c.readCandidates(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE', 'Something went wrong');
        assert.equal(requestsSince(mark).length, 4);
      } finally {
        fake.failNext(0, 500);
      }
    });

    test('a POST answered with 500 is not retried', async () => {
      const opp = fake.opportunitiesOf(contactN(10))[0];
      fake.failNext(1, 500);
      const mark = since();
      await rejectsWith(c.addApplicationResultLink(ctxOf(), appRef(opp), link()), 'REMOTE.SERVICE_UNAVAILABLE');
      assert.equal(requestsSince(mark).length, 1);
    });

    test("the connector stays within Lever's burst allowance", () => {
      assert.ok(fake.peakRate() <= 20, `peak ${fake.peakRate()}`);
    });

    test('a candidate deleted upstream no longer appears in reads', async () => {
      const contact = contactN(24);
      const opps = fake.opportunitiesOf(contact);
      fake.deleteCandidate(contact);
      const cands = await collect(c.readCandidates(ctxOf(), {}));
      assert.ok(!cands.some((x) => x.remote_id === contact));
      const apps = await collect(c.readApplications(ctxOf(), {}));
      assert.ok(!apps.some((a) => opps.includes(a.remote_id)));
      assert.equal(await c.readCandidate(ctxOf(), contact), null);
    });
  });

  describe('tags', () => {
    test("a tag goes on every opportunity of the person, in the account's spelling, with a warning when there are several", async () => {
      const contact = fake.contacts().find((x) => fake.opportunitiesOf(x.id).length >= 2)!.id;
      const opps = fake.opportunitiesOf(contact);
      const out = await connector.addCandidateTag(ctxOf(), await candidateRef(contact), { name: 'referral', remote_fields: {} });
      for (const id of opps)
        assert.ok(
          fake
            .opportunities()
            .find((o) => o.id === id)!
            .tags.includes('Referral'),
          `on ${id}, as "Referral"`,
        );
      assert.ok(!fake.tagsFor(contact).includes('referral'), 'no second spelling');
      assert.equal(out.tag?.name, 'Referral');
      assert.match(out.warnings[0], new RegExp(`each of the candidate's ${opps.length} opportunities`));
    });

    test('removal sends the exact spelling each opportunity carries; an absent tag is a warning and no call', async () => {
      const contact = fake.contacts().find((x) => fake.opportunitiesOf(x.id).length >= 2)!.id;
      const ref = await candidateRef(contact);
      const out = await connector.removeCandidateTag(ctxOf(), ref, { name: 'REFERRAL', remote_fields: {} });
      assert.deepEqual(out.warnings, []);
      assert.ok(!fake.tagsFor(contact).includes('Referral'));
      const removals = fake.server.calls('POST', /\/removeTags$/);
      assert.deepEqual(removals.at(-1)!.json, { tags: ['Referral'] });
      const before = removals.length;
      const again = await connector.removeCandidateTag(ctxOf(), ref, { name: 'Referral', remote_fields: {} });
      assert.match(again.warnings[0], /nothing was removed/);
      assert.equal(fake.server.calls('POST', /\/removeTags$/).length, before);
    });
  });
});

describe('Lever 429 with a Retry-After header', () => {
  let fake: LeverFake;
  before(async () => {
    fake = await startLeverFake({ retryAfterSeconds: 1 });
  });
  after(() => fake.stop());

  test('the client waits as long as Retry-After says, then succeeds', async () => {
    fake.failNext(1, 429);
    const { ctx } = connectorContext(connector as any, fake.credentials, fake.url);
    const started = Date.now();
    const jobs = await collect(connector.readJobs(ctx, {}));
    assert.equal(jobs.length, fake.jobRemoteIds().length);
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  });
});

// Its own fake: these requests bypass the connector's rate limiter, so they must not count
// against the burst allowance measured above.
describe("Lever fake: Lever's documented traps and the provenance table", () => {
  let fake: LeverFake;
  before(async () => {
    fake = await startLeverFake();
  });
  after(() => fake.stop());
  const call = (method: string, path: string) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${fake.credentials.api_key}:`).toString('base64')}` },
    });

  test('postings: updated_at_start with any filter but confidentiality → 400; published internal-only postings need distributionChannel', async () => {
    const ids = async (path: string) => ((await (await call('GET', path)).json()) as { data: { id: string }[] }).data.map((p) => p.id);
    assert.equal((await call('GET', '/postings?updated_at_start=1&state=published')).status, 400);
    assert.equal((await call('GET', '/postings?updated_at_start=1&distributionChannel=internal')).status, 400);
    assert.equal((await call('GET', '/postings?updated_at_start=1&confidentiality=all')).status, 200);
    assert.ok(!(await ids('/postings?state=published')).includes(fake.postingIds[3]));
    assert.ok((await ids('/postings?state=published&distributionChannel=internal')).includes(fake.postingIds[3]));
    assert.ok(!(await ids('/postings')).includes(fake.postingIds[4]), 'confidential postings only on request');
  });

  test('a call with no row in the provenance table is refused (501)', async () => {
    try {
      assert.equal((await call('GET', '/requisitions')).status, 501);
      assert.deepEqual(fake.server.undocumented, ['GET /v1/requisitions']);
    } finally {
      fake.server.undocumented.length = 0; // provoked on purpose
    }
  });
});
