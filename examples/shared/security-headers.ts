// A strict policy on every page of an example: its own scripts and styles only, forms
// that post to itself and to the origins it names (Hawiya, the payment gateway), no
// framing.
import type { Context, Next } from 'koa';

export function securityHeaders(options: { formActions?: readonly string[]; connect?: readonly string[]; scriptHashes?: readonly string[] } = {}) {
  const policy = [
    "default-src 'none'",
    ["script-src 'self'", ...(options.scriptHashes ?? []).map((hash) => `'${hash}'`)].join(' '),
    "style-src 'self'",
    "img-src 'self' data:",
    "manifest-src 'self'",
    "worker-src 'self'",
    ["connect-src 'self'", ...(options.connect ?? [])].join(' '),
    ["form-action 'self'", ...(options.formActions ?? [])].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return async (ctx: Context, next: Next) => {
    ctx.set('Content-Security-Policy', policy);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  };
}
