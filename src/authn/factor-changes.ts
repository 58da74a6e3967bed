// A person's own changes to their sign-in factors, from the account pages. Each change
// and its audit record are one transaction; a change that finds nothing to change (a
// passkey already removed) records nothing.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { confirmTotpEnrolment, removeTotp, type TotpDeps } from './totp.ts';
import { registerPasskey, renamePasskey, removePasskey, type Passkey, type PasskeyDeps } from './passkeys.ts';
import { issueRecoveryCodes } from './recovery-codes.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

export interface ChangeContext {
  accountId: string;
  requestId: string;
}

async function audited<T>(db: Db, clock: Clock, change: ChangeContext, action: string, details: Record<string, unknown>, apply: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await apply(tx);
    if (result === false) return result;
    await appendAudit(tx, clock, { actor: `person:${change.accountId}`, action, subject: change.accountId, requestId: change.requestId, details });
    return result;
  });
}

// False, and nothing recorded, when the code does not match the pending secret.
export function confirmAuthenticatorApp(deps: TotpDeps, change: ChangeContext, code: string): Promise<boolean> {
  return audited(deps.db, deps.clock, change, 'factor.totp.added', {}, (tx) => confirmTotpEnrolment({ ...deps, db: tx }, change.accountId, code));
}

export function removeAuthenticatorApp(deps: { db: Db; clock: Clock }, change: ChangeContext): Promise<boolean> {
  return audited(deps.db, deps.clock, change, 'factor.totp.removed', {}, (tx) => removeTotp(tx, change.accountId));
}

export function addPasskey(deps: PasskeyDeps, change: ChangeContext, input: { challengeId: string; response: RegistrationResponseJSON; name: string }): Promise<Passkey> {
  return registerPasskey(deps, { accountId: change.accountId, ...input }, (tx, passkey) => appendAudit(tx, deps.clock, {
    actor: `person:${change.accountId}`, action: 'factor.passkey.added', subject: change.accountId, requestId: change.requestId,
    details: { passkeyId: passkey.id, name: passkey.name, backedUp: passkey.backedUp },
  }));
}

export function renamePasskeyOf(deps: { db: Db; clock: Clock }, change: ChangeContext, passkeyId: string, name: string): Promise<boolean> {
  return audited(deps.db, deps.clock, change, 'factor.passkey.renamed', { passkeyId, name }, (tx) => renamePasskey(tx, change.accountId, passkeyId, name));
}

export function removePasskeyOf(deps: { db: Db; clock: Clock }, change: ChangeContext, passkeyId: string): Promise<boolean> {
  return audited(deps.db, deps.clock, change, 'factor.passkey.removed', { passkeyId }, (tx) => removePasskey(tx, change.accountId, passkeyId));
}

// A new set replaces the old one; the codes are returned to be shown once.
export function replaceRecoveryCodes(deps: { db: Db; clock: Clock }, change: ChangeContext): Promise<string[]> {
  return audited(deps.db, deps.clock, change, 'factor.recovery_codes.issued', {}, (tx) => issueRecoveryCodes(tx, deps.clock, change.accountId));
}
