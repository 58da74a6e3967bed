// /healthz: the process is alive. /readyz: the database answers. /metrics: Prometheus.
import Router from '@koa/router';
import type { Db } from '../db/db.ts';
import type { AppState } from './context.ts';
import type { Metrics } from './metrics.ts';

export function createHealthRouter(deps: { db: Db; metrics: Metrics; draining: () => boolean }): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.state.route = 'healthz';
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.state.route = 'readyz';
    ctx.set('Cache-Control', 'no-store');
    if (deps.draining()) {
      ctx.status = 503;
      ctx.body = { status: 'draining' };
      return;
    }
    try {
      await deps.db.ping();
      ctx.body = { status: 'ready' };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'database unavailable' };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.state.route = 'metrics';
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}
