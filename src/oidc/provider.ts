// oidc-provider's configuration: our policy on top of the library's defaults. The
// provider holds no state in memory: every model is in the database (adapter.ts), keys
// are read from the key table, clients from the registry.
import { createHmac } from 'node:crypto';
import { Provider, errors, type Configuration, type KoaContextWithOIDC, type ClientMetadata } from 'oidc-provider';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { KeySet } from './keys.ts';
import type { Adapter } from 'oidc-provider';
import { SCOPE_CLAIMS, IDENTITY_CLAIMS, pairwiseSubject, claimsBeyondEntitlement, entitledClaim, type FoundAccount } from './claims.ts';
import { verifiedClaimsBeyondEntitlement, verifiedClaimsMetadata } from './verified-claims.ts';
import { ADMIN_SCOPE } from './client-roles.ts';
import { ACR } from '../authn/assurance.ts';
import { createInteractionPolicy } from './policy.ts';
import { loadExistingGrant } from './first-party.ts';
import { DEFAULT_CLIENT_SCOPE, HAWIYA_CLIENT_PROPERTIES, clientLifetime, sectorOf, validateHawiyaMetadata } from './client-policy.ts';
import { richAuthorizationRequests } from './rich-authorization.ts';
import { resourceIndicators } from './resource-indicators.ts';
import type { ResourceServerDirectory } from './resource-servers.ts';
import { queueLibraryLogouts } from './logout-delivery.ts';
import { isSigningRequest, SIGNING_TOKEN_SECONDS } from '../signing/credential-details.ts';

export interface ProviderDeps {
  config: Config;
  keySet: KeySet;
  resourceServers: Pick<ResourceServerDirectory, 'find'>;
  // Dynamic client registration policies (registration.ts), by name.
  registrationPolicies: Record<string, (ctx: KoaContextWithOIDC, metadata: Record<string, unknown>) => Promise<void>>;
  adapter: (model: string) => Adapter;
  findAccount(clientId: string | undefined, id: string, entitledScopes: readonly string[]): Promise<FoundAccount | undefined>;
  render: {
    error(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string | undefined }, error: Error): void;
    logout(ctx: KoaContextWithOIDC, form: string): void;
    loggedOut(ctx: KoaContextWithOIDC): void;
  };
}

// RFC 9449 §8: server nonces, derived from a secret every node shares and that never
// rotates, so a nonce from one node is good at another.
function dpopNonceSecret(keySet: KeySet): Buffer {
  return createHmac('sha256', keySet.pairwiseSecret).update('hawiya dpop nonce').digest();
}

function redirectOrigins(client: { redirectUris?: readonly string[] | undefined }): Set<string> {
  const origins = new Set<string>();
  for (const uri of client.redirectUris ?? []) {
    try {
      origins.add(new URL(uri).origin);
    } catch {
      // an unparsable redirect URI adds no origin
    }
  }
  return origins;
}

export function providerConfiguration(deps: ProviderDeps): Configuration {
  const { config, keySet } = deps;
  return {
    adapter: deps.adapter as unknown as Configuration['adapter'],
    clients: [],
    jwks: keySet.jwks as Configuration['jwks'],
    cookies: {
      keys: keySet.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    acrValues: Object.values(ACR),
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((scope) => scope !== 'openid'), ADMIN_SCOPE],
    // Pairwise by default: each sector sees its own stable sub, so agencies cannot join
    // their data on it.
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => pairwiseSubject(keySet.pairwiseSecret, sectorOf(client), accountId),
    responseTypes: ['code'],
    // PKCE with S256 on every authorization request, public and confidential clients alike.
    pkce: { required: () => true },
    rotateRefreshToken: true,
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      scope: DEFAULT_CLIENT_SCOPE,
      // ID tokens carry sid, so a back-channel logout token names the session it ends.
      backchannel_logout_session_required: true,
    } satisfies Partial<ClientMetadata>,
    extraClientMetadata: {
      properties: [...HAWIYA_CLIENT_PROPERTIES],
      validator: (_ctx, key, value, metadata) => validateHawiyaMetadata(key, value, metadata as Record<string, unknown>),
    },
    // CORS only from the origins the client redirects to.
    clientBasedCORS: (_ctx, origin, client) => redirectOrigins(client).has(origin),
    findAccount: (ctx, id) => deps.findAccount(ctx.oidc.client?.clientId, id, String(ctx.oidc.client?.scope ?? DEFAULT_CLIENT_SCOPE).split(' ')),
    // OIDC4IDA §8: what verified_claims can carry, and how the identity was verified.
    discovery: {
      claim_types_supported: ['normal'],
      ...verifiedClaimsMetadata(config.verifiedClaims.trustFramework, IDENTITY_CLAIMS),
    },
    loadExistingGrant,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: createInteractionPolicy() },
    // Every feature we rely on is named here, on or off, rather than left to the
    // library's defaults.
    features: {
      devInteractions: { enabled: false },
      // PAR, JAR and DPoP-bound tokens are open to every client, and required of a client
      // by its registration (require_pushed_authorization_requests,
      // require_signed_request_object, dpop_bound_access_tokens, or hawiya_fapi).
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      dPoP: { enabled: true, nonceSecret: dpopNonceSecret(keySet), requireNonce: () => true },
      // The FAPI 2.0 Security Profile, per client (client-policy.ts).
      fapi: { enabled: true, profile: (_ctx, client) => ((client as { hawiya_fapi?: unknown } | undefined)?.hawiya_fapi === '2.0' ? '2.0' : undefined) },
      // ID tokens (and logout tokens) encrypted for clients that register
      // id_token_encrypted_response_alg and a key to encrypt to.
      encryption: { enabled: true },
      resourceIndicators: resourceIndicators(deps.resourceServers, { issuer: config.issuer, maxTtlSeconds: config.ttl.accessToken }),
      richAuthorizationRequests: richAuthorizationRequests(),
      // Deliveries go through our queue (logout-delivery.ts), with retries.
      backchannelLogout: { enabled: true },
      registration: { enabled: true, initialAccessToken: true, issueRegistrationAccessToken: true, policies: deps.registrationPolicies },
      // The claims parameter carries essential acr requests; it may name only claims of the
      // scopes the client is registered for, so it never widens what a client receives.
      claimsParameter: {
        enabled: true,
        assertClaimsParameter: (_ctx, claims, client) => {
          for (const container of ['id_token', 'userinfo'] as const) {
            for (const value of Object.values(claims[container] ?? {})) {
              if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new errors.InvalidRequest(`claims.${container} members must be null or objects`);
            }
          }
          const requested = claims as Record<string, Record<string, unknown> | undefined>;
          const entitled = String(client.scope ?? DEFAULT_CLIENT_SCOPE).split(' ');
          let beyond: string[];
          try {
            beyond = [...claimsBeyondEntitlement(requested, entitled), ...verifiedClaimsBeyondEntitlement(requested, entitledClaim(entitled))];
          } catch (err) {
            throw new errors.InvalidRequest(`claims: ${(err as Error).message}`);
          }
          if (beyond.length > 0) throw new errors.InvalidRequest(`claims: ${beyond.join(', ')} not among what this client may receive`);
        },
      },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => deps.render.logout(ctx, form),
        postLogoutSuccessSource: async (ctx) => deps.render.loggedOut(ctx),
      },
    },
    // An access token from a sign-in carries that sign-in's level and time, for the APIs
    // that need a recent high sign-in: signHash, and device signing certificates.
    extraTokenClaims: (ctx) => {
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      return source?.acr ? { acr: source.acr, auth_time: source.authTime } : undefined;
    },
    renderError: async (ctx, out, error) => deps.render.error(ctx, out, error),
    // A client's registration may shorten its tokens' lifetimes, never lengthen them.
    ttl: {
      // A signing authorisation lasts five minutes, whatever the usual lifetime.
      AccessToken: (_ctx, token, client) => (isSigningRequest((token as { rar?: unknown }).rar)
        ? Math.min(SIGNING_TOKEN_SECONDS, config.ttl.accessToken)
        : token.resourceServer?.accessTokenTTL ?? clientLifetime(client, 'access_token', config.ttl.accessToken)),
      AuthorizationCode: config.ttl.authorizationCode,
      ClientCredentials: (_ctx, token, client) => token.resourceServer?.accessTokenTTL ?? clientLifetime(client, 'access_token', config.ttl.clientCredentials),
      IdToken: (_ctx, _token, client) => clientLifetime(client, 'id_token', config.ttl.idToken),
      Interaction: config.ttl.interaction,
      // Idle timeout, never past the absolute lifetime: the session is saved again on
      // each use, with what is left of both.
      Session: (_ctx, session) => sessionTtlSeconds(config, (session as { loginTs?: number }).loginTs),
      Grant: config.ttl.grant,
      RefreshToken: (_ctx, _token, client) => clientLifetime(client, 'refresh_token', config.ttl.refreshToken),
    },
  };
}

// A session lives idleSeconds past its last use, never past ttl.session after sign-in.
// oidc-provider keeps sessions on its own (system) clock, so this reads it too.
export function sessionTtlSeconds(config: Config, loginTs: number | undefined): number {
  const left = loginTs ? loginTs + config.ttl.session - Math.floor(Date.now() / 1000) : config.ttl.session;
  return Math.max(1, Math.min(config.session.idleSeconds, left));
}

// db and clock: for the back-channel logout queue.
export function createProvider(deps: ProviderDeps & { db: Db; clock: Clock }): Provider {
  const provider = new Provider(deps.config.issuer, providerConfiguration(deps));
  provider.proxy = deps.config.trustProxy;
  queueLibraryLogouts(provider, deps);
  return provider;
}

// How long a superseded key must stay after its successor takes over: a signing key as long
// as the longest-lived token it signed, a cookie key as long as a session or interaction.
export function keyLifetimes(config: Config): { signing: number; cookie: number } {
  return {
    signing: Math.max(config.ttl.idToken, config.ttl.accessToken, config.ttl.clientCredentials),
    cookie: Math.max(config.ttl.session, config.ttl.interaction),
  };
}
