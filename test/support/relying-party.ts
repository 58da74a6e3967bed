// openid-client as the relying party of the tests.
import * as oidc from 'openid-client';
import type { RunningHawiya } from './harness.ts';
import { signIn, UserAgent } from './user-agent.ts';
import { randomInt } from 'node:crypto';
import { setAccountPassword } from '../../src/authn/accounts.ts';
import { enterPerson } from '../../src/register/register.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { sampleRecord, civilNumberFrom } from './registry-records.ts';
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

// A fictional registry record with a fresh, valid civil number.
export function fictionalRecord(overrides: Partial<RegistryRecord> = {}): RegistryRecord {
  let body = String(randomInt(2, 10));
  for (let i = 0; i < 8; i++) body += String(randomInt(10));
  return sampleRecord({
    civilNumber: civilNumberFrom(body),
    names: {
      ar: { given: 'سلمى', father: 'يوسف', grandfather: 'إبراهيم', family: 'الخطيب' },
      lat: { given: 'Salma', father: 'Youssef', grandfather: 'Ibrahim', family: 'El Khatib' },
    },
    birthDate: '1990-01-02',
    birthplace: 'Wadi Nour',
    sex: 'F',
    locale: 'en',
    ...overrides,
  });
}

// A person in the register with an account (username is an alias); returns the person's id.
export async function createPerson(running: RunningHawiya, person = PERSON, record = fictionalRecord()): Promise<string> {
  const { services } = running.hawiya;
  const entered = await enterPerson(services, record, { actor: 'test' });
  await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: entered.id, username: person.username, password: person.password, actor: 'test' }));
  return entered.id;
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
  const callback = await signIn(agent, request.url.toString(), person, params.redirect_uri ?? REDIRECT_URI);
  return { ...request, callback, agent };
}

export async function codeFlow(config: oidc.Configuration, params: Record<string, string> = {}) {
  const flow = await signInThrough(config, new UserAgent(), params);
  const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
  return { ...flow, tokens };
}

export { oidc };
