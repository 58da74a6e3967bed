// Runs a middleware only for requests under one of the given paths.
import type { Middleware } from 'koa';
import type { AppState } from './context.ts';

export function underPaths<C>(prefixes: readonly string[], middleware: Middleware<AppState, C>): Middleware<AppState, C> {
  return (ctx, next) => (prefixes.some((prefix) => ctx.path.startsWith(prefix)) ? middleware(ctx, next) : next());
}
