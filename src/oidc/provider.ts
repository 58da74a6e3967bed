// oidc-provider's configuration: our policy on top of the library's defaults. The
// provider holds no state in memory: every model is in the database (adapter.ts), keys
// are read from the key table, clients from the registry.
import { Provider, errors, type Configuration, type KoaContextWithOIDC, type ClientMetadata } from 'oidc-provider';
import type { Config } from '../config.ts';
import type { KeySet } from './keys.ts';
import type { Adapter } from 'oidc-provider';
import { SCOPE_CLAIMS, pairwiseSubject, claimsBeyondEntitlement, type FoundAccount } from './claims.ts';
import { validateClientRoles } from './client-roles.ts';
import { ACR, levelOfAcr } from '../authn/assurance.ts';
import { createInteractionPolicy } from './policy.ts';
import { loadExistingGrant } from './first-party.ts';
import { credentialDetailProblem, cscResource, isSigningRequest, CREDENTIAL_TYPE, SIGNING_TOKEN_SECONDS } from '../signing/credential-details.ts';


export interface ProviderDeps {
  config: Config;
  keySet: KeySet;
  adapter: (model: string) => Adapter;
  findAccount(clientId: string | undefined, id: string): Promise<FoundAccount | undefined>;
  render: {
    error(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string | undefined }, error: Error): void;
    logout(ctx: KoaContextWithOIDC, form: string): void;
    loggedOut(ctx: KoaContextWithOIDC): void;
  };
}

// What a client may ask for unless its registration says otherwise. national_id is not
// here: only a client registered with it in its `scope` is entitled to the e-ID number.
const DEFAULT_CLIENT_SCOPE = 'openid offline_access profile gender';

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
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((scope) => scope !== 'openid')],
    // Pairwise by default: each sector sees its own stable sub, so agencies cannot join
    // their data on it.
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => pairwiseSubject(keySet.pairwiseSecret, String(client.sectorIdentifier ?? client.clientId), accountId),
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
    } satisfies Partial<ClientMetadata>,
    extraClientMetadata: {
      // hawiya_min_acr: the lowest level of assurance the client accepts.
      // hawiya_first_party: Hawiya's own pages (hawiya-account), granted without consent.
      properties: ['hawiya_roles', 'hawiya_min_acr', 'hawiya_first_party'],
      validator: (_ctx, key, value, metadata) => {
        if (key === 'hawiya_min_acr' && value !== undefined && levelOfAcr(value) === undefined) {
          throw new Error(`hawiya_min_acr must be one of ${Object.values(ACR).join(', ')}`);
        }
        if (key === 'hawiya_first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new Error('hawiya_first_party must be a boolean');
        }
        validateClientRoles(key, value, metadata as Record<string, unknown>);
      },
    },
    // CORS only from the origins the client redirects to.
    clientBasedCORS: (_ctx, origin, client) => redirectOrigins(client).has(origin),
    findAccount: (ctx, id) => deps.findAccount(ctx.oidc.client?.clientId, id),
    loadExistingGrant,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: createInteractionPolicy() },
    // Every feature we rely on is named here, on or off, rather than left to the
    // library's defaults.
    features: {
      devInteractions: { enabled: false },
      // PAR and DPoP are on for clients that use them; per-client requirements come with
      // agency federation. Resource indicators are on because rich authorization requests
      // need them. The one resource server is the CSC API: a signing request's token is
      // bound to it (opaque, five minutes); any other `resource` is refused, and tokens of
      // requests without one stay as they were.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, _client, oneOf) => oneOf ?? (isSigningRequest(ctx.oidc.params?.authorization_details) ? cscResource(config.issuer) : undefined),
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== cscResource(config.issuer)) throw new errors.InvalidTarget();
          return { scope: 'csc', audience: resource, accessTokenFormat: 'opaque', accessTokenTTL: Math.min(SIGNING_TOKEN_SECONDS, config.ttl.accessToken) };
        },
      },
      // RFC 9396. `credential` (CSC API v2): what a citizen approves for signing; the
      // details travel from the consent to the code and to the access token unchanged.
      richAuthorizationRequests: {
        enabled: true,
        types: {
          [CREDENTIAL_TYPE]: {
            validate: (_ctx, detail) => {
              const problem = credentialDetailProblem(detail);
              if (problem) throw new errors.InvalidAuthorizationDetails(problem);
            },
          },
        },
        authorizationDetailsForGrantSource: (ctx) => (ctx.oidc.params?.authorization_details ? JSON.parse(String(ctx.oidc.params.authorization_details)) : undefined),
        authorizationDetailsForAccessToken: (_ctx, _token, source) => (source as { rar?: unknown } | undefined)?.rar as never,
        authorizationDetailsForIntrospection: (_ctx, token) => (token as { rar?: unknown }).rar as never,
      },
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
          const beyond = claimsBeyondEntitlement(claims as Record<string, Record<string, unknown> | undefined>, String(client.scope ?? DEFAULT_CLIENT_SCOPE).split(' '));
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
    ttl: {
      // A signing authorisation lasts five minutes, whatever the usual lifetime.
      AccessToken: (_ctx, token) => (isSigningRequest((token as { rar?: unknown }).rar) ? Math.min(SIGNING_TOKEN_SECONDS, config.ttl.accessToken) : config.ttl.accessToken),
      AuthorizationCode: config.ttl.authorizationCode,
      ClientCredentials: config.ttl.clientCredentials,
      IdToken: config.ttl.idToken,
      Interaction: config.ttl.interaction,
      // Idle timeout, never past the absolute lifetime: the session is saved again on
      // each use, with what is left of both.
      Session: (_ctx, session) => sessionTtlSeconds(config, (session as { loginTs?: number }).loginTs),
      Grant: config.ttl.grant,
      RefreshToken: config.ttl.refreshToken,
    },
  };
}

// A session lives idleSeconds past its last use, never past ttl.session after sign-in.
// oidc-provider keeps sessions on its own (system) clock, so this reads it too.
export function sessionTtlSeconds(config: Config, loginTs: number | undefined): number {
  const left = loginTs ? loginTs + config.ttl.session - Math.floor(Date.now() / 1000) : config.ttl.session;
  return Math.max(1, Math.min(config.session.idleSeconds, left));
}

export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.config.issuer, providerConfiguration(deps));
  provider.proxy = deps.config.trustProxy;
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
