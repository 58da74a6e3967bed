// The signed-in person of the account pages, from the provider's session cookie, and the
// rule for changes to sign-in factors: a sign-in less than five minutes old, at the level
// such changes need.
import type { Middleware } from 'koa';
import type { AccountDeps, AccountState, Me } from './context.ts';
import type { AppContext } from '../context.ts';
import { startSignIn } from './sign-in.ts';
import { currentSession } from '../../oidc/sessions.ts';
import { atLeast, levelOfAcr, type Level } from '../../authn/assurance.ts';
import { factorsOf } from '../../authn/sign-in-flow.ts';
import { levelForFactorChanges } from '../../authn/reachable-level.ts';
import { chosenLocale } from '../../authn/account-preferences.ts';
import { LOCALE_COOKIE } from '../locale.ts';
import { isLocale } from '../i18n.ts';

export const FRESH_SECONDS = 300;

export async function loadMe(deps: AccountDeps, ctx: AppContext): Promise<Me | null> {
  const session = await currentSession(deps.provider(), ctx.cookies, deps.sessionTtl);
  if (!session) return null;
  const account = await deps.accounts.findById(session.accountId);
  if (!account?.active) return null;
  const person = await deps.persons.findById(account.id);
  return person ? { session, account, person } : null;
}

// The language chosen on the account page, on a device that has no language cookie yet.
async function applyChosenLocale(deps: AccountDeps, ctx: AppContext, accountId: string): Promise<void> {
  if (isLocale(ctx.query.lang) || ctx.cookies.get(LOCALE_COOKIE, { signed: false })) return;
  const chosen = await chosenLocale(deps.db, accountId);
  if (chosen) ctx.state.locale = chosen;
}

// Every account page but the callback: no session, no page; sign in, then come back.
export function signedIn(deps: AccountDeps): Middleware<AccountState> {
  return async (ctx, next) => {
    const me = await loadMe(deps, ctx);
    if (!me) return startSignIn(deps, ctx, { returnTo: ctx.method === 'GET' ? ctx.path : '/account' });
    ctx.state.me = me;
    await applyChosenLocale(deps, ctx, me.account.id);
    await next();
  };
}

export function isFresh(me: Me, now: Date, required: Level): boolean {
  const age = now.getTime() / 1000 - me.session.loginTs;
  return age <= FRESH_SECONDS && atLeast(levelOfAcr(me.session.acr) ?? 'low', required);
}

export async function levelForChangesOf(deps: AccountDeps, me: Me): Promise<Level> {
  return levelForFactorChanges(await factorsOf(deps.db, me.account.id, me.account.verifiedInPerson));
}

// Adding, renaming or removing a factor: a stale sign-in is sent to sign in again, and
// comes back to `returnTo` (the page the form is on), or to this page.
export function freshSignIn(deps: AccountDeps, returnTo?: string): Middleware<AccountState> {
  return async (ctx, next) => {
    const required = await levelForChangesOf(deps, ctx.state.me);
    if (isFresh(ctx.state.me, deps.clock.now(), required)) return next();
    startSignIn(deps, ctx, { returnTo: returnTo ?? ctx.path, reauthenticate: required });
  };
}
