// Hawiya's own client, hawiya-account: the account pages sign the person in through the
// provider like any relying party, but, being Hawiya itself, without a consent page.
import type { KoaContextWithOIDC, Grant, Provider } from 'oidc-provider';
import type { ClientMetadata, ClientRegistry } from './clients.ts';

export const ACCOUNT_CLIENT_ID = 'hawiya-account';
export const ACCOUNT_CALLBACK_PATH = '/account/callback';

export function accountCallbackUrl(issuer: string): string {
  return new URL(ACCOUNT_CALLBACK_PATH, issuer).toString();
}

export function accountClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Hawiya',
    redirect_uris: [accountCallbackUrl(issuer)],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    subject_type: 'public',
    scope: 'openid',
    hawiya_first_party: true,
  };
}

const sameMetadata = (stored: Record<string, unknown>, wanted: Record<string, unknown>) =>
  Object.keys(stored).length === Object.keys(wanted).length
  && Object.entries(wanted).every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));

// Idempotent, and a write only when the issuer changed: every node runs it at start.
export async function ensureAccountClient(clients: ClientRegistry, issuer: string): Promise<void> {
  const wanted = accountClientMetadata(issuer);
  const stored = await clients.find(ACCOUNT_CLIENT_ID);
  if (stored && sameMetadata(stored, wanted)) return;
  await clients.save(wanted);
}

export function isFirstParty(metadata: Record<string, unknown>): boolean {
  return metadata.hawiya_first_party === true;
}

// The authorization request that signs a person in to the account pages.
export function accountAuthorizationUrl(provider: Provider, params: Record<string, string>): string {
  const url = new URL(provider.pathFor('authorization'), provider.issuer);
  const query = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: accountCallbackUrl(provider.issuer), ...params,
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
