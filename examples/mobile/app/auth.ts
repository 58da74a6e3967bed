// The app as a native public client of Hawiya, with oauth4webapi: authorization code +
// PKCE, tokens bound to a DPoP key (RFC 9449) that WebCrypto made non-extractable and
// IndexedDB keeps on the device, and refresh-token rotation (each refresh spends the old
// token, so refreshes are serialised with a Web Lock and the new one saved first).
import * as oauth from 'oauth4webapi';
import { readValue, writeValue, deleteValue } from './store.ts';

export interface AppConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  portalUrl: string;
}

export interface StoredSession {
  refreshToken: string;
  idToken: string;
  sub: string;
  sid?: string;
  acr: string;
  authTime: number;
  nameAr: string;
  nameLatin: string;
}

// Plain http only for the local demo's loopback issuer.
const insecure = (config: AppConfig) => (config.issuer.startsWith('http://') ? { [oauth.allowInsecureRequests]: true } : {});

let server: oauth.AuthorizationServer | undefined;
let accessToken: { value: string; expiresAt: number } | undefined;

async function authorizationServer(config: AppConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  server ??= await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure(config)));
  return server;
}

const client = (config: AppConfig): oauth.Client => ({ client_id: config.clientId, id_token_signed_response_alg: 'ES256' });

// The device's DPoP key: made once, never extractable, kept in IndexedDB.
async function dpopKey(): Promise<CryptoKeyPair> {
  const stored = await readValue<CryptoKeyPair>('dpopKey');
  if (stored) return stored;
  const keyPair = await oauth.generateKeyPair('ES256', { extractable: false });
  await writeValue('dpopKey', keyPair);
  return keyPair;
}

// `enrol`: a sign-in at high, made now (prompt=login), whose token may ask Hawiya for a
// certificate for the device's signing key (it must be under five minutes old).
export async function startSignIn(config: AppConfig, locale: string, options: { enrol?: boolean } = {}): Promise<void> {
  const as = await authorizationServer(config);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem('signIn', JSON.stringify({ verifier, state, enrol: options.enrol === true }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId, redirect_uri: config.redirectUri, response_type: 'code',
    // offline_access for a refresh token, which Hawiya grants only with prompt=consent.
    scope: 'openid profile offline_access', prompt: options.enrol ? 'login consent' : 'consent', ui_locales: locale,
    ...(options.enrol ? { acr_values: 'http://eidas.europa.eu/LoA/high' } : {}),
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state,
  }).toString();
  location.assign(url.href);
}

function sessionFrom(result: oauth.TokenEndpointResponse, previous?: StoredSession): Omit<StoredSession, 'nameAr' | 'nameLatin'> {
  const claims = oauth.getValidatedIdTokenClaims(result);
  const refreshToken = result.refresh_token ?? previous?.refreshToken;
  if (!refreshToken) throw new Error('Hawiya returned no refresh token');
  accessToken = { value: result.access_token, expiresAt: Date.now() + (result.expires_in ?? 60) * 1000 - 5000 };
  return {
    refreshToken,
    idToken: result.id_token ?? previous?.idToken ?? '',
    sub: claims?.sub ?? previous?.sub ?? '',
    ...(typeof claims?.sid === 'string' ? { sid: claims.sid } : previous?.sid ? { sid: previous.sid } : {}),
    acr: typeof claims?.acr === 'string' ? claims.acr : previous?.acr ?? '',
    authTime: typeof claims?.auth_time === 'number' ? claims.auth_time : previous?.authTime ?? 0,
  };
}

// RFC 9449 §8: Hawiya requires a server nonce in DPoP proofs. The first request is
// answered with use_dpop_nonce and a DPoP-Nonce header, which the DPoP handle keeps;
// the request is made once more, with a fresh proof carrying the nonce.
async function withDpopNonce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return attempt();
  }
}

export async function finishSignIn(config: AppConfig): Promise<{ session: StoredSession; enrol: boolean }> {
  const pending = JSON.parse(sessionStorage.getItem('signIn') ?? 'null') as { verifier: string; state: string; enrol?: boolean } | null;
  sessionStorage.removeItem('signIn');
  if (!pending) throw new Error('no sign-in under way');
  const as = await authorizationServer(config);
  const params = oauth.validateAuthResponse(as, client(config), new URL(location.href), pending.state);
  const DPoP = oauth.DPoP(client(config), await dpopKey());
  const result = await withDpopNonce(async () => oauth.processAuthorizationCodeResponse(as, client(config),
    await oauth.authorizationCodeGrantRequest(as, client(config), oauth.None(), params, config.redirectUri, pending.verifier, { DPoP, ...insecure(config) })));
  const base = sessionFrom(result);
  const info = await withDpopNonce(async () => oauth.processUserInfoResponse(as, client(config), base.sub,
    await oauth.userInfoRequest(as, client(config), result.access_token, { DPoP, ...insecure(config) })));
  const session: StoredSession = { ...base, nameAr: String(info['name#ar'] ?? info.name ?? ''), nameLatin: String(info['name#en'] ?? info.name ?? '') };
  // A sign-in while signed in (to enrol a key) replaces the session. The old refresh token
  // is not revoked: Hawiya keeps one grant per session and client, and revoking it would
  // end the new tokens too.
  await writeValue('session', session);
  return { session, enrol: pending.enrol === true };
}

export const storedSession = () => readValue<StoredSession>('session');

// A fresh access token, refreshing (and rotating the refresh token) when needed.
async function currentAccessToken(config: AppConfig): Promise<string> {
  if (accessToken && accessToken.expiresAt > Date.now()) return accessToken.value;
  return navigator.locks.request('hawiya-refresh', async () => {
    if (accessToken && accessToken.expiresAt > Date.now()) return accessToken.value;
    const session = await storedSession();
    if (!session) throw new Error('signed out');
    const as = await authorizationServer(config);
    const DPoP = oauth.DPoP(client(config), await dpopKey());
    const result = await withDpopNonce(async () => oauth.processRefreshTokenResponse(as, client(config),
      await oauth.refreshTokenGrantRequest(as, client(config), oauth.None(), session.refreshToken, { DPoP, ...insecure(config) })));
    // The old refresh token is spent: save the new one before anything else.
    await writeValue('session', { ...session, ...sessionFrom(result, session) });
    return result.access_token;
  });
}

// A call to the portal's API with the DPoP-bound token and a fresh proof.
export async function callApi(config: AppConfig, path: string): Promise<unknown> {
  const DPoP = oauth.DPoP(client(config), await dpopKey());
  const response = await oauth.protectedResourceRequest(await currentAccessToken(config), 'GET', new URL(path, config.portalUrl), new Headers(), null, { DPoP, ...insecure(config) });
  if (!response.ok) throw new Error(`the portal answered ${response.status}`);
  return response.json();
}

// A POST to one of Hawiya's own APIs (the device certificate), with the DPoP-bound token.
export async function postToHawiya(config: AppConfig, path: string, body: unknown): Promise<Response> {
  const DPoP = oauth.DPoP(client(config), await dpopKey());
  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
  return oauth.protectedResourceRequest(await currentAccessToken(config), 'POST', new URL(`${config.issuer.replace(/\/$/, '')}${path}`), headers, JSON.stringify(body), { DPoP, ...insecure(config) });
}

// Ends the app's session: the refresh token is revoked at Hawiya, the device forgets
// the session, and the browser goes to Hawiya to end the Hawiya session too.
export async function signOut(config: AppConfig, alsoAtHawiya: boolean): Promise<void> {
  const session = await storedSession();
  accessToken = undefined;
  await deleteValue('session');
  // The signing key was certified for this person: it goes with the session.
  await deleteValue('deviceKey');
  await deleteValue('deviceCertificate');
  if (!session) return;
  const as = await authorizationServer(config);
  await oauth.revocationRequest(as, client(config), oauth.None(), session.refreshToken, insecure(config)).catch(() => undefined);
  if (!alsoAtHawiya || !as.end_session_endpoint) return;
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({ id_token_hint: session.idToken, post_logout_redirect_uri: config.postLogoutRedirectUri, client_id: config.clientId }).toString();
  location.assign(url.href);
}

// Back-channel logout reaches the app's server; the app asks it at each start.
export async function sessionEnded(session: StoredSession): Promise<boolean> {
  const query = new URLSearchParams({ sub: session.sub, since: String(session.authTime), ...(session.sid ? { sid: session.sid } : {}) });
  const response = await fetch(`/session-status?${query}`);
  return response.ok && ((await response.json()) as { ended: boolean }).ended;
}
