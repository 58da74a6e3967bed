// The state of back-channel logout deliveries, for admins helping an agency whose
// receiver fails: what is pending, delivered or given up, with the last answer.
import { z } from 'zod';
import type { AdminDeps, AdminRouter } from './context.ts';
import { listLogoutDeliveries } from '../../oidc/logout-delivery.ts';
import { parseInput } from '../../oidc/agencies.ts';

const query = z.object({
  client_id: z.string().min(1).optional(),
  status: z.enum(['pending', 'delivered', 'abandoned']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function mountDeliveries(router: AdminRouter, deps: AdminDeps): void {
  router.get('/logout-deliveries', async (ctx) => {
    const filter = parseInput(query, ctx.query);
    ctx.body = { logout_deliveries: await listLogoutDeliveries(deps.db, { clientId: filter.client_id, status: filter.status, limit: filter.limit }) };
  });
}
