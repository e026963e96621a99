/**
 * What each ATS makes of a stage move or a rejection, at the connector (the fakes hold what
 * arrived): the acting user, vendor options passed through, a note the ATS cannot keep with the
 * rejection written elsewhere with a warning, and the vendors' documented refusals.
 * The cross-connector behaviour through the SDK is test/connectors/e2e.stage-reject.sdk.test.ts.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyConnector, ApplicationRef, RemoteRejectionReason, RemoteStage } from '../../src/connectors/types.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { rejectsWithCode } from '../support/assertions.ts';
import { RECRUITER, startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { startLeverFake, type LeverFake } from '../fakes/lever.ts';
import { startWorkableFake, type WorkableFake } from '../fakes/workable.ts';
import { startRecruiteeFake, type RecruiteeFake } from '../fakes/recruitee.ts';
import { startAshbyFake, type AshbyFake } from '../fakes/ashby.ts';
import { startBambooHrFake, type BambooHrFake } from '../fakes/bamboohr.ts';
import type { VendorFake } from '../fakes/types.ts';

/** The connector, a context on the fake, and the pending applications with their jobs' stages, as a sync reads them. */
async function setUp(tool: string, fake: VendorFake) {
  const connector = getConnector(tool) as AnyConnector;
  const { ctx } = connectorContext(connector, fake.credentials, fake.url);
  const jobs = await collect(connector.readJobs(ctx, {}));
  const apps = (await collect(connector.readApplications(ctx, {}))).filter((a) => a.outcome === 'PENDING');
  const reasons = connector.readRejectionReasons ? await collect(connector.readRejectionReasons(ctx, {})) : [];
  const ref = (a: (typeof apps)[number]): ApplicationRef => ({
    remote_id: a.remote_id,
    candidate_remote_id: a.candidate_remote_id,
    job_remote_id: a.job_remote_id ?? null,
    outcome: 'PENDING',
  });
  /** A pending application and another stage of its job, chosen by `ok`. */
  const pick = (ok: (s: RemoteStage) => boolean, skip = 0) => {
    const found = apps
      .map((a) => {
        const stage = jobs
          .find((j) => j.remote_id === a.job_remote_id)
          ?.stages?.find((s) => s.remote_id !== a.current_stage?.remote_id && ok(s));
        return stage ? { app: ref(a), stage } : null;
      })
      .filter((x) => x !== null);
    assert.ok(found.length > skip, `${tool}: a pending application with a suitable stage`);
    return found[skip]!;
  };
  return { connector, ctx, reasons, pick };
}

const plain = (s: RemoteStage) => !/hire|archiv|offer/i.test(s.name ?? '');
const NOTE = 'Thanks for your time; we are moving forward with other candidates.';

describe('Greenhouse: as the acting user, rejection options passed through, Greenhouse refusals', () => {
  let fake: GreenhouseFake;
  before(async () => (fake = await startGreenhouseFake({ pageSize: 50 })));
  after(() => fake?.stop());

  test('move and reject go as the On-Behalf-Of user; notes and rejection_email reach the reject call', async () => {
    const { connector, ctx, reasons, pick } = await setUp('greenhouse', fake);
    const { app, stage } = pick(plain);
    const asRecruiter = { greenhouse: { on_behalf_of: String(RECRUITER) } };
    await connector.moveApplicationToStage(ctx, app, { stage, remote_fields: asRecruiter });
    const move = fake.statusChanges.at(-1)!;
    assert.equal(move.kind, 'move');
    assert.equal(move.token_sub, String(RECRUITER));
    assert.equal(fake.applicationStatus(app.remote_id)?.stage, stage.remote_id);
    const email = { email_template_id: 77, send_email_at: '2026-12-10T09:00:00Z' };
    const res = await connector.rejectApplication(ctx, app, {
      reason: reasons[0],
      note: NOTE,
      remote_fields: { ...asRecruiter, greenhouse: { ...asRecruiter.greenhouse, rejection_email: email } },
    });
    assert.deepEqual(res.warnings, [], 'Greenhouse keeps the note with the rejection');
    const reject = fake.statusChanges.at(-1)!;
    assert.equal(reject.token_sub, String(RECRUITER));
    assert.deepEqual(reject.body, { rejection_reason_id: Number(reasons[0].remote_id), notes: NOTE, rejection_email: email });
    // Greenhouse moves only active applications, and refuses a second rejection.
    await rejectsWithCode(
      connector.moveApplicationToStage(ctx, { ...app, outcome: 'DECLINED' }, { stage, remote_fields: {} }),
      'PLATFORM.INPUT_INVALID',
      'unreject',
    );
    const again = await rejectsWithCode(
      connector.rejectApplication(ctx, app, { reason: reasons[0], note: null, remote_fields: {} }),
      'REMOTE.INPUT_INVALID',
    );
    assert.match(again.message, /already rejected/);
  });
});

describe('Lever: stage and archive as perform_as; the note becomes an opportunity note', () => {
  let fake: LeverFake;
  before(async () => (fake = await startLeverFake({ pageSize: 50 })));
  after(() => fake?.stop());

  test('the rejection note is written after the archive, with a warning; hired archive reasons are not rejection reasons', async () => {
    const { connector, ctx, reasons, pick } = await setUp('lever', fake);
    assert.ok(reasons.length > 0 && reasons.every((r) => !/^hired$/i.test(r.name ?? '')), 'non-hired reasons only');
    const { app, stage } = pick(plain);
    const user = (fake.credentials as { perform_as: string }).perform_as;
    await connector.moveApplicationToStage(ctx, app, { stage, remote_fields: { lever: { perform_as: user } } });
    assert.equal(fake.statusChanges.at(-1)!.user, user);
    const res = await connector.rejectApplication(ctx, app, { reason: reasons[0], note: NOTE, remote_fields: {} });
    assert.equal(fake.statusChanges.at(-1)!.kind, 'archived');
    assert.ok(fake.notesOf(app.remote_id).some((n) => n.value === NOTE));
    assert.ok(
      res.warnings.some((w) => /archive takes no note/.test(w)),
      JSON.stringify(res.warnings),
    );
  });
});

describe('Workable: disqualify note up to 256 characters, longer ones as a comment', () => {
  let fake: WorkableFake;
  before(async () => (fake = await startWorkableFake({ pageSize: 50 })));
  after(() => fake?.stop());

  test('a short note travels with the disqualification; a long one is a comment with a warning', async () => {
    const { connector, ctx, reasons, pick } = await setUp('workable', fake);
    const withdrew = reasons.find((r) => (r.remote_data?.['/disqualification_reasons'] as any)?.candidate_withdrew)!;
    const first = pick(plain, 0).app;
    const short = await connector.rejectApplication(ctx, first, { reason: withdrew, note: NOTE, remote_fields: {} });
    assert.deepEqual(short.warnings, []);
    assert.ok(!fake.comments(first.remote_id).some((c) => c.body === NOTE), 'not as a comment');
    assert.ok(fake.resultTextFor(first.remote_id).includes(NOTE), 'as the disqualify note');
    const second = pick(plain, 1).app;
    const long = 'Detailed feedback. '.repeat(20);
    const res = await connector.rejectApplication(ctx, second, { reason: reasons[0], note: long, remote_fields: {} });
    assert.ok(
      fake.comments(second.remote_id).some((c) => c.body === long),
      'the long note is a comment',
    );
    assert.ok(
      res.warnings.some((w) => /256 characters/.test(w)),
      JSON.stringify(res.warnings),
    );
    assert.equal(fake.applicationStatus(second.remote_id)?.reason, reasons[0].remote_id);
  });
});

describe('Recruitee: the placement body shape Recruitee takes, whichever it is', () => {
  for (const placementBody of ['nested', 'flat'] as const) {
    test(`${placementBody} bodies`, async () => {
      const fake: RecruiteeFake = await startRecruiteeFake({ placementBody });
      try {
        const { connector, ctx, reasons, pick } = await setUp('recruitee', fake);
        const { app, stage } = pick(plain);
        await connector.moveApplicationToStage(ctx, app, { stage, remote_fields: {} });
        assert.equal(fake.applicationStatus(app.remote_id)?.stage, stage.remote_id);
        const res = await connector.rejectApplication(ctx, app, { reason: reasons[0], note: NOTE, remote_fields: {} });
        assert.equal(fake.applicationStatus(app.remote_id)?.reason, reasons[0].remote_id);
        assert.ok(res.warnings.some((w) => /takes no note/.test(w)));
        // Moving a disqualified placement requalifies it: the move says so.
        const moved = await connector.moveApplicationToStage(ctx, { ...app, outcome: 'DECLINED' }, { stage, remote_fields: {} });
        assert.ok(moved.warnings.some((w) => /requalifies/.test(w)));
        assert.equal(fake.applicationStatus(app.remote_id)?.rejected, false);
      } finally {
        await fake.stop();
      }
    });
  }
});

describe('Ashby: archiving goes through the Archived stage; a plain move there is refused by Ashby', () => {
  let fake: AshbyFake;
  before(async () => (fake = await startAshbyFake({ pageSize: 50 })));
  after(() => fake?.stop());

  test('a move to the Archived stage without a reason is Ashby’s invalid_input; reject archives with the reason', async () => {
    const { connector, ctx, reasons, pick } = await setUp('ashby', fake);
    const { app, stage: archived } = pick((s) => s.name === 'Archived');
    await rejectsWithCode(
      connector.moveApplicationToStage(ctx, app, { stage: archived, remote_fields: {} }),
      'REMOTE.INPUT_INVALID',
      'Archive reason',
    );
    const res = await connector.rejectApplication(ctx, app, { reason: reasons[0] as RemoteRejectionReason, note: NOTE, remote_fields: {} });
    assert.deepEqual(fake.applicationStatus(app.remote_id), { stage: archived.remote_id, rejected: true, reason: reasons[0].remote_id });
    assert.ok(res.warnings.some((w) => /archive takes no note/.test(w)));
    assert.ok(fake.resultTextFor(app.candidate_remote_id).includes(NOTE));
  });
});

describe('BambooHR: the applicant status is the stage; no rejection action', () => {
  let fake: BambooHrFake;
  before(async () => (fake = await startBambooHrFake()));
  after(() => fake?.stop());

  test('jobs list the statuses as stages; an unknown status carries BambooHR’s header message; reject is not available', async () => {
    const { connector, ctx, reasons, pick } = await setUp('bamboohr', fake);
    assert.deepEqual(reasons, []);
    const { app, stage } = pick(() => true);
    await connector.moveApplicationToStage(ctx, app, { stage, remote_fields: {} });
    assert.equal(fake.applicationStatus(app.remote_id)?.stage, stage.remote_id);
    const err = await rejectsWithCode(
      connector.moveApplicationToStage(ctx, app, { stage: { remote_id: '999', name: 'Gone' }, remote_fields: {} }),
      'REMOTE.INPUT_INVALID',
    );
    assert.match(err.message, /Invalid status/);
    await rejectsWithCode(
      connector.rejectApplication(ctx, app, { reason: { remote_id: '1', name: 'x' }, note: null, remote_fields: {} }),
      'INTEGRATION.ACTION_NOT_AVAILABLE',
    );
  });
});
