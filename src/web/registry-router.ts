// POST /registry/events: the civil registry pushes events, authenticated as a registry
// client (a client-credentials token obtained with private_key_jwt or mTLS). One event or a
// list; each answered with its outcome, in order. A bad event stops the batch there and
// names its index and field; the events before it stay applied (each is its own
// transaction, and the registry resends by id, which is idempotent).
import Router from '@koa/router';
import type { AppState } from './context.ts';
import { readJson } from './body.ts';
import { AppError } from '../errors.ts';
import { applyRegistryEvent, type EventDeps, type EventOutcome } from '../register/events.ts';

export interface RegistryRouterDeps extends EventDeps {
  authorise(authorization: string | undefined): Promise<{ clientId: string }>;
  maxBodyBytes: number;
}

export function createRegistryRouter(deps: RegistryRouterDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/registry/events', async (ctx) => {
    ctx.state.route = 'registry:events';
    const { clientId } = await deps.authorise(ctx.get('Authorization') || undefined);
    const body = await readJson(ctx, deps.maxBodyBytes);
    const events = Array.isArray(body) ? body : [body];
    const results: Array<{ id: unknown; outcome: EventOutcome }> = [];
    for (const [index, event] of events.entries()) {
      try {
        const outcome = await applyRegistryEvent(deps, event, {
          actor: `client:${clientId}`, sourceIp: ctx.ip, requestId: ctx.state.requestId,
        });
        results.push({ id: (event as { id?: unknown }).id, outcome });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) {
          throw new AppError('bad_request', { message: `events[${index}].${err.detail ?? 'event'}`, cause: err });
        }
        throw err;
      }
    }
    ctx.body = { results };
  });
  return router;
}
