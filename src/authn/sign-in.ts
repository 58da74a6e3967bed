// Password sign-in: throttled per username and per client address, with one error for an
// unknown user, a wrong password and a lock, and the same argon2 cost on every path.
import { AppError } from '../errors.ts';
import type { AccountDirectory, Account } from './accounts.ts';
import { normaliseUsername } from './accounts.ts';
import type { DummyHashes, PasswordHasher } from './passwords.ts';
import type { Throttle, ThrottleLimits } from './throttle.ts';

export interface SignInDeps {
  accounts: AccountDirectory;
  hasher: PasswordHasher;
  throttle: Throttle;
  limits: { account: ThrottleLimits; ip: ThrottleLimits };
  dummyHashes: DummyHashes;
  // Tells the holder their account was locked (through the outbox).
  onLocked(accountId: string): Promise<void>;
}

export async function signInWithPassword(deps: SignInDeps, input: { username: string; password: string; ip: string }): Promise<Account> {
  const accountKey = `signin:user:${normaliseUsername(input.username)}`;
  const ipKey = `signin:ip:${input.ip}`;
  const { locked, counted } = await deps.throttle.status([accountKey, ipKey]);
  const account = await deps.accounts.findByUsername(input.username);
  const checked = account?.passwordHash ?? deps.dummyHashes.current;
  const matches = await deps.hasher.verify(checked, input.password) && checked === account?.passwordHash;
  if (!matches || !account) {
    await equaliseRefusal(deps, checked, input.password);
    const { failures } = await deps.throttle.recordFailure(accountKey, deps.limits.account);
    await deps.throttle.recordFailure(ipKey, deps.limits.ip);
    // Once, when the lock starts; the person may not be the one typing.
    if (account && failures === deps.limits.account.maxFailures) await deps.onLocked(account.id);
    throw new AppError('signin_failed');
  }
  // A right password during a lock, or for a closed account, is refused the same way,
  // and not counted. An account still waiting for its second factor is returned: the
  // caller continues its first sign-in at the enrolment step (account.state says so).
  if (locked.length > 0 || !(account.active || account.awaitingSecondFactor)) {
    await equaliseRefusal(deps, checked, input.password);
    throw new AppError('signin_failed');
  }
  // Only an account with failures counted has anything to reset (most sign-ins have none).
  if (counted.includes(accountKey)) await deps.throttle.reset(accountKey);
  if (deps.hasher.needsRehash(checked)) {
    await deps.accounts.replacePasswordHash(account.id, await deps.hasher.hash(input.password));
  }
  return account;
}

// A refusal has checked one hash; it checks one of every other set of parameters in use
// too, so that it costs the same whether the username has an old hash, a new one or none.
async function equaliseRefusal(deps: SignInDeps, checked: string, password: string): Promise<void> {
  for (const dummy of deps.dummyHashes.othersThan(checked)) await deps.hasher.verify(dummy, password);
}
