// oidc-provider's resourceIndicators feature (RFC 8707) over the resource_servers table:
// a client may ask for a token to an API of its own agency, and gets an RFC 9068 JWT
// access token, audience the API, with the API's scopes the request asked for.
import { errors, type KoaContextWithOIDC, type Client } from 'oidc-provider';
import type { ResourceServerDirectory } from './resource-servers.ts';
import { cscResource, isSigningRequest, SIGNING_TOKEN_SECONDS } from '../signing/credential-details.ts';

export function resourceIndicators(servers: Pick<ResourceServerDirectory, 'find'>, options: { issuer: string; maxTtlSeconds: number }) {
  const { maxTtlSeconds } = options;
  const csc = cscResource(options.issuer);
  return {
    enabled: true,
    // No resource asked for, none given: the token is for userinfo, as before; except a
    // signing request, whose token is bound to the CSC API.
    defaultResource: (ctx: KoaContextWithOIDC, _client: Client, oneOf?: readonly string[]) => oneOf
      ?? (isSigningRequest(ctx.oidc.params?.authorization_details) ? csc : undefined),
    // The token request may leave the resource out: the one granted is used.
    useGrantedResource: () => true,
    async getResourceServerInfo(_ctx: KoaContextWithOIDC, identifier: string, client: Client) {
      // Hawiya's own CSC API: a signing authorisation, opaque (signHash spends it once), five minutes.
      if (identifier === csc) {
        return { scope: 'csc', audience: csc, accessTokenFormat: 'opaque' as const, accessTokenTTL: Math.min(SIGNING_TOKEN_SECONDS, maxTtlSeconds) };
      }
      const server = await servers.find(identifier);
      const agency = (client as unknown as { hawiya_agency?: unknown }).hawiya_agency;
      if (!server || server.agency_code !== agency) throw new errors.InvalidTarget('the resource is not an API of this client\'s agency');
      return {
        scope: server.scopes.join(' '),
        audience: identifier,
        // A signing key outlives the longest token it signed only up to ttl.accessToken.
        accessTokenTTL: Math.min(server.access_token_ttl ?? maxTtlSeconds, maxTtlSeconds),
        accessTokenFormat: 'jwt' as const,
        jwt: { sign: { alg: 'ES256' as const } },
      };
    },
  };
}
