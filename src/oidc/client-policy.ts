// Hawiya's own client metadata, checked by the provider each time it loads a client, so
// a registration that breaks a rule never runs, however it was stored:
//   hawiya_min_acr          the lowest level of assurance the client accepts
//   hawiya_first_party      Hawiya's own pages (hawiya-account, hawiya-office), granted without consent
//   hawiya_roles            roles beyond OAuth (client-roles.ts)
//   hawiya_agency           the agency that owns the client (the clients.agency_code column)
//   hawiya_sector           the pairwise sector, when it is not the agency's
//   hawiya_fapi             "2.0": the FAPI 2.0 Security Profile for this client
//   hawiya_token_lifetimes  shorter lifetimes than the provider's, per token kind
import { z } from 'zod';
import { ACR, levelOfAcr } from '../authn/assurance.ts';
import { validateClientRoles, ADMIN_SCOPE } from './client-roles.ts';

// What a client may ask for unless its registration says otherwise. national_id is not
// here: only a client registered with it in its `scope` is entitled to the e-ID number.
export const DEFAULT_CLIENT_SCOPE = 'openid offline_access profile gender';

export const HAWIYA_CLIENT_PROPERTIES = [
  'hawiya_roles', 'hawiya_min_acr', 'hawiya_first_party', 'hawiya_agency', 'hawiya_sector', 'hawiya_fapi', 'hawiya_token_lifetimes',
] as const;

const lifetimesSchema = z.object({
  access_token: z.number().int().positive().optional(),
  id_token: z.number().int().positive().optional(),
  refresh_token: z.number().int().positive().optional(),
}).strict();

export type TokenLifetimes = z.infer<typeof lifetimesSchema>;

// FAPI 2.0 Security Profile §5.3.2.1 and §5.4: asymmetric algorithms only, PS256 or ES256.
const FAPI_ALGORITHMS = new Set(['ES256', 'PS256']);

// FAPI 2.0 for one client: what the profile requires is made so (PAR, DPoP-bound tokens),
// and what it forbids is refused. PKCE S256 and `iss` in the authorization response hold
// for every client already.
function applyFapiProfile(metadata: Record<string, unknown>): void {
  if (metadata.token_endpoint_auth_method !== 'private_key_jwt') throw new Error('a hawiya_fapi client must use private_key_jwt');
  for (const key of ['token_endpoint_auth_signing_alg', 'id_token_signed_response_alg', 'request_object_signing_alg']) {
    const alg = metadata[key];
    if (alg !== undefined && !FAPI_ALGORITHMS.has(String(alg))) throw new Error(`a hawiya_fapi client's ${key} must be ES256 or PS256`);
  }
  if (metadata.token_endpoint_auth_signing_alg === undefined) throw new Error('a hawiya_fapi client must register token_endpoint_auth_signing_alg (ES256 or PS256)');
  metadata.require_pushed_authorization_requests = true;
  metadata.dpop_bound_access_tokens = true;
}

// The admin API's scope goes only to a client that holds the admin role.
function assertAdminScopeHolder(metadata: Record<string, unknown>): void {
  const scopes = String(metadata.scope ?? '').split(' ');
  const roles = Array.isArray(metadata.hawiya_roles) ? metadata.hawiya_roles : [];
  if (scopes.includes(ADMIN_SCOPE) && !roles.includes('admin')) throw new Error(`only a client with the admin role may hold the ${ADMIN_SCOPE} scope`);
}

// oidc-provider's extraClientMetadata validator: synchronous; throws to refuse. It may
// set standard metadata, which the provider then validates as usual.
export function validateHawiyaMetadata(key: string, value: unknown, metadata: Record<string, unknown>): void {
  if (key === 'hawiya_roles') assertAdminScopeHolder(metadata);
  if (value === undefined) return;
  switch (key) {
    case 'hawiya_min_acr':
      if (levelOfAcr(value) === undefined) throw new Error(`hawiya_min_acr must be one of ${Object.values(ACR).join(', ')}`);
      return;
    case 'hawiya_first_party':
      if (typeof value !== 'boolean') throw new Error('hawiya_first_party must be a boolean');
      return;
    case 'hawiya_roles':
      validateClientRoles(key, value, metadata);
      return;
    case 'hawiya_agency':
    case 'hawiya_sector':
      if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9.:-]{0,99}$/.test(value)) throw new Error(`${key} must be a lower-case code`);
      return;
    case 'hawiya_fapi':
      if (value !== '2.0') throw new Error('hawiya_fapi must be "2.0"');
      applyFapiProfile(metadata);
      return;
    case 'hawiya_token_lifetimes':
      if (!lifetimesSchema.safeParse(value).success) throw new Error('hawiya_token_lifetimes must hold positive whole seconds for access_token, id_token or refresh_token');
      return;
    default:
  }
}

// The client's own lifetime for a token kind, never longer than the provider's.
export function clientLifetime(client: unknown, kind: keyof TokenLifetimes, providerSeconds: number): number {
  const parsed = lifetimesSchema.safeParse((client as { hawiya_token_lifetimes?: unknown } | undefined)?.hawiya_token_lifetimes);
  const own = parsed.success ? parsed.data[kind] : undefined;
  return own === undefined ? providerSeconds : Math.min(own, providerSeconds);
}

// The sector of the pairwise sub: the registered sector, else the agency (so an agency's
// services see one sub per person), else the host of the redirect URIs.
export function sectorOf(client: { sectorIdentifier?: string | undefined; clientId: string }): string {
  const own = client as unknown as { hawiya_sector?: unknown; hawiya_agency?: unknown };
  if (typeof own.hawiya_sector === 'string') return `sector:${own.hawiya_sector}`;
  if (typeof own.hawiya_agency === 'string') return `agency:${own.hawiya_agency}`;
  return String(client.sectorIdentifier ?? client.clientId);
}
