// Password sign-in: throttled per username and per client address, with one error for an
// unknown user, a wrong password and a lock, and the same argon2 cost on every path.
import { AppError } from '../errors.ts';
import type { AccountDirectory, Account } from './accounts.ts';
import { normaliseUsername } from './accounts.ts';
import type { PasswordHasher } from './passwords.ts';
import type { Throttle, ThrottleLimits } from './throttle.ts';

export interface SignInDeps {
  accounts: AccountDirectory;
  hasher: PasswordHasher;
  throttle: Throttle;
  limits: { account: ThrottleLimits; ip: ThrottleLimits };
  dummyHash: string;
  // Tells the holder their account was locked (through the outbox).
  onLocked(accountId: string): Promise<void>;
}

export async function signInWithPassword(deps: SignInDeps, input: { username: string; password: string; ip: string }): Promise<Account> {
  const accountKey = `signin:user:${normaliseUsername(input.username)}`;
  const ipKey = `signin:ip:${input.ip}`;
  const { locked, counted } = await deps.throttle.status([accountKey, ipKey]);
  const account = await deps.accounts.findByUsername(input.username);
  const matches = await deps.hasher.verify(account?.passwordHash ?? deps.dummyHash, input.password);
  if (!account || account.passwordHash === null || !matches) {
    const { failures } = await deps.throttle.recordFailure(accountKey, deps.limits.account);
    await deps.throttle.recordFailure(ipKey, deps.limits.ip);
    // Once, when the lock starts; the person may not be the one typing.
    if (account && failures === deps.limits.account.maxFailures) await deps.onLocked(account.id);
    throw new AppError('signin_failed');
  }
  // A right password during a lock, or for a closed account, is refused the same way,
  // and not counted. An account still waiting for its second factor is returned: the
  // caller continues its first sign-in at the enrolment step (account.state says so).
  if (locked.length > 0 || !(account.active || account.awaitingSecondFactor)) throw new AppError('signin_failed');
  // Only an account with failures counted has anything to reset (most sign-ins have none).
  if (counted.includes(accountKey)) await deps.throttle.reset(accountKey);
  if (deps.hasher.needsRehash(account.passwordHash)) {
    await deps.accounts.replacePasswordHash(account.id, await deps.hasher.hash(input.password));
  }
  return account;
}
