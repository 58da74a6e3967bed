// The few static files (one stylesheet), read once and served with a long cache.
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { AppMiddleware } from './context.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PUBLIC_DIR = join(ROOT, 'public');
// Browser code shipped by our dependencies, served from our origin (CSP script-src 'self').
const VENDORED: Record<string, string> = {
  'simplewebauthn-browser.js': join(ROOT, 'node_modules', '@simplewebauthn', 'browser', 'dist', 'bundle', 'index.umd.min.js'),
};
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

export function serveStatic(): AppMiddleware {
  const files = new Map([
    ...readdirSync(PUBLIC_DIR).map((name): [string, string] => [name, join(PUBLIC_DIR, name)]),
    ...Object.entries(VENDORED),
  ].map(([name, path]) => [`/static/${name}`, readFileSync(path)]));
  return async (ctx, next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined;
    if (!file) return next();
    ctx.state.route = 'static';
    ctx.type = TYPES[extname(ctx.path)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file;
  };
}
