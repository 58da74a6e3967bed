// A request id on every request (taken from a trusted proxy, or made here), a child
// logger that carries it, one log line per request, and the route metrics.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppMiddleware } from './context.ts';
import type { Metrics } from './metrics.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const PROBES = new Set(['healthz', 'readyz', 'metrics']);

function routeLabel(ctx: Parameters<AppMiddleware>[0]): string {
  if (ctx.state.route) return ctx.state.route;
  const oidc = Object.getOwnPropertyDescriptor(ctx, 'oidc') ? (ctx as unknown as { oidc?: { route?: string } }).oidc : undefined;
  return oidc?.route ? `oidc:${oidc.route}` : 'other';
}

export function requestContext(deps: { log: Logger; metrics: Metrics; trustProxy: boolean }): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = deps.trustProxy && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The child logger is made only when something logs: most requests never do.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (child ??= deps.log.child({ requestId })), configurable: true });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(ctx);
      deps.metrics.requests.inc({ method: ctx.method, route, status: String(ctx.status) });
      deps.metrics.durations.observe({ method: ctx.method, route }, seconds);
      // The path only: query strings carry codes and tokens. Probes are logged at debug.
      const level = PROBES.has(route) ? 'debug' : 'info';
      if (deps.log.isLevelEnabled(level)) ctx.state.log[level]({ method: ctx.method, path: ctx.path, route, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
