// The mobile app's server. The app itself is a public client running in the browser
// (an installable web app standing in for a native one); this server only hands out its
// files, and is the app's back end for back-channel logout: Hawiya tells it when a
// session ends, and the app asks it, each time it opens, whether its session ended.
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { z } from 'zod';
import { html, trusted } from '../shared/html.ts';
import { securityHeaders } from '../shared/security-headers.ts';
import { serveStyle } from '../shared/static-style.ts';
import { createJsonStore } from '../shared/json-store.ts';
import { lazyDiscovery, issuerKeys } from '../shared/oidc-client.ts';
import { createLogoutTokenVerifier } from '../shared/logout-token.ts';
import { backchannelLogout } from '../shared/backchannel-logout.ts';

export interface MobileOptions {
  issuer: string;
  baseUrl: string;
  clientId: string;
  portalUrl: string;
  dataDir: string | null;
}

const APP_DIR = join(import.meta.dirname, 'app');
const OAUTH4WEBAPI = readFileSync(createRequire(import.meta.url).resolve('oauth4webapi'), 'utf8');
// The browser runs the app's TypeScript with its types stripped (erasable syntax only),
// so the code the browser runs is the code tsc checks.
const browserModule = (name: string) => stripTypeScriptTypes(readFileSync(join(APP_DIR, name), 'utf8'));

// Bare `oauth4webapi` imports resolve through an import map; the CSP allows exactly it.
const IMPORT_MAP = JSON.stringify({ imports: { oauth4webapi: '/vendor/oauth4webapi.js' } });
const IMPORT_MAP_HASH = `sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}`;

function shell(): string {
  return `<!doctype html>
${html`<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#1d4f91">
<title>خدماتي – Mes services – My services</title>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
<script type="importmap">${trusted(IMPORT_MAP)}</script>
<script type="module" src="/app/main.ts"></script>
</head>
<body>
<a class="skip-link" href="#main" data-text="skip">انتقل إلى المحتوى الرئيسي</a>
<header class="band"><div class="band-inner">
  <span class="service-name" data-text="appName">خدماتي</span>
  <nav class="languages" aria-label="Language" data-languages></nav>
</div></header>
<main id="main" tabindex="-1" aria-live="polite">
<noscript><p>This app needs JavaScript: it holds its own key on this device. Use the citizen portal in a browser without it.</p></noscript>
<p data-loading>…</p>
</main>
</body>
</html>`}`;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="#1d4f91"/><circle cx="256" cy="200" r="88" fill="#fff"/><rect x="120" y="320" width="272" height="96" rx="48" fill="#fff"/></svg>`;

const MANIFEST = {
  name: 'My public services', short_name: 'My services', lang: 'ar', dir: 'auto',
  start_url: '/', scope: '/', display: 'standalone', background_color: '#ffffff', theme_color: '#1d4f91',
  icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
};

const endedSchema = z.object({ sids: z.record(z.string(), z.number()), subs: z.record(z.string(), z.number()) });

export function createMobileServer(options: MobileOptions) {
  const discover = lazyDiscovery({ issuer: options.issuer, clientId: options.clientId });
  const verifier = createLogoutTokenVerifier({ issuer: options.issuer, clientId: options.clientId, keys: issuerKeys(discover) });
  // Hawiya sessions that ended, by sid (or by sub, with when), kept a day.
  const ended = createJsonStore(options.dataDir && join(options.dataDir, 'ended-sessions.json'), endedSchema, () => ({ sids: {}, subs: {} }));
  const router = new Router();
  const app = new Koa();

  const send = (ctx: Context, type: string, body: string) => {
    ctx.type = type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  };

  router.get(['/', '/callback'], (ctx) => send(ctx, 'text/html; charset=utf-8', shell()));
  router.get('/app/:file', (ctx) => {
    const file = ctx.params.file!;
    if (!/^[a-z-]+\.ts$/.test(file) || file === 'sw.ts') ctx.throw(404);
    try {
      send(ctx, 'text/javascript; charset=utf-8', browserModule(file));
    } catch {
      ctx.throw(404);
    }
  });
  // The DER writer the app shares with the portal; the app imports it as ../../shared/der.ts.
  router.get('/shared/der.ts', (ctx) => send(ctx, 'text/javascript; charset=utf-8', stripTypeScriptTypes(readFileSync(join(import.meta.dirname, '../shared/der.ts'), 'utf8'))));
  router.get('/sw.js', (ctx) => send(ctx, 'text/javascript; charset=utf-8', browserModule('sw.ts')));
  router.get('/vendor/oauth4webapi.js', (ctx) => send(ctx, 'text/javascript; charset=utf-8', OAUTH4WEBAPI));
  router.get('/manifest.webmanifest', (ctx) => send(ctx, 'application/manifest+json', JSON.stringify(MANIFEST)));
  router.get('/icon.svg', (ctx) => send(ctx, 'image/svg+xml', ICON));
  router.get('/config.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = { issuer: options.issuer, clientId: options.clientId, redirectUri: `${options.baseUrl}/callback`, postLogoutRedirectUri: `${options.baseUrl}/`, portalUrl: options.portalUrl };
  });

  router.post('/backchannel-logout', backchannelLogout({
    verifier,
    endSessions: (claims) => ended.update((state) => {
      const now = Math.floor(Date.now() / 1000);
      for (const table of [state.sids, state.subs]) for (const [key, at] of Object.entries(table)) if (at < now - 86_400) delete table[key];
      if (claims.sid) state.sids[claims.sid] = now;
      else if (claims.sub) state.subs[claims.sub] = now;
    }),
  }));

  // Asked by the app at each start: did Hawiya end the session it signed in with?
  router.get('/session-status', (ctx) => {
    const { sids, subs } = ended.read();
    const sid = typeof ctx.query.sid === 'string' ? ctx.query.sid : '';
    const sub = typeof ctx.query.sub === 'string' ? ctx.query.sub : '';
    const since = Number(ctx.query.since ?? 0);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ended: (sid !== '' && sids[sid] !== undefined) || (sub !== '' && (subs[sub] ?? 0) >= since) };
  });

  const hawiya = new URL(options.issuer).origin;
  app.use(securityHeaders({ scriptHashes: [IMPORT_MAP_HASH], connect: [hawiya, new URL(options.portalUrl).origin], formActions: [hawiya] }));
  app.use(serveStyle);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, ended };
}
