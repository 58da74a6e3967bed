// The highest level of assurance an account's factors can reach, and the level a change
// to those factors must be confirmed at.
import type { Level } from './assurance.ts';
import type { Factors } from './sign-in-flow.ts';

export function reachableLevel(factors: Factors): Level {
  if (factors.verifiedInPerson && factors.passkeys.some((passkey) => !passkey.backedUp)) return 'high';
  if (factors.totp || factors.passkeys.length > 0 || factors.recoveryCodes > 0) return 'substantial';
  return 'low';
}

// Whoever holds only the password must not be able to add their own second factor, or
// remove the person's: once an account has one, changes need two factors.
export function levelForFactorChanges(factors: Factors): Level {
  return reachableLevel(factors) === 'low' ? 'low' : 'substantial';
}
