// Serves the examples' one stylesheet at /static/style.css.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';

const STYLE = readFileSync(join(import.meta.dirname, 'style.css'), 'utf8');

export async function serveStyle(ctx: Context, next: Next): Promise<void> {
  if (ctx.path !== '/static/style.css') return next();
  ctx.type = 'text/css; charset=utf-8';
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.body = STYLE;
}
