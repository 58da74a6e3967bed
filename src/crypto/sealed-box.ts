// Secrets at rest (signing keys, cookie keys, client secrets, later TOTP secrets) are
// sealed with AES-256-GCM under one key-encryption key (KEK). The additional data names
// what is sealed, so a sealed value cannot be moved to another row and still open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedBox {
  readonly kekId: string;
  seal(plaintext: Buffer, context: string): Buffer;
  open(sealed: Buffer, context: string): Buffer;
}

export function createSealedBox(kek: Buffer): SealedBox {
  if (kek.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
  const kekId = createHash('sha256').update(kek).digest('hex').slice(0, 16);
  return {
    kekId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      if (sealed[0] !== VERSION) throw new Error('unknown sealed-box version');
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', kek, iv);
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    },
  };
}

function decodeKek(text: string, source: string): Buffer {
  const kek = Buffer.from(text.trim(), 'base64url');
  if (kek.length !== 32) throw new Error(`${source}: the key-encryption key must be 32 bytes, base64url-encoded`);
  return kek;
}

// The KEK comes from the environment when set (a secret store mounts it there), else from
// a file, which is created with fresh random bytes on first start.
export function loadKek(options: { value?: string | undefined; file: string }): Buffer {
  if (options.value) return decodeKek(options.value, 'HAWIYA_KEK');
  if (existsSync(options.file)) return decodeKek(readFileSync(options.file, 'utf8'), options.file);
  const kek = randomBytes(32);
  mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  writeFileSync(options.file, kek.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  return kek;
}
