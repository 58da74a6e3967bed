// Rate limit on the provider's endpoints that take a client secret (token, introspection,
// revocation, PAR): failed client authentications are counted per address in the
// database; an address past the limit gets 429 on every node. The blocked set is read
// from the database every few seconds, so the hot path costs no query.
import type { AppMiddleware } from './context.ts';
import type { Throttle, ThrottleLimits } from '../authn/throttle.ts';

const SECRET_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/request']);
const PREFIX = 'client-auth:ip:';

export interface SecretEndpointLimiter {
  middleware: AppMiddleware;
  refresh(): Promise<void>;
  stop(): void;
}

export function createSecretEndpointLimiter(deps: { throttle: Throttle; limits: ThrottleLimits; refreshSeconds: number; onError(err: unknown): void }): SecretEndpointLimiter {
  let blocked = new Set<string>();
  async function refresh() {
    blocked = new Set(await deps.throttle.lockedWithPrefix(PREFIX));
  }
  const timer = setInterval(() => refresh().catch(deps.onError), deps.refreshSeconds * 1000);
  timer.unref();
  return {
    refresh,
    stop: () => clearInterval(timer),
    middleware: async (ctx, next) => {
      if (ctx.method !== 'POST' || !SECRET_PATHS.has(ctx.path)) return next();
      const key = `${PREFIX}${ctx.ip}`;
      if (blocked.has(key)) {
        ctx.status = 429;
        ctx.set('Retry-After', String(deps.limits.lockSeconds));
        ctx.body = { error: 'rate_limited', error_description: 'too many failed client authentications; try again later' };
        return;
      }
      await next();
      if (ctx.status === 401) {
        const { lockedUntil } = await deps.throttle.recordFailure(key, deps.limits);
        if (lockedUntil) blocked.add(key);
      }
    },
  };
}
