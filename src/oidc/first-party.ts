// Hawiya's own clients: the account pages (hawiya-account) and the counter app for office
// staff (hawiya-office) sign the person in through the provider like any relying party,
// but, being Hawiya itself, without a consent page. The counter's registration demands
// the high level (a device-bound passkey), so the provider itself enforces it.
import type { KoaContextWithOIDC, Grant, Provider } from 'oidc-provider';
import type { ClientMetadata, ClientRegistry } from './clients.ts';
import { ACR } from '../authn/assurance.ts';

export interface FirstPartyClient {
  clientId: string;
  name: string;
  callbackPath: string;
  // The registration's floor (hawiya_min_acr), when the pages need more than a password.
  minAcr?: string;
}

export const ACCOUNT_CLIENT: FirstPartyClient = { clientId: 'hawiya-account', name: 'Hawiya', callbackPath: '/account/callback' };
export const OFFICE_CLIENT: FirstPartyClient = { clientId: 'hawiya-office', name: 'Hawiya counter', callbackPath: '/office/callback', minAcr: ACR.high };
export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [ACCOUNT_CLIENT, OFFICE_CLIENT];

export function callbackUrl(client: FirstPartyClient, issuer: string): string {
  return new URL(client.callbackPath, issuer).toString();
}

export function firstPartyClientMetadata(client: FirstPartyClient, issuer: string): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: [callbackUrl(client, issuer)],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    subject_type: 'public',
    scope: 'openid',
    hawiya_first_party: true,
    ...(client.minAcr ? { hawiya_min_acr: client.minAcr } : {}),
  };
}

const sameMetadata = (stored: Record<string, unknown>, wanted: Record<string, unknown>) =>
  Object.keys(stored).length === Object.keys(wanted).length
  && Object.entries(wanted).every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));

// Idempotent, and a write only when the issuer changed: every node runs it at start.
export async function ensureFirstPartyClients(clients: ClientRegistry, issuer: string): Promise<void> {
  for (const client of FIRST_PARTY_CLIENTS) {
    const wanted = firstPartyClientMetadata(client, issuer);
    const stored = await clients.find(client.clientId);
    if (stored && sameMetadata(stored, wanted)) continue;
    await clients.save(wanted);
  }
}

export function isFirstParty(metadata: Record<string, unknown>): boolean {
  return metadata.hawiya_first_party === true;
}

// The authorization request that signs a person in to one of Hawiya's own page sets.
export function firstPartyAuthorizationUrl(provider: Provider, client: FirstPartyClient, params: Record<string, string>): string {
  const url = new URL(provider.pathFor('authorization'), provider.issuer);
  const query = new URLSearchParams({
    client_id: client.clientId, response_type: 'code', scope: 'openid', redirect_uri: callbackUrl(client, provider.issuer), ...params,
  });
  url.search = query.toString();
  return url.toString();
}

// The library's default (the interaction's or the session's grant), except that a
// first-party client is granted what it asks without a consent page. After
// oidc-provider's documented recipe for skipping consent.
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client!;
  const session = oidc.session!;
  const grantId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!isFirstParty(client.metadata() as Record<string, unknown>)) return existing;
  const grant = existing && existing.accountId === session.accountId ? existing : new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  await grant.save();
  return grant;
}
