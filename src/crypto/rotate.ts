/**
 * Rotating the encryption key (`atsgate secrets rotate --new-secret <64 hex>`): every
 * integration's sealed credentials are opened with the current key and sealed again with the
 * new one, in ONE transaction — either every row moves to the new key or none does, so a
 * failure half-way never leaves a database readable by neither key. Values already sealed
 * with the new key are left alone, so an interrupted rotation can simply be run again.
 *
 * What else the key protects, and what rotation means for it:
 *  - vendor webhook endpoints (URL token, signing secrets) and OAuth sign-ins in progress on
 *    connect pages are re-sealed in the same transaction;
 *  - signed file URLs and dashboard sessions use keys derived from it: links handed out before
 *    the rotation stop verifying (they expire within the hour anyway; sessions log in again);
 *  - the embedded default keeps the key in <data dir>/secret.key, which is replaced (the old
 *    file is kept as secret.key.old until the operator deletes it); with ATSGATE_SECRET the
 *    operator must update the variable before the next start.
 */
import { lockSealedOAuthStates, replaceSealedOAuthState } from '../store/oauth-states.ts';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lockedAccountWebhookSecrets, replaceAccountWebhookSecret } from '../store/webhooks.ts';
import { join } from 'node:path';
import type { Db } from '../store/db.ts';
import { SecretBox } from './secretbox.ts';
import { lockAllSealedCredentials, replaceSealedCredentials } from '../store/integrations.ts';
import { lockSealedOutboxContent, replaceSealedOutboxContent } from '../store/outbox.ts';
import { lockSealedVendorWebhookEndpoints, replaceSealedVendorWebhookEndpoint } from '../store/vendor-webhooks.ts';

export interface RotationResult {
  /** Integrations whose credentials were re-sealed with the new key. */
  resealed: number;
  /** Integrations already sealed with the new key (a re-run after an interruption). */
  alreadyCurrent: number;
  oldKeyId: string;
  newKeyId: string;
}

export class RotationError extends Error {}

/** The key id a sealed value names (`v1:<key id>:...`). */
export function sealedKeyId(sealed: string): string | null {
  const [v, keyId] = sealed.split(':');
  return v === 'v1' && keyId ? keyId : null;
}

export function parseNewSecret(secret: string): SecretBox {
  if (!/^[0-9a-fA-F]{64}$/.test(secret))
    throw new RotationError('--new-secret must be 64 hex characters (32 bytes); generate one with: openssl rand -hex 32');
  return SecretBox.fromString(secret);
}

export async function rotateCredentials(db: Db, oldBox: SecretBox, newBox: SecretBox): Promise<RotationResult> {
  if (oldBox.keyId === newBox.keyId) throw new RotationError('The new secret is the current one; nothing to rotate.');
  return db.tx(async (q) => {
    // FOR UPDATE: a connect or re-link running now waits for the rotation instead of writing
    // a value sealed with the old key after we passed its row.
    const rows = await lockAllSealedCredentials(q);
    let resealed = 0;
    let alreadyCurrent = 0;
    for (const row of rows) {
      const keyId = sealedKeyId(row.credentials_sealed);
      if (keyId === newBox.keyId) {
        alreadyCurrent++;
        continue;
      }
      if (keyId !== oldBox.keyId) {
        throw new RotationError(
          `Integration ${row.id} is sealed with key ${keyId ?? '(unreadable)'}, which is neither the current key (${oldBox.keyId}) nor the new one; nothing was changed.`,
        );
      }
      let plaintext: string;
      try {
        plaintext = oldBox.open(row.credentials_sealed);
      } catch {
        throw new RotationError(
          `The credentials of integration ${row.id} do not decrypt with the current key (corrupted?); nothing was changed.`,
        );
      }
      await replaceSealedCredentials(q, row.id, newBox.seal(plaintext));
      resealed++;
    }
    // Attachment bytes of asynchronous writes still waiting for delivery are sealed too.
    for (const row of await lockSealedOutboxContent(q)) {
      const sealed = Buffer.from(row.content);
      if (sealed.subarray(2, 10).toString('ascii') === newBox.keyId) continue;
      await replaceSealedOutboxContent(q, row.id, newBox.sealBytes(oldBox.openBytes(sealed)));
    }
    // So are the secrets of accounts' own webhook receivers.
    for (const row of await lockedAccountWebhookSecrets(q)) {
      if (sealedKeyId(row.secret_sealed) === newBox.keyId) continue;
      await replaceAccountWebhookSecret(q, row.account_id, newBox.seal(oldBox.open(row.secret_sealed)));
    }
    // Vendor webhook endpoints: their URL token and signing secrets (src/webhooks/vendor/).
    for (const row of await lockSealedVendorWebhookEndpoints(q)) {
      if (sealedKeyId(row.sealed) === newBox.keyId) continue;
      await replaceSealedVendorWebhookEndpoint(q, row.id, newBox.seal(oldBox.open(row.sealed)));
    }
    // OAuth sign-ins in progress on connect pages (src/connect/oauth.ts): their link token and typed fields.
    for (const row of await lockSealedOAuthStates(q)) {
      if (sealedKeyId(row.sealed) === newBox.keyId) continue;
      await replaceSealedOAuthState(q, row.state_hash, newBox.seal(oldBox.open(row.sealed)));
    }
    return { resealed, alreadyCurrent, oldKeyId: oldBox.keyId, newKeyId: newBox.keyId };
  });
}

/**
 * For the embedded default, in two steps around the database transaction: stage the new key
 * as secret.key.new BEFORE rotating (so a crash right after the commit still leaves the new
 * key on disk), then swap it in after the commit, keeping the old one as secret.key.old.
 */
export function stageKeyFile(dataDir: string, newSecretHex: string): string {
  const staged = join(dataDir, 'secret.key.new');
  writeFileSync(staged, newSecretHex.toLowerCase() + '\n', { mode: 0o600 });
  return staged;
}

export function commitKeyFile(dataDir: string): { file: string; backup: string } {
  const file = join(dataDir, 'secret.key');
  const backup = join(dataDir, 'secret.key.old');
  if (existsSync(file)) renameSync(file, backup);
  renameSync(join(dataDir, 'secret.key.new'), file);
  return { file, backup };
}

export function discardStagedKeyFile(dataDir: string): void {
  rmSync(join(dataDir, 'secret.key.new'), { force: true });
}
