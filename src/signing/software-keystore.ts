// The embedded keystore: P-256 keys made with the CSPRNG, sealed under the key-encryption
// key (crypto/sealed-box.ts) with the key's id as additional data, so a sealed key cannot
// be moved to another row. A key is opened in memory only to sign, and kept opened for a
// while so a busy signer does not decrypt on every signature.
import { generateKeyPairSync, randomUUID, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import type { Db, Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { Clock } from '../clock.ts';
import type { KeyPurpose, KeyRow, KeyStore, StoredKey } from './keystore.ts';
import { ecdsaSignatureDer } from './der.ts';

const OPENED_KEYS = 1000;

interface OpenedKey {
  key: KeyObject;
  scalar: Uint8Array;
}

export function sealContext(keyId: string): string {
  return `signing-key:${keyId}`;
}

export function createSoftwareKeyStore(deps: { db: Db; box: SealedBox; clock: Clock }): KeyStore {
  // Opened keys, oldest first (a Map keeps insertion order): the scalar for signing a
  // digest (noble), the KeyObject for signing data (OpenSSL, many times faster).
  const opened = new Map<string, OpenedKey>();

  function remember(keyId: string, key: KeyObject): OpenedKey {
    const entry = { key, scalar: Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url') };
    opened.set(keyId, entry);
    if (opened.size > OPENED_KEYS) opened.delete(opened.keys().next().value!);
    return entry;
  }

  async function openKey(keyId: string, via: Queryable): Promise<OpenedKey> {
    const cached = opened.get(keyId);
    if (cached) return cached;
    const { rows } = await via.query<KeyRow>(`SELECT id, store, sealed, pkcs11_id FROM signing_keys WHERE id = $1`, [keyId]);
    const row = rows[0];
    if (!row || row.store !== 'software') throw new Error(`no software signing key ${keyId}`);
    const pkcs8 = deps.box.open(toBuffer(row.sealed), sealContext(keyId));
    return remember(keyId, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  }

  return {
    kind: 'software',
    async generateKey(tx: Queryable, purpose: KeyPurpose): Promise<StoredKey> {
      const id = randomUUID();
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const sealed = deps.box.seal(privateKey.export({ format: 'der', type: 'pkcs8' }), sealContext(id));
      await tx.query(
        `INSERT INTO signing_keys (id, store, purpose, public_key, sealed, kek_id, created_at) VALUES ($1, 'software', $2, $3, $4, $5, $6)`,
        [id, purpose, spki, sealed, deps.box.kekId, deps.clock.now()],
      );
      remember(id, privateKey);
      return { id, publicKey: spki };
    },
    async signDigest(keyId: string, digest: Uint8Array, via?: Queryable): Promise<Buffer> {
      // The digest is signed as given (no second hash), as PKCS#11 CKM_ECDSA does.
      const raw = p256.sign(digest, (await openKey(keyId, via ?? deps.db)).scalar, { prehash: false });
      return ecdsaSignatureDer(raw);
    },
    async signData(keyId: string, data: Uint8Array, via?: Queryable): Promise<Buffer> {
      return sign('sha256', data, (await openKey(keyId, via ?? deps.db)).key);
    },
    close() {
      opened.clear();
    },
  };
}
