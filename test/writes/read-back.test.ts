/**
 * The background re-read after writes (src/writes/read-back.ts): coalesced per candidate,
 * bounded in concurrency, drained on shutdown, errors contained.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBackQueue } from '../../src/writes/read-back.ts';

/** A read that waits until released, recording when it ran. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('ReadBackQueue', () => {
  test('a candidate queued several times before its read starts is read once', async () => {
    const q = new ReadBackQueue(1);
    const blocker = gate();
    const runs: string[] = [];
    q.schedule('other', async () => {
      runs.push('other');
      await blocker.opened;
    });
    for (let i = 0; i < 5; i++) q.schedule('cand-1', async () => void runs.push('cand-1'));
    assert.equal(q.size, 2);
    blocker.open();
    await q.drain();
    assert.deepEqual(runs, ['other', 'cand-1']);
    assert.equal(q.size, 0);
  });

  test('settled(key) resolves once the running read of that key ended, at once when none runs', async () => {
    const q = new ReadBackQueue(4);
    await q.settled('idle'); // nothing running: resolves at once
    const g = gate();
    const order: string[] = [];
    q.schedule('cand-1', async () => {
      await g.opened;
      order.push('read ended');
    });
    const waiting = q.settled('cand-1').then(() => order.push('settled'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [], 'still reading');
    g.open();
    await waiting;
    assert.deepEqual(order, ['read ended', 'settled']);
  });

  test('a write that arrives while its candidate is being read causes exactly one more read', async () => {
    const q = new ReadBackQueue(4);
    const first = gate();
    let reads = 0;
    const read = async () => {
      reads++;
      if (reads === 1) await first.opened;
    };
    q.schedule('cand-1', read);
    await new Promise((r) => setImmediate(r));
    // Three more writes while the first read is in flight: it may have missed them.
    q.schedule('cand-1', read);
    q.schedule('cand-1', read);
    q.schedule('cand-1', read);
    assert.equal(reads, 1, 'no second read of the same candidate while one runs');
    first.open();
    await q.drain();
    assert.equal(reads, 2);
  });

  test('never more reads at once than its concurrency, in the order they were queued', async () => {
    const q = new ReadBackQueue(3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    for (let i = 0; i < 20; i++) {
      q.schedule(`cand-${i}`, async () => {
        order.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
      });
    }
    await q.drain();
    assert.equal(peak, 3);
    assert.deepEqual(
      order,
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  test('a failing read is reported and does not stop the others', async () => {
    const errors: unknown[] = [];
    const q = new ReadBackQueue(2, (err) => errors.push(err));
    let ok = 0;
    q.schedule('bad', async () => {
      throw new Error('ATS down');
    });
    q.schedule('good-1', async () => void ok++);
    q.schedule('good-2', async () => void ok++);
    await q.drain();
    assert.equal(ok, 2);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /ATS down/);
  });

  test('drain() resolves at once when idle, and waits for every queued read otherwise', async () => {
    const q = new ReadBackQueue(1);
    await q.drain();
    let done = 0;
    for (let i = 0; i < 3; i++) q.schedule(`c${i}`, () => new Promise((r) => setTimeout(() => r(void done++), 5)));
    await q.drain();
    assert.equal(done, 3);
  });
});
