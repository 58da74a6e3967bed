// Runs a middleware only for requests under one of the given paths.
import type { Middleware } from 'koa';
import type { AppState } from './context.ts';

export function underPaths<S extends AppState, C>(prefixes: readonly string[], middleware: Middleware<S, C>): Middleware<S, C> {
  return (ctx, next) => (prefixes.some((prefix) => ctx.path.startsWith(prefix)) ? middleware(ctx, next) : next());
}
