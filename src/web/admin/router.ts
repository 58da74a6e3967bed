// The admin API under /api/admin, for the operators who onboard agencies: JSON in and out,
// described in /api/openapi.json (web/openapi/admin.ts). Every request needs a bearer
// access token from the client-credentials grant, with the hawiya:admin scope, of a client
// holding the admin role. Every change is audited with the admin client as its actor.
//
//   /agencies, /agencies/:code                 agencies.ts
//   /agencies/:code/initial-access-tokens      agencies.ts (dynamic registration)
//   /clients, /clients/:id, /clients/:id/secret  clients.ts
//   /resource-servers                          clients.ts
//   /logout-deliveries                         deliveries.ts
import Router from '@koa/router';
import type { AdminDeps, AdminState } from './context.ts';
import { mountAgencies } from './agencies.ts';
import { mountClients } from './clients.ts';
import { mountDeliveries } from './deliveries.ts';

export type { AdminDeps } from './context.ts';

export function createAdminRouter(deps: AdminDeps): Router<AdminState> {
  const router = new Router<AdminState>({ prefix: '/api/admin' });
  router.use(async (ctx, next) => {
    ctx.state.route = 'admin';
    ctx.set('Cache-Control', 'no-store');
    const { clientId } = await deps.authorise(ctx.get('Authorization') || undefined);
    ctx.state.actor = `admin:${clientId}`;
    await next();
  });
  mountAgencies(router, deps);
  mountClients(router, deps);
  mountDeliveries(router, deps);
  return router;
}
