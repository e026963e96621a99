/**
 * A session token has exactly one spelling: its signature is compared as text, so a spelling
 * that base64url-decodes to the same bytes (the last character's spare bits) is refused too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SessionSigner } from '../../src/dashboard/session.ts';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('a token is accepted as issued; every other last character is refused, even one that decodes to the same bytes', () => {
  const signer = new SessionSigner(randomBytes(32));
  const token = signer.issue('key1', 'acme', 'hash');
  assert.equal(signer.verify(token)?.accountId, 'acme');
  const last = token.at(-1)!;
  let sameBytes = 0;
  for (const c of BASE64URL) {
    if (c === last) continue;
    const other = token.slice(0, -1) + c;
    if (Buffer.from(other.split('.')[1], 'base64url').equals(Buffer.from(token.split('.')[1], 'base64url'))) sameBytes++;
    assert.equal(signer.verify(other), null, `last character ${last} → ${c}`);
  }
  assert.ok(sameBytes >= 1, 'some spellings decode to the same signature bytes (the case this guards)');
});
