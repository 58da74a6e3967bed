// Keeps the current Provider. When the key table changes (a rotation on any node, or a
// key's use_from or retire_at passing), a new Provider is built with the new keys and
// swapped in; requests under way finish on the old one. This is safe because a Provider
// holds no state of its own.
import type { Provider } from 'oidc-provider';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import { loadKeySet, type KeyDeps, type KeySet } from './keys.ts';

export interface ProviderHolder {
  current(): Provider;
  keySet(): KeySet;
  // The provider's own middleware, as a Koa middleware of the enclosing app.
  middleware(): Middleware;
  // Re-reads the key table; true when a new provider was built.
  refresh(): Promise<boolean>;
  stop(): void;
}

export async function createProviderHolder(deps: KeyDeps & {
  build(keySet: KeySet): Provider;
  onChange?(keySet: KeySet): void;
  reloadSeconds: number;
  onError(err: unknown): void;
}): Promise<ProviderHolder> {
  let keySet = await loadKeySet(deps);
  let provider = deps.build(keySet);
  let composed = compose(provider.middleware as Middleware[]);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function refresh(): Promise<boolean> {
    const next = await loadKeySet(deps);
    if (next.version === keySet.version) {
      keySet = next;
      return false;
    }
    provider = deps.build(next);
    composed = compose(provider.middleware as Middleware[]);
    keySet = next;
    deps.onChange?.(next);
    return true;
  }

  function schedule(): void {
    if (stopped) return;
    const untilChange = keySet.nextChange ? keySet.nextChange.getTime() - deps.clock.now().getTime() + 50 : Infinity;
    const delay = Math.max(50, Math.min(deps.reloadSeconds * 1000, untilChange));
    timer = setTimeout(() => {
      refresh().catch(deps.onError).finally(schedule);
    }, delay);
    timer.unref();
  }
  schedule();

  return {
    current: () => provider,
    keySet: () => keySet,
    middleware: () => (ctx, next) => composed(ctx, next),
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
