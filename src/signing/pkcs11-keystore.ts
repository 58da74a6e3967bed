// The HSM keystore, through PKCS#11 (pkcs11js). Keys are generated inside the token as
// token objects, CKA_SENSITIVE and not CKA_EXTRACTABLE: the private key never leaves it.
// signing_keys holds only the key's CKA_ID (the key id's 16 bytes) and its public key.
//
// PKCS#11 is initialised once per process and library, and a login is shared by every
// session of the process, so the module handle is shared and counted: the last store to
// close finalises it.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { KeyPurpose, KeyStore, StoredKey } from './keystore.ts';
import { ecdsaSignatureDer, objectIdentifier, p256SubjectPublicKeyInfo } from './der.ts';
import { OID } from './oids.ts';

export interface Pkcs11Settings {
  module: string;
  tokenLabel?: string | undefined;
  slot?: number | undefined;
  pinFile: string;
}

const modules = new Map<string, { library: pkcs11js.PKCS11; users: number }>();

function openModule(path: string): pkcs11js.PKCS11 {
  const shared = modules.get(path);
  if (shared) {
    shared.users++;
    return shared.library;
  }
  const library = new pkcs11js.PKCS11();
  library.load(path);
  library.C_Initialize();
  modules.set(path, { library, users: 1 });
  return library;
}

function releaseModule(path: string): void {
  const shared = modules.get(path);
  if (!shared || --shared.users > 0) return;
  modules.delete(path);
  shared.library.C_Finalize();
  shared.library.close();
}

const idBytes = (keyId: string) => Buffer.from(keyId.replaceAll('-', ''), 'hex');

function findSlot(library: pkcs11js.PKCS11, settings: Pkcs11Settings): Buffer {
  const slots = library.C_GetSlotList(true);
  if (settings.tokenLabel !== undefined) {
    const slot = slots.find((each) => library.C_GetTokenInfo(each).label.trim() === settings.tokenLabel);
    if (!slot) throw new Error(`PKCS#11: no token labelled "${settings.tokenLabel}" in ${settings.module}`);
    return slot;
  }
  const slot = slots[settings.slot ?? 0];
  if (!slot) throw new Error(`PKCS#11: no token in slot ${settings.slot ?? 0} of ${settings.module}`);
  return slot;
}

// CKA_EC_POINT is the point wrapped in a DER OCTET STRING (PKCS#11 v2.40 §2.3.3).
function unwrapPoint(value: Buffer): Buffer {
  if (value[0] === 0x04 && value.length === 67 && value[1] === 65) return value.subarray(2);
  return value;
}

export function createPkcs11KeyStore(settings: Pkcs11Settings, deps: { clock: Clock }): KeyStore {
  const pin = readFileSync(settings.pinFile, 'utf8').trim();
  const library = openModule(settings.module);
  let session: Buffer;
  try {
    session = library.C_OpenSession(findSlot(library, settings), pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    try {
      library.C_Login(session, pkcs11js.CKU_USER, pin);
    } catch (err) {
      // Another store of this process has logged in to the token already.
      if ((err as { code?: number }).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw err;
    }
  } catch (err) {
    releaseModule(settings.module);
    throw err;
  }
  const handles = new Map<string, Buffer>();

  function privateKeyOf(keyId: string): Buffer {
    const known = handles.get(keyId);
    if (known) return known;
    library.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: idBytes(keyId) },
    ]);
    const [handle] = library.C_FindObjects(session, 1);
    library.C_FindObjectsFinal(session);
    if (!handle) throw new Error(`PKCS#11: no private key with CKA_ID ${keyId} in the token`);
    handles.set(keyId, handle);
    return handle;
  }

  return {
    kind: 'pkcs11',
    async generateKey(tx: Queryable, purpose: KeyPurpose): Promise<StoredKey> {
      const id = randomUUID();
      const common = [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_ID, value: idBytes(id) },
        { type: pkcs11js.CKA_LABEL, value: `hawiya-${purpose}-${id}` },
      ];
      // A token object left by a transaction that then rolls back is never referenced,
      // and signs nothing.
      const pair = library.C_GenerateKeyPair(
        session,
        { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [...common, { type: pkcs11js.CKA_EC_PARAMS, value: objectIdentifier(OID.p256) }, { type: pkcs11js.CKA_VERIFY, value: true }],
        [...common, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: true }, { type: pkcs11js.CKA_EXTRACTABLE, value: false }, { type: pkcs11js.CKA_SIGN, value: true }],
      );
      const [point] = library.C_GetAttributeValue(session, pair.publicKey, [{ type: pkcs11js.CKA_EC_POINT }]);
      const spki = p256SubjectPublicKeyInfo(unwrapPoint(point!.value));
      await tx.query(
        `INSERT INTO signing_keys (id, store, purpose, public_key, pkcs11_id, created_at) VALUES ($1, 'pkcs11', $2, $3, $4, $5)`,
        [id, purpose, spki, idBytes(id), deps.clock.now()],
      );
      handles.set(id, pair.privateKey);
      return { id, publicKey: spki };
    },
    async signDigest(keyId: string, digest: Uint8Array): Promise<Buffer> {
      // Synchronous calls: one operation at a time on the session, as PKCS#11 requires.
      library.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, privateKeyOf(keyId));
      const raw = library.C_Sign(session, Buffer.from(digest), Buffer.alloc(64));
      return ecdsaSignatureDer(raw);
    },
    async signData(keyId: string, data: Uint8Array): Promise<Buffer> {
      return this.signDigest(keyId, createHash('sha256').update(data).digest());
    },
    close() {
      try {
        library.C_CloseSession(session);
      } finally {
        releaseModule(settings.module);
      }
    },
  };
}
