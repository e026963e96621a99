import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/crypto/secretbox.ts';

const box = new SecretBox(randomBytes(32));
const other = new SecretBox(randomBytes(32));

test('strings and JSON round-trip; the sealed form carries no plaintext and a fresh nonce each time', () => {
  const sealed = box.sealJson({ client_secret: 'hunter2-very-secret' });
  assert.ok(!sealed.includes('hunter2'));
  assert.notEqual(sealed, box.sealJson({ client_secret: 'hunter2-very-secret' }));
  assert.deepEqual(box.openJson(sealed), { client_secret: 'hunter2-very-secret' });
});

test('bytes round-trip; another key or a flipped bit is refused', () => {
  const data = randomBytes(5000);
  const sealed = box.sealBytes(data);
  assert.ok(!sealed.includes(data.subarray(0, 64)));
  assert.deepEqual(box.openBytes(sealed), data);
  assert.throws(() => other.openBytes(sealed), /another key/);
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1] ^= 1;
  assert.throws(() => box.openBytes(tampered));
  assert.throws(() => other.open(box.seal('x')), /another key/);
});

test('derived keys differ by purpose and from each other box', () => {
  assert.notDeepEqual(box.deriveKey('file-urls'), box.deriveKey('dashboard-sessions'));
  assert.notDeepEqual(box.deriveKey('file-urls'), other.deriveKey('file-urls'));
});
