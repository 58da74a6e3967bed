// The sign-in and consent pages. Thin: each handler loads the interaction, checks the
// form, calls one domain function, and hands the result back to the provider.
import Router from '@koa/router';
import type { Provider, InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { Csrf } from '../csrf.ts';
import { localeFor } from '../locale.ts';
import { originOf } from '../security-headers.ts';
import type { Locale } from '../i18n.ts';
import { signInWithPassword, type SignInDeps } from '../../authn/sign-in.ts';
import { ACR } from '../../oidc/provider.ts';

export interface InteractionDeps {
  provider(): Provider;
  csrf: Csrf;
  signIn: SignInDeps;
  maxBodyBytes: number;
  defaultLocale: Locale;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const signInForm = z.object({
  username: z.string().trim().min(1, 'fields.username.required').max(128),
  password: z.string().min(1, 'fields.password.required').max(1024),
});

async function loadInteraction(deps: InteractionDeps, ctx: AppContext): Promise<Details> {
  let details: Details;
  try {
    details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if ((err as { name?: string }).name === 'SessionNotFound') throw new AppError('interaction_expired', { cause: err });
    throw err;
  }
  if (details.uid !== ctx.params.uid) throw new AppError('interaction_expired');
  const uiLocales = typeof details.params.ui_locales === 'string' ? details.params.ui_locales : undefined;
  ctx.state.locale = localeFor(ctx, deps.defaultLocale, uiLocales);
  const redirect = originOf(details.params.redirect_uri);
  if (redirect) ctx.state.formActions.push(redirect);
  return details;
}

async function clientName(deps: InteractionDeps, details: Details): Promise<string> {
  const clientId = String(details.params.client_id ?? '');
  const client = await deps.provider().Client.find(clientId);
  return client?.clientName ?? clientId;
}

function pageData(deps: InteractionDeps, details: Details) {
  const base = `/interaction/${details.uid}`;
  return { csrf: deps.csrf.token(details.uid), abortAction: `${base}/abort`, pagePath: base };
}

async function renderLogin(deps: InteractionDeps, ctx: AppContext, details: Details, extra: { username?: string; error?: AppError } = {}) {
  renderPage(ctx, 'interaction/login', {
    ...pageData(deps, details),
    action: `/interaction/${details.uid}/login`,
    clientName: await clientName(deps, details),
    username: extra.username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
    error: extra.error,
  });
}

// The scopes and claims the consent page asks for, from the provider's missing ones.
function missingScopes(details: Details): string[] {
  const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
  return missing.filter((scope) => scope !== 'openid' || missing.length === 1);
}

async function finish(deps: InteractionDeps, ctx: AppContext, result: InteractionResults, merge: boolean) {
  const redirectTo = await deps.provider().interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

export function createInteractionRouter(deps: InteractionDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/interaction/:uid' });

  router.use(async (ctx, next) => {
    ctx.state.route = 'interaction';
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (details.prompt.name === 'login') return renderLogin(deps, ctx, details);
    if (details.prompt.name === 'consent') {
      return renderPage(ctx, 'interaction/consent', {
        ...pageData(deps, details),
        action: `/interaction/${details.uid}/confirm`,
        clientName: await clientName(deps, details),
        scopes: missingScopes(details),
      });
    }
    throw new AppError('bad_request');
  });

  router.post('/login', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    const form = await readForm(ctx, deps.maxBodyBytes);
    deps.csrf.assert(details.uid, form.get('csrf'));
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    const parsed = signInForm.safeParse({ username: form.get('username') ?? '', password: form.get('password') ?? '' });
    if (!parsed.success) {
      const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
      ctx.status = 400;
      return renderLogin(deps, ctx, details, { username: form.get('username') ?? '', error: new AppError('invalid_form', { fields }) });
    }
    try {
      const account = await signInWithPassword(deps.signIn, { ...parsed.data, ip: ctx.ip });
      return await finish(deps, ctx, { login: { accountId: account.id, acr: ACR.low, amr: ['pwd'] } }, false);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'signin_failed') throw err;
      ctx.status = 401;
      return renderLogin(deps, ctx, details, { username: parsed.data.username, error: err });
    }
  });

  router.post('/confirm', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    const form = await readForm(ctx, deps.maxBodyBytes);
    deps.csrf.assert(details.uid, form.get('csrf'));
    if (details.prompt.name !== 'consent' || !details.session) throw new AppError('bad_request');
    const provider = deps.provider();
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new AppError('interaction_expired');
    const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await finish(deps, ctx, { consent: { grantId } }, true);
  });

  router.post('/abort', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    const form = await readForm(ctx, deps.maxBodyBytes);
    deps.csrf.assert(details.uid, form.get('csrf'));
    await finish(deps, ctx, { error: 'access_denied', error_description: 'the person declined' }, false);
  });

  return router;
}
