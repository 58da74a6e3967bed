// openid-client as the relying party of the tests.
import * as oidc from 'openid-client';
import type { RunningHawiya } from './harness.ts';
import { signIn, UserAgent } from './user-agent.ts';
import { upsertAccount } from '../../src/authn/accounts.ts';
import type { ClientMetadata } from '../../src/oidc/clients.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';
export const PERSON = { username: 'test.person', password: 'correct horse battery staple' };

export async function registerClient(running: RunningHawiya, metadata: Partial<ClientMetadata> & { client_id: string }): Promise<void> {
  const full = {
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    ...metadata,
  };
  await running.hawiya.services.provider.current().Client.validate(full);
  await running.hawiya.services.clients.save(full);
}

export async function createPerson(running: RunningHawiya, person = PERSON): Promise<string> {
  return upsertAccount(running.hawiya.services, {
    ...person,
    claims: { name: 'Test Person', given_name: 'Test', family_name: 'Person', birthdate: '1990-01-02' },
  });
}

export async function discover(issuer: string, clientId: string, secret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, secret, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), { execute: [oidc.allowInsecureRequests] });
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
}

export async function authorizationRequest(config: oidc.Configuration, params: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url, verifier, state };
}

// The whole front channel: authorization request, sign-in, consent; returns the callback.
export async function signInThrough(config: oidc.Configuration, agent = new UserAgent(), params: Record<string, string> = {}, person = PERSON) {
  const request = await authorizationRequest(config, params);
  const callback = await signIn(agent, request.url.toString(), person, REDIRECT_URI);
  return { ...request, callback, agent };
}

export async function codeFlow(config: oidc.Configuration, params: Record<string, string> = {}) {
  const flow = await signInThrough(config, new UserAgent(), params);
  const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
  return { ...flow, tokens };
}

export { oidc };
