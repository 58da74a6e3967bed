// /account/services: the services the person has let see their details (their grants),
// what each may see, and withdrawing that: the service's tokens stop working at once.
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { noticeOf, postedForm, redirectAfterPost, renderAccountPage } from './page.ts';
import { formatMoment, scopeInWords } from './format.ts';
import { clientNames } from './client-names.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { listGrants, revokeClientGrants } from '../../oidc/grants.ts';

export function mountServices(router: Router<AccountState>, deps: AccountDeps): void {
  router.get('/services', async (ctx) => {
    const { locale } = ctx.state;
    const t = translator(locale);
    const grants = await listGrants(deps.db, deps.clock, ctx.state.me.account.id);
    const names = await clientNames(deps, grants.map((grant) => grant.clientId));
    // One entry per service, however many sessions granted it.
    const services = [...names].map(([clientId, name]) => {
      const own = grants.filter((grant) => grant.clientId === clientId);
      const since = own.map((grant) => grant.grantedAt).filter((date) => date !== null).sort((a, b) => a.getTime() - b.getTime())[0];
      const scopes = [...new Set(own.flatMap((grant) => grant.scopes))];
      return { clientId, name, since: since ? formatMoment(locale, since) : null, sees: scopes.map((scope) => scopeInWords(t, scope)) };
    }).sort((a, b) => a.name.localeCompare(b.name, locale));
    renderAccountPage(deps, ctx, 'services', 'services', { notice: noticeOf(ctx, { revoked: 'account.services.revoked' }), services });
  });

  router.post('/services/revoke', async (ctx) => {
    const form = await postedForm(deps, ctx);
    const clientId = form.get('client') ?? '';
    // Only a service the page lists: Hawiya's own client is not one.
    if ((await clientNames(deps, [clientId])).size === 0) throw new AppError('not_found');
    const revoked = await revokeClientGrants(deps, { accountId: ctx.state.me.account.id, clientId, requestId: ctx.state.requestId });
    if (revoked === 0) throw new AppError('not_found');
    redirectAfterPost(ctx, '/account/services', 'revoked');
  });
}
