/**
 * Record IDs are derived from (integration, remote id) and must never change: every ID a
 * customer stored would break. komboId's base58 conversion was rewritten for speed (no
 * BigInt); these pin it to the original BigInt arithmetic and to fixed values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { komboId, randomId, ID_PATTERN } from '../../src/ids.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The original implementation, kept here as the reference. */
function referenceId(integrationId: string, remoteId: string): string {
  const digest = createHash('sha256').update(integrationId).update('\0').update(remoteId).digest();
  let n = BigInt('0x' + digest.toString('hex'));
  let out = '';
  while (out.length < 24) {
    out += BASE58[Number(n % 58n)];
    n /= 58n;
  }
  return out;
}

test('komboId keeps the values IDs were issued with', () => {
  assert.equal(komboId('sandbox:demo', 'cand-1'), 'fNxpHexre85SGkU2FvFzTTdR');
  assert.equal(komboId('lever:acme', '000c0ac-0000-4000-8000-000000000001'), 'SJ9Ery4SaMVe3V56EuiWAqqF');
  assert.equal(komboId('greenhouse:x', 'Zoë 🚀'), 'D8kEZ3wyb2HkSdFwdB5hKTdF');
});

test('komboId equals the BigInt derivation on random and awkward remote ids (cached or not)', () => {
  const ids = ['', '0', '\0', 'a\0b', 'ü', '🚀'.repeat(40), 'x'.repeat(10_000)];
  for (let i = 0; i < 5000; i++) ids.push(randomBytes(1 + (i % 40)).toString(i % 2 ? 'hex' : 'latin1'));
  for (const r of ids) {
    const want = referenceId('lever:test', r);
    assert.equal(komboId('lever:test', r), want, JSON.stringify(r));
    assert.equal(komboId('lever:test', r), want, 'second call (from the cache)');
    assert.match(want, ID_PATTERN);
  }
  // Same remote id, other integration: another ID.
  assert.notEqual(komboId('lever:a', 'x'), komboId('lever:b', 'x'));
});

test("randomId has Kombo's shape", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = randomId();
    assert.match(id, ID_PATTERN);
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
  assert.equal(randomId(10).length, 10);
});
