// The counter app for office staff, under /office. Every page but the sign-in callback
// needs a provider session at the high level held by a person on the staff list
// (clerk.ts); each area is one file:
//
//   /office                          queue.ts          the office's queue, and the look-up
//   /office/applications/:id         verification.ts   registry beside application; activate, reject, override
//   /office/register                 assisted.ts       a clerk registers a citizen who came in person
//   /office/people                   people.ts         suspend, reactivate, recover in person
//   /office/approvals                approvals.ts      supervisors' four-eyes decisions
//   /office/admin/staff              admin-staff.ts    registrar-admins' staff list
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { OfficeDeps, OfficeState } from './context.ts';
import { officeSignIn, staffOnly } from './clerk.ts';
import { mountQueue } from './queue.ts';
import { mountVerification } from './verification.ts';
import { mountAssisted } from './assisted.ts';
import { mountPeople } from './people.ts';
import { mountApprovals } from './approvals.ts';
import { mountAdminStaff } from './admin-staff.ts';
import { renderPage } from '../render.ts';

export type { OfficeDeps } from './context.ts';

export function createOfficeRouters(deps: OfficeDeps): Array<Router<OfficeState>> {
  const open = new Router<OfficeState>({ prefix: '/office' });
  const router = new Router<OfficeState>({ prefix: '/office' });

  // Citizens' personal data and activation codes: never cached, on any page.
  const noStore: Middleware<OfficeState> = async (ctx, next) => {
    ctx.state.route = 'office';
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
  open.use(noStore);
  router.use(noStore, staffOnly(deps));

  // The end of the counter client's authorization request. A refusal (cancelled, or the
  // account cannot reach the high level) is said in words.
  open.get('/callback', async (ctx) => {
    const returnTo = officeSignIn.returnPathAfterSignIn(ctx);
    if (typeof ctx.query.error === 'string') return renderPage(ctx, 'office/not-signed-in', { pagePath: '/office' });
    ctx.redirect(returnTo);
  });

  mountQueue(router, deps);
  mountVerification(router, deps);
  mountAssisted(router, deps);
  mountPeople(router, deps);
  mountApprovals(router, deps);
  mountAdminStaff(router, deps);
  return [open, router];
}
