// Signing a person in through Hawiya: authorization code with PKCE, pushed to Hawiya
// first (PAR, RFC 9126) with the example's private_key_jwt, and a level of assurance
// asked with acr_values. The callback checks state and iss (openid-client does), the
// level reached, then reads the names (and roles) from userinfo, or from the ID token when
// the access token is for an agency's API (a resource indicator, RFC 8707).
import type { Context } from 'koa';
import { client } from './oidc-client.ts';
import { ACR, reaches, type Level } from './chrome-messages.ts';
import type { Locale } from './locale.ts';
import type { Person, Session, Sessions } from './sessions.ts';

export type SignInFailure = 'unmet_level' | 'denied' | 'expired' | 'failed';

export class SignInError extends Error {
  readonly code: SignInFailure;
  constructor(code: SignInFailure, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SignInDeps {
  discover(): Promise<client.Configuration>;
  sessions: Sessions;
  redirectUri: string;
  scope: string;
}

export interface SignInRequest {
  level: Level;
  returnTo: string;
  locale: Locale;
  // RFC 9396 rich authorization request (the gateway's payment_initiation). At Hawiya,
  // details ride on an API of the client's agency: `resource` (RFC 8707) and its scope.
  authorizationDetails?: readonly Record<string, unknown>[];
  resource?: { identifier: string; scope?: string };
  purpose?: string;
}

// Only paths of this example: never an open redirect.
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

export async function startSignIn(deps: SignInDeps, ctx: Context, request: SignInRequest): Promise<void> {
  const config = await deps.discover();
  const session = deps.sessions.ensure(ctx);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const details = request.authorizationDetails ? JSON.stringify(request.authorizationDetails) : undefined;
  deps.sessions.update(session.id, (each) => {
    each.pending = {
      state, verifier, returnTo: safeReturnPath(request.returnTo), level: request.level, startedAt: Math.floor(Date.now() / 1000),
      ...(details ? { details } : {}), ...(request.purpose ? { purpose: request.purpose } : {}), ...(request.resource ? { resource: request.resource.identifier } : {}),
    };
  });
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: deps.redirectUri,
    scope: request.resource?.scope ? `${deps.scope} ${request.resource.scope}` : deps.scope,
    ...(request.resource ? { resource: request.resource.identifier } : {}),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    acr_values: ACR[request.level],
    ui_locales: request.locale,
    ...(details ? { authorization_details: details } : {}),
  });
  ctx.redirect(url.href);
}

export interface SignedIn {
  person: Person;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  returnTo: string;
  // What the sign-in asked for, to compare with what Hawiya granted.
  requestedDetails?: string | undefined;
  purpose?: string | undefined;
}

function nameOf(info: Record<string, unknown>, claim: string): string {
  return typeof info[claim] === 'string' ? info[claim] : '';
}

export async function finishSignIn(deps: SignInDeps, ctx: Context, baseUrl: string): Promise<SignedIn> {
  const session: Session | undefined = deps.sessions.current(ctx);
  const pending = session?.pending;
  if (!session || !pending) throw new SignInError('expired', 'no sign-in under way in this browser');
  deps.sessions.update(session.id, (each) => { delete each.pending; });
  const error = typeof ctx.query.error === 'string' ? ctx.query.error : undefined;
  if (error === 'unmet_authentication_requirements') throw new SignInError('unmet_level', 'the account cannot reach the level asked for');
  if (error === 'access_denied') throw new SignInError('denied', 'the person declined');
  const config = await deps.discover();
  let tokens: SignedIn['tokens'];
  try {
    tokens = await client.authorizationCodeGrant(config, new URL(ctx.originalUrl, baseUrl), { pkceCodeVerifier: pending.verifier, expectedState: pending.state });
  } catch (err) {
    throw new SignInError('failed', (err as Error).message);
  }
  const claims = tokens.claims();
  if (!claims) throw new SignInError('failed', 'no ID token');
  // Levels are ordered: the one asked for, or higher. Hawiya never answers with less,
  // and this check makes sure of it.
  if (!reaches(claims.acr, pending.level as Level)) throw new SignInError('unmet_level', `acr ${String(claims.acr)} is below ${pending.level}`);
  // An access token for an agency's API is not for userinfo; Hawiya then puts the claims
  // of the granted scopes in the ID token (OpenID Connect Core §5.4).
  const info: Record<string, unknown> = pending.resource ? claims : await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  // Hawiya's agency_roles claim ("finance:<agency>"), for clients registered with its scope.
  const roles = Array.isArray(info.agency_roles) ? info.agency_roles.filter((role): role is string => typeof role === 'string') : [];
  const person: Person = {
    sub: claims.sub,
    ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}),
    nameAr: nameOf(info, 'name#ar') || nameOf(info, 'name'),
    nameLatin: nameOf(info, 'name#en') || nameOf(info, 'name'),
    acr: String(claims.acr),
    amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
    authTime: typeof claims.auth_time === 'number' ? claims.auth_time : Math.floor(Date.now() / 1000),
    idToken: tokens.id_token ?? '',
    roles,
    accessToken: tokens.access_token,
    accessTokenExpiresAt: Math.floor(Date.now() / 1000) + (tokens.expires_in ?? 60),
  };
  deps.sessions.update(session.id, (each) => { each.person = person; });
  return { person, tokens, returnTo: pending.returnTo, requestedDetails: pending.details, purpose: pending.purpose };
}

// RP-initiated logout: the example forgets the person, then sends the browser to Hawiya
// to end the Hawiya session (which tells the other services, by back-channel logout).
export async function signOut(deps: SignInDeps, ctx: Context, postLogoutRedirectUri: string): Promise<void> {
  const idToken = deps.sessions.current(ctx)?.person?.idToken;
  deps.sessions.destroy(ctx);
  if (!idToken) {
    ctx.redirect('/');
    return;
  }
  const config = await deps.discover();
  ctx.redirect(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri }).href);
}

export const personName = (person: Person, locale: Locale) => (locale === 'ar' ? person.nameAr : person.nameLatin);
