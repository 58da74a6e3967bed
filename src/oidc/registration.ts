// OpenID Dynamic Client Registration for agencies (features.registration). A request must
// carry an initial access token that an admin issued to one agency; the token's policy
// makes the new client that agency's, within the agency's allowed scopes, with https
// redirect URIs only (a native client may also use the loopback address, RFC 8252 §7.3),
// and without the settings only an admin may make.
import { unusableJwk } from './client-keys.ts';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { AgencyDirectory } from './agencies.ts';
import { defaultScopeFor } from './onboarding.ts';
import type { InitialAccessTokenStore } from './initial-access-tokens.ts';

export const AGENCY_POLICY = 'hawiya-agency';

// Set by an administrator only, never by the agency registering itself.
const ADMIN_ONLY = ['hawiya_roles', 'hawiya_first_party', 'hawiya_sector', 'hawiya_agency'];

function isLoopback(uri: URL): boolean {
  return uri.protocol === 'http:' && (uri.hostname === '127.0.0.1' || uri.hostname === '[::1]');
}

function assertRedirectUris(metadata: Record<string, unknown>): void {
  const native = metadata.application_type === 'native';
  for (const key of ['redirect_uris', 'post_logout_redirect_uris']) {
    const uris = Array.isArray(metadata[key]) ? metadata[key] as unknown[] : [];
    for (const [index, value] of uris.entries()) {
      const uri = URL.parse(String(value));
      if (!uri || !(uri.protocol === 'https:' || (native && isLoopback(uri)))) {
        throw new errors.InvalidClientMetadata(`${key}[${index}] must be an https URI${native ? ' or a loopback http URI (127.0.0.1 or [::1])' : ''}`);
      }
    }
  }
  for (const key of ['backchannel_logout_uri', 'jwks_uri', 'sector_identifier_uri']) {
    if (metadata[key] !== undefined && URL.parse(String(metadata[key]))?.protocol !== 'https:') throw new errors.InvalidClientMetadata(`${key} must be an https URI`);
  }
}

export function createRegistrationPolicies(deps: { agencies: AgencyDirectory; initialAccessTokens: InitialAccessTokenStore }) {
  return {
    async [AGENCY_POLICY](ctx: KoaContextWithOIDC, metadata: Record<string, unknown>): Promise<void> {
      const token = await deps.initialAccessTokens.findUsable(ctx.oidc.getAccessToken());
      const agency = token ? await deps.agencies.find(token.agency_code) : null;
      if (!agency) throw new errors.InvalidToken('initial access token not found');
      const reserved = ADMIN_ONLY.find((key) => metadata[key] !== undefined);
      if (reserved) throw new errors.InvalidClientMetadata(`${reserved} is set by an administrator only`);
      if (metadata.subject_type === 'public') throw new errors.InvalidClientMetadata('subject_type must be pairwise');
      assertRedirectUris(metadata);
      const badKey = unusableJwk(metadata);
      if (badKey) throw new errors.InvalidClientMetadata(badKey);
      if (metadata.scope === undefined) metadata.scope = defaultScopeFor(agency);
      const beyond = String(metadata.scope).split(' ').filter((scope) => scope && !agency.allowed_scopes.includes(scope));
      if (beyond.length > 0) throw new errors.InvalidClientMetadata(`scope: ${beyond.join(', ')} not allowed to agency ${agency.code}`);
      metadata.hawiya_agency = agency.code;
    },
  };
}

// The adapter of the InitialAccessToken model: our table, looked up by the token's hash,
// with the agency policy above attached to every token.
export function initialAccessTokenPayload(store: InitialAccessTokenStore) {
  return async (token: string) => {
    const found = await store.findUsable(token);
    if (!found) return undefined;
    const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
    return { jti: token, kind: 'InitialAccessToken', iat: epoch(found.created_at), exp: epoch(found.expires_at), policies: [AGENCY_POLICY] };
  };
}
