// A strict CSP and the usual hardening headers on every response. Pages that end in a
// redirect to a relying party add its origin to form-action (Chromium applies form-action
// to the redirects that follow a form submission).
import type { AppMiddleware } from './context.ts';

const BASE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
];

function formAction(origins: readonly string[]): string {
  return ["form-action 'self'", ...new Set(origins)].join(' ');
}

function withFormAction(policy: string, origins: readonly string[]): string {
  return policy.split(';').map((directive) => (directive.trim().startsWith('form-action') ? formAction(origins) : directive.trim())).join('; ');
}

export function originOf(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  try {
    const { origin } = new URL(uri);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export function securityHeaders(options: { hsts: boolean }): AppMiddleware {
  return async (ctx, next) => {
    ctx.state.formActions = [];
    ctx.set('Content-Security-Policy', [...BASE_POLICY, formAction([])].join('; '));
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    await next();
    // The provider's form_post page posts to the client's redirect_uri.
    const oidc = Object.getOwnPropertyDescriptor(ctx, 'oidc') ? (ctx as unknown as { oidc?: { params?: Record<string, unknown> } }).oidc : undefined;
    const redirect = originOf(oidc?.params?.redirect_uri);
    const extra = [...ctx.state.formActions, ...(redirect ? [redirect] : [])];
    const policy = ctx.response.get('Content-Security-Policy');
    if (extra.length > 0 && typeof policy === 'string' && policy) ctx.set('Content-Security-Policy', withFormAction(policy, extra));
  };
}
