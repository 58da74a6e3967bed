// /account/security: the sign-in factors at a glance, and the level they reach. Each
// change is its own page (authenticator.ts, passkeys.ts, recovery-codes.ts).
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { noticeOf, renderAccountPage } from './page.ts';
import { formatCount, formatMoment } from './format.ts';
import { factorsOf } from '../../authn/sign-in-flow.ts';
import { reachableLevel } from '../../authn/reachable-level.ts';
import { RECOVERY_CODE_COUNT } from '../../authn/recovery-codes.ts';

export const SECURITY_NOTICES = {
  'totp-added': 'account.totp.added',
  'totp-removed': 'account.totp.removed',
  'passkey-added': 'account.passkeys.added',
  'passkey-renamed': 'account.passkeys.renamed',
  'passkey-removed': 'account.passkeys.removed',
};

export function mountSecurity(router: Router<AccountState>, deps: AccountDeps): void {
  router.get('/security', async (ctx) => {
    const { account } = ctx.state.me;
    const { locale } = ctx.state;
    const factors = await factorsOf(deps.db, account.id, account.verifiedInPerson);
    renderAccountPage(deps, ctx, 'security', 'security', {
      notice: noticeOf(ctx, SECURITY_NOTICES),
      level: reachableLevel(factors),
      totp: factors.totp,
      passkeys: factors.passkeys.map((passkey) => ({
        id: passkey.id, name: passkey.name, backedUp: passkey.backedUp,
        added: formatMoment(locale, passkey.createdAt), lastUsed: passkey.lastUsedAt ? formatMoment(locale, passkey.lastUsedAt) : null,
      })),
      recoveryRemaining: factors.recoveryCodes,
      recoveryRemainingText: formatCount(locale, factors.recoveryCodes),
      recoveryTotalText: formatCount(locale, RECOVERY_CODE_COUNT),
    });
  });
}
