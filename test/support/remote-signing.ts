// A relying party that signs with a citizen's remote key through the CSC API: it asks for
// approval (an authorization request with authorization_details of type credential), the
// citizen signs in with their passkey and approves, and the token goes to signHash.
import { createHash } from 'node:crypto';
import type { RunningHawiya } from './harness.ts';
import { authorizationRequest, oidc, REDIRECT_URI } from './relying-party.ts';
import { UserAgent, formAction, hiddenInput, type Page } from './user-agent.ts';
import { usePasskey, type HighPerson } from './high-sign-in.ts';

export const SHA256 = '2.16.840.1.101.3.4.2.1';
export const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

export interface Approval {
  page: Page;
  token?: string;
  callback?: URL;
}

export function credentialDetail(credentialID: string, documents: Array<{ hash: Uint8Array; label: string }>) {
  return { type: 'credential', credentialID, hashAlgorithmOID: SHA256, documentDigests: documents.map((each) => ({ hash: Buffer.from(each.hash).toString('base64'), label: each.label })) };
}

// Runs the front channel up to the approval page; `approve` submits it and redeems the code.
export async function requestApproval(running: RunningHawiya, config: oidc.Configuration, person: HighPerson, detail: unknown, agent = new UserAgent(), params: Record<string, string> = {}) {
  const request = await authorizationRequest(config, { scope: 'openid', authorization_details: JSON.stringify([detail]), ...params });
  const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
  let page = await agent.navigate(request.url.toString(), {}, atCallback);
  if (page.html.includes('/passkey/options') || page.html.includes('name="password"')) page = await usePasskey(running, agent, page, person.key, atCallback);
  return {
    page,
    agent,
    async approve(): Promise<{ accessToken: string; tokens: oidc.TokenEndpointResponse }> {
      const done = await agent.navigate(new URL(formAction(page.html, '/confirm'), running.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf') } }, atCallback);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: request.verifier, expectedState: request.state });
      return { accessToken: tokens.access_token, tokens };
    },
  };
}

export async function cscCall(running: RunningHawiya, method: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${running.url}/csc/v2/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
}

// Approval and signHash of one hash: the DER signature.
export async function signRemotely(running: RunningHawiya, config: oidc.Configuration, person: HighPerson, credentialID: string, hash: Uint8Array, label: string): Promise<Buffer> {
  const { accessToken } = await (await requestApproval(running, config, person, credentialDetail(credentialID, [{ hash, label }]))).approve();
  const signed = await cscCall(running, 'signatures/signHash', { credentialID, hashes: [Buffer.from(hash).toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
  if (signed.status !== 200) throw new Error(`signHash failed: ${JSON.stringify(signed.json)}`);
  return Buffer.from((signed.json.signatures as string[])[0]!, 'base64');
}
