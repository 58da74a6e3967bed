// Where the CA's and the citizens' private keys live. One interface, two stores:
//   software  the key is sealed under the key-encryption key in signing_keys (the embedded
//             default); it is opened in memory only to sign
//   pkcs11    the key is generated inside an HSM, sensitive and not extractable; only its
//             CKA_ID and public key are in signing_keys
// Every key is ECDSA P-256. Both stores sign a digest the caller computed, which is what
// the CSC signHash call and the PKCS#11 CKM_ECDSA mechanism take.
import type { Queryable } from '../db/db.ts';

export type KeyPurpose = 'root_ca' | 'issuing_ca' | 'citizen';

export interface StoredKey {
  id: string;
  // DER SubjectPublicKeyInfo.
  publicKey: Buffer;
}

export interface KeyStore {
  readonly kind: 'software' | 'pkcs11';
  // Makes a key pair and records it in signing_keys within the caller's transaction.
  generateKey(tx: Queryable, purpose: KeyPurpose): Promise<StoredKey>;
  // ECDSA over `digest`; the signature as DER (Ecdsa-Sig-Value). A caller inside a
  // transaction passes it, so a store that reads the key reads it there (PGlite serves
  // one transaction at a time, and a read beside it would wait for it).
  signDigest(keyId: string, digest: Uint8Array, via?: Queryable): Promise<Buffer>;
  // ECDSA with SHA-256 over `data` (certificates, CRLs, OCSP responses): the same
  // signature, by the fastest path the store has.
  signData(keyId: string, data: Uint8Array, via?: Queryable): Promise<Buffer>;
  close(): void;
}

export interface KeyRow {
  id: string;
  store: string;
  sealed: unknown;
  pkcs11_id: unknown;
  [column: string]: unknown;
}
