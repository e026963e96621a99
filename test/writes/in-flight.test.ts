/** The per-integration cap on synchronous writes in flight (src/writes/in-flight.ts), held per Runtime. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlightWrites, MAX_IN_FLIGHT } from '../../src/writes/in-flight.ts';

test('the cap counts per integration, frees a slot on leave, and is not shared between two counters', () => {
  assert.equal(MAX_IN_FLIGHT, 30, "Kombo's documented cap");
  const a = new InFlightWrites(2);
  const b = new InFlightWrites(2);
  assert.equal(a.tryEnter('x'), true);
  assert.equal(a.tryEnter('x'), true);
  assert.equal(a.tryEnter('x'), false, 'the third write in flight is refused');
  assert.equal(a.tryEnter('y'), true, 'another integration has its own slots');
  assert.equal(b.tryEnter('x'), true, 'another runtime (server) has its own counts');
  a.leave('x');
  assert.equal(a.tryEnter('x'), true, 'a finished write frees its slot');
  assert.equal(a.tryEnter('x'), false);
  a.leave('y');
  a.leave('y'); // an extra leave never goes below zero
  assert.equal(a.tryEnter('y'), true);
  assert.equal(a.tryEnter('y'), true);
  assert.equal(a.tryEnter('y'), false);
});
