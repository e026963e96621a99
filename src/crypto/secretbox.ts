/**
 * Credentials at rest: AES-256-GCM with a random 96-bit nonce per value. The stored form is
 * `v1:<key id>:<nonce>:<tag>:<ciphertext>` (base64url), so a key rotation can tell which key
 * sealed a value.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The encryption key must be 32 bytes.');
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  static fromString(secret: string): SecretBox {
    return new SecretBox(/^[0-9a-fA-F]{64}$/.test(secret) ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'base64'));
  }

  /** The embedded default: a key generated once into the data directory (mode 0600). */
  static fromDataDir(dataDir: string): SecretBox {
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    return SecretBox.fromString(readFileSync(file, 'utf8').trim());
  }

  /** A separate key for another purpose (URL signing), so one key never serves two uses. */
  deriveKey(label: string): Buffer {
    return createHmac('sha256', this.key).update(`atsgate:${label}`).digest();
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.keyId, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  open(sealed: string): string {
    const [v, keyId, nonce, tag, ct] = sealed.split(':');
    if (v !== 'v1' || !ct) throw new Error('Not a sealed value.');
    if (keyId !== this.keyId) throw new Error(`Sealed with another key (${keyId}); rotate credentials with the old key.`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * Binary form for file contents kept in the database until delivered (async writes):
   * "v1" + key id (8 bytes) + nonce (12) + tag (16) + ciphertext.
   */
  sealBytes(plain: Buffer): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from('v1' + this.keyId, 'ascii'), nonce, cipher.getAuthTag(), ct]);
  }

  openBytes(sealed: Buffer): Buffer {
    if (sealed.subarray(0, 2).toString('ascii') !== 'v1') throw new Error('Not sealed bytes.');
    const keyId = sealed.subarray(2, 10).toString('ascii');
    if (keyId !== this.keyId) throw new Error(`Sealed with another key (${keyId}).`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(10, 22));
    decipher.setAuthTag(sealed.subarray(22, 38));
    return Buffer.concat([decipher.update(sealed.subarray(38)), decipher.final()]);
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  openJson<T>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }
}
