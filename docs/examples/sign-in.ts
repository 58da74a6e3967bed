// Signing a person in from an agency's server, the safe way: private_key_jwt (Hawiya
// holds no secret of yours), PAR (the request never travels in the browser's URL), PKCE,
// and DPoP-bound tokens (a stolen token is useless without your key). This is what a
// FAPI 2.0 client (`"hawiya_fapi": "2.0"`) must do; any client may.
import * as client from 'openid-client';

export interface SignInSession {
  codeVerifier?: string;
  state?: string;
}

export const LEVELS = ['low', 'substantial', 'high'].map((level) => `http://eidas.europa.eu/LoA/${level}`);

// Once, at start-up. `privateKey` signs your client assertions; its public half is the
// JWKS in your registration. `options.insecure` is for a local demo over http only.
export async function connect(issuer: URL, clientId: string, privateKey: CryptoKey, kid: string, options: { insecure?: boolean } = {}) {
  const config = await client.discovery(issuer, clientId, { token_endpoint_auth_signing_alg: 'ES256' },
    client.PrivateKeyJwt({ key: privateKey, kid }), options.insecure ? { execute: [client.allowInsecureRequests] } : undefined);
  // One DPoP key per server process is enough; openid-client answers the nonce challenge.
  const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  return { config, DPoP };
}

export type Connection = Awaited<ReturnType<typeof connect>>;

// Pushes the request, then returns where to send the browser.
export async function startSignIn({ config, DPoP }: Connection, session: SignInSession, redirectUri: string, level = LEVELS[1]!): Promise<URL> {
  session.codeVerifier = client.randomPKCECodeVerifier();
  session.state = client.randomState();
  return client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(session.codeVerifier),
    code_challenge_method: 'S256',
    state: session.state,
    acr_values: level,
    ui_locales: 'ar',
  }, { DPoP });
}

// The callback: exchange the code (checking state and iss), check the level, read the claims.
export async function finishSignIn({ config, DPoP }: Connection, callbackUrl: URL, session: SignInSession, level = LEVELS[1]!) {
  if (callbackUrl.searchParams.get('error') === 'unmet_authentication_requirements') {
    throw new Error('this service needs a second sign-in factor: add one on your Hawiya account page');
  }
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: session.codeVerifier, expectedState: session.state }, undefined, { DPoP });
  const idToken = tokens.claims();
  if (!idToken) throw new Error('no ID token');
  // Levels are ordered: accept the level asked for, or a higher one.
  if (LEVELS.indexOf(String(idToken.acr)) < LEVELS.indexOf(level)) throw new Error(`the sign-in did not reach ${level}`);
  const profile = await client.fetchUserInfo(config, tokens.access_token, idToken.sub, { DPoP });
  // Keep sid with your session: a back-channel logout names it.
  return { sub: idToken.sub, sid: idToken.sid as string | undefined, profile, idToken: tokens.id_token!, refreshToken: tokens.refresh_token };
}

// Silent check (prompt=none): is the person still signed in at Hawiya? No page is shown.
export async function silentCheckUrl({ config, DPoP }: Connection, session: SignInSession, redirectUri: string): Promise<URL> {
  session.codeVerifier = client.randomPKCECodeVerifier();
  session.state = client.randomState();
  return client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: redirectUri, scope: 'openid', prompt: 'none', state: session.state,
    code_challenge: await client.calculatePKCECodeChallenge(session.codeVerifier), code_challenge_method: 'S256',
  }, { DPoP });
}

export function logoutUrl({ config }: Connection, idToken: string, postLogoutRedirectUri: string): URL {
  return client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri });
}
