// Passkeys (WebAuthn) through @simplewebauthn/server: registration and authentication
// with user verification required, challenges stored for one use on any node, and the
// counter and backup flags kept. Nothing is stored from a failed ceremony.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Db, Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import type { Clock } from '../clock.ts';

export interface PasskeyDeps {
  db: Db;
  clock: Clock;
  // The relying party is Hawiya itself: its host and origin come from the issuer.
  rpId: string;
  origin: string;
  rpName: string;
}

export interface Passkey {
  id: string;
  credentialId: string;
  name: string;
  backupEligible: boolean;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export class PasskeyError extends Error {
  override name = 'PasskeyError';
}

const CHALLENGE_SECONDS = 300;

interface PasskeyRow {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: unknown;
  counter: string | number;
  transports: string[];
  backup_eligible: boolean;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  [column: string]: unknown;
}

const toPasskey = (row: PasskeyRow): Passkey => ({
  id: row.id, credentialId: row.credential_id, name: row.name, backupEligible: row.backup_eligible,
  backedUp: row.backed_up, createdAt: row.created_at, lastUsedAt: row.last_used_at,
});

export async function listPasskeys(db: Db, accountId: string): Promise<Passkey[]> {
  const { rows } = await db.query<PasskeyRow>('SELECT * FROM passkeys WHERE account_id = $1 ORDER BY created_at', [accountId]);
  return rows.map(toPasskey);
}

async function storeChallenge(deps: PasskeyDeps, challenge: string, purpose: 'register' | 'authenticate', accountId: string | null): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  await deps.db.query(
    'INSERT INTO webauthn_challenges (id, challenge, purpose, account_id, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [id, challenge, purpose, accountId, new Date(deps.clock.now().getTime() + CHALLENGE_SECONDS * 1000)],
  );
  return id;
}

// Single use: the challenge is deleted as it is read, so a replayed response fails.
async function takeChallenge(deps: PasskeyDeps, id: string, purpose: 'register' | 'authenticate'): Promise<{ challenge: string; accountId: string | null }> {
  const { rows } = await deps.db.query<{ challenge: string; account_id: string | null }>(
    'DELETE FROM webauthn_challenges WHERE id = $1 AND purpose = $2 AND expires_at > $3 RETURNING challenge, account_id',
    [id, purpose, deps.clock.now()],
  );
  if (!rows[0]) throw new PasskeyError('the challenge is unknown, used or expired');
  return { challenge: rows[0].challenge, accountId: rows[0].account_id };
}

// The WebAuthn user handle: the account id's 16 bytes.
export function webauthnUserId(accountId: string): Buffer<ArrayBuffer> {
  return Buffer.from(accountId.replaceAll('-', ''), 'hex');
}

export async function registrationOptions(deps: PasskeyDeps, account: { id: string; username: string; displayName: string }): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const existing = await deps.db.query<{ credential_id: string; transports: string[] }>('SELECT credential_id, transports FROM passkeys WHERE account_id = $1', [account.id]);
  const options = await generateRegistrationOptions({
    rpName: deps.rpName,
    rpID: deps.rpId,
    userName: account.username,
    userDisplayName: account.displayName,
    userID: webauthnUserId(account.id),
    attestationType: 'none',
    excludeCredentials: existing.rows.map((row) => ({ id: row.credential_id, transports: row.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  return { challengeId: await storeChallenge(deps, options.challenge, 'register', account.id), options };
}

// Verifies, then stores the passkey in one transaction with whatever `alsoInTransaction`
// writes (the audit record). On PGlite a query outside an open transaction waits for it,
// so everything after the verification goes through the transaction's own handle.
export async function registerPasskey(
  deps: PasskeyDeps,
  input: { accountId: string; challengeId: string; response: RegistrationResponseJSON; name: string },
  alsoInTransaction: (tx: Queryable, passkey: Passkey) => Promise<unknown> = async () => {},
): Promise<Passkey> {
  const { challenge, accountId } = await takeChallenge(deps, input.challengeId, 'register');
  if (accountId !== input.accountId) throw new PasskeyError('the challenge belongs to another account');
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response, expectedChallenge: challenge, expectedOrigin: deps.origin, expectedRPID: deps.rpId, requireUserVerification: true,
    });
  } catch (err) {
    throw new PasskeyError(`the passkey could not be verified: ${(err as Error).message}`);
  }
  if (!verification.verified) throw new PasskeyError('the passkey could not be verified');
  const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
  const now = deps.clock.now();
  const passkey: Passkey = {
    id: randomUUID(), credentialId: credential.id, name: input.name, backupEligible: credentialDeviceType === 'multiDevice',
    backedUp: credentialBackedUp, createdAt: now, lastUsedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    await storePasskey(tx, input.accountId, passkey, { publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? [], aaguid });
    await alsoInTransaction(tx, passkey);
  });
  return passkey;
}

// A verified passkey's row: its public key as COSE, as the authenticator gave it.
export async function storePasskey(
  tx: Queryable,
  accountId: string,
  passkey: Passkey,
  key: { publicKey: Uint8Array; counter: number; transports: readonly string[]; aaguid: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO passkeys (id, account_id, credential_id, public_key, counter, transports, backup_eligible, backed_up, aaguid, name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [passkey.id, accountId, passkey.credentialId, Buffer.from(key.publicKey), key.counter, key.transports,
      passkey.backupEligible, passkey.backedUp, key.aaguid, passkey.name, passkey.createdAt],
  );
}

// Discoverable credentials: no username needed, so the same options serve autofill.
export async function authenticationOptions(deps: PasskeyDeps, accountId: string | null): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const allow = accountId ? (await deps.db.query<{ credential_id: string; transports: string[] }>('SELECT credential_id, transports FROM passkeys WHERE account_id = $1', [accountId])).rows : [];
  const options = await generateAuthenticationOptions({
    rpID: deps.rpId,
    userVerification: 'required',
    allowCredentials: allow.map((row) => ({ id: row.credential_id, transports: row.transports as AuthenticatorTransportFuture[] })),
  });
  return { challengeId: await storeChallenge(deps, options.challenge, 'authenticate', accountId), options };
}

export interface PasskeyAssertion {
  accountId: string;
  passkey: Passkey;
  userVerified: boolean;
}

export async function authenticateWithPasskey(deps: PasskeyDeps, input: { challengeId: string; response: AuthenticationResponseJSON }): Promise<PasskeyAssertion> {
  const { challenge, accountId } = await takeChallenge(deps, input.challengeId, 'authenticate');
  const { rows } = await deps.db.query<PasskeyRow>('SELECT * FROM passkeys WHERE credential_id = $1', [input.response.id]);
  const row = rows[0];
  // A step-up asks for this account's passkey; another account's is refused.
  if (!row || (accountId !== null && row.account_id !== accountId)) throw new PasskeyError('this passkey is not registered');
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: input.response, expectedChallenge: challenge, expectedOrigin: deps.origin, expectedRPID: deps.rpId, requireUserVerification: true,
      credential: { id: row.credential_id, publicKey: new Uint8Array(toBuffer(row.public_key)), counter: Number(row.counter), transports: row.transports as AuthenticatorTransportFuture[] },
    });
  } catch (err) {
    throw new PasskeyError(`the passkey could not be verified: ${(err as Error).message}`);
  }
  if (!verification.verified) throw new PasskeyError('the passkey could not be verified');
  const info = verification.authenticationInfo;
  // WebAuthn §6.1.3: backup eligibility is fixed when a credential is made. A change
  // means the authenticator is not the one registered, and our levels rest on it.
  if ((info.credentialDeviceType === 'multiDevice') !== row.backup_eligible) throw new PasskeyError('the passkey\'s backup eligibility changed');
  // A counter that does not grow (when the authenticator keeps one) means a cloned key:
  // simplewebauthn refuses it above; here the new value and flags are kept.
  await deps.db.query(
    'UPDATE passkeys SET counter = $2, backed_up = $3, last_used_at = $4 WHERE id = $1',
    [row.id, info.newCounter, info.credentialBackedUp, deps.clock.now()],
  );
  return {
    accountId: row.account_id,
    passkey: { ...toPasskey(row), backedUp: info.credentialBackedUp },
    userVerified: info.userVerified,
  };
}

export async function renamePasskey(tx: Queryable, accountId: string, id: string, name: string): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE passkeys SET name = $3 WHERE id = $1 AND account_id = $2', [id, accountId, name]);
  return rowCount > 0;
}

export async function removePasskey(tx: Queryable, accountId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM passkeys WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rowCount > 0;
}
