// Signing in to the account pages through Hawiya's own client (hawiya-account). A change
// to sign-in factors asks for a fresh sign-in: the same request with prompt=login and
// max_age=0, at the level changes need.
import type { AppContext } from '../context.ts';
import type { AccountDeps } from './context.ts';
import { ACCOUNT_CLIENT } from '../../oidc/first-party.ts';
import { createFirstPartySignIn } from '../first-party-sign-in.ts';
import type { Level } from '../../authn/assurance.ts';

const accountSignIn = createFirstPartySignIn(ACCOUNT_CLIENT, '/account');

export const safeReturnPath = accountSignIn.safeReturnPath;
export const returnPathAfterSignIn = accountSignIn.returnPathAfterSignIn;

export function startSignIn(deps: Pick<AccountDeps, 'provider'>, ctx: AppContext, input: { returnTo: string; reauthenticate?: Level }): void {
  accountSignIn.start(deps.provider(), ctx, input);
}
