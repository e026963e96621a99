/**
 * A short soak in CI (SOAK_SECONDS, default 6 per database): concurrent writes across three
 * integrations whose ATS fakes inject 429s, 5xx, slow answers and dropped connections. Every
 * request gets a proper response (none lost), every failure carries an expected Kombo code
 * with its catalogued status, every success is in the ATS, nothing is written twice (with
 * Idempotency-Key the client retries failures with the same key), and memory stays flat.
 * bench/soak.ts runs the same engine for as long as you like.
 */
import '../support/fast-retries.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { runSoak, formatReport } from '../../bench/soak.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 6);

for (const kind of databaseKinds()) {
  describe(`soak on ${kind}`, () => {
    test(`${SECONDS} s of concurrent faulty writes: nothing lost, correct codes, no duplicates, flat memory`, async () => {
      const r = await runSoak({ kind, durationMs: SECONDS * 1000, concurrency: 12, integrations: 3, faultRate: 0.06 });
      console.log(formatReport(r));
      assert.ok(r.sent > 30, `a real load (${r.sent} requests)`);
      assert.ok(r.succeeded > 0 && r.failedWithCorrectCode > 0, 'both successes and injected failures happened');
      assert.ok(
        Object.values(r.faultsInjected).every((n) => n > 0),
        `every fault kind was injected: ${JSON.stringify(r.faultsInjected)}`,
      );
      assert.equal(r.lost, 0, `no request without a response: ${r.lostExamples.join('; ')}`);
      assert.equal(r.failedWithWrongCode, 0, `every failure has an expected code: ${r.wrongCodeExamples.join('; ')}`);
      assert.equal(r.sent, r.succeeded + r.failedWithCorrectCode + r.failedWithWrongCode + r.lost, 'every request accounted for');
      assert.equal(r.missingFromAts, 0, 'every success is in the ATS');
      assert.equal(r.duplicateWrites.withoutKey, 0, 'no duplicate writes');
      assert.ok(r.idempotencyKeys, 'Idempotency-Key is available (src/writes/idempotency.ts)');
      assert.equal(r.duplicateWrites.withKey, 0, 'no duplicate writes for requests with an Idempotency-Key, despite client retries');
      // Generous: GC timing varies; a leak of the load's size would still show.
      assert.ok(
        r.memory.heapLastThirdMb <= r.memory.heapFirstThirdMb * 1.5 + 40,
        `heap flat: ${r.memory.heapFirstThirdMb} → ${r.memory.heapLastThirdMb} MB`,
      );
    });
  });
}
