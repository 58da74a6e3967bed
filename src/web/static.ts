// The few static files (one stylesheet), read once and served with a long cache.
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { AppMiddleware } from './context.ts';

const PUBLIC_DIR = join(import.meta.dirname, '..', '..', 'public');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

export function serveStatic(): AppMiddleware {
  const files = new Map(readdirSync(PUBLIC_DIR).map((name) => [`/static/${name}`, readFileSync(join(PUBLIC_DIR, name))]));
  return async (ctx, next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined;
    if (!file) return next();
    ctx.state.route = 'static';
    ctx.type = TYPES[extname(ctx.path)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file;
  };
}
