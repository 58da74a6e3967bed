// oidc-provider's configuration: our policy on top of the library's defaults. The
// provider holds no state in memory: every model is in the database (adapter.ts), keys
// are read from the key table, clients from the registry.
import { Provider, errors, type Configuration, type KoaContextWithOIDC, type ClientMetadata } from 'oidc-provider';
import type { Config } from '../config.ts';
import type { KeySet } from './keys.ts';
import type { Adapter } from 'oidc-provider';
import { SCOPE_CLAIMS, pairwiseSubject, claimsBeyondEntitlement, entitledClaim, type FoundAccount } from './claims.ts';
import { verifiedClaimsBeyondEntitlement, verifiedClaimsMetadata } from './verified-claims.ts';
import { validateClientRoles } from './client-roles.ts';
import { ACR, levelOfAcr } from '../authn/assurance.ts';
import { createInteractionPolicy } from './policy.ts';
import { loadExistingGrant } from './first-party.ts';


export interface ProviderDeps {
  config: Config;
  keySet: KeySet;
  adapter: (model: string) => Adapter;
  findAccount(clientId: string | undefined, id: string, entitledScopes: readonly string[]): Promise<FoundAccount | undefined>;
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
      // hawiya_first_party: Hawiya's own pages (hawiya-account, hawiya-office), granted without consent.
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
    findAccount: (ctx, id) => deps.findAccount(ctx.oidc.client?.clientId, id, String(ctx.oidc.client?.scope ?? DEFAULT_CLIENT_SCOPE).split(' ')),
    // OIDC4IDA §8: what verified_claims can carry, and how the identity was verified.
    discovery: {
      claim_types_supported: ['normal'],
      ...verifiedClaimsMetadata(config.verifiedClaims.trustFramework, Object.entries(SCOPE_CLAIMS).filter(([scope]) => scope !== 'openid' && scope !== 'verified_claims').flatMap(([, claims]) => claims)),
    },
    loadExistingGrant,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: createInteractionPolicy() },
    // Every feature we rely on is named here, on or off, rather than left to the
    // library's defaults.
    features: {
      devInteractions: { enabled: false },
      // PAR and DPoP are on for clients that use them; per-client requirements come with
      // agency federation. Resource indicators stay off until resource servers are registered.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      resourceIndicators: { enabled: false },
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
    renderError: async (ctx, out, error) => deps.render.error(ctx, out, error),
    ttl: {
      AccessToken: config.ttl.accessToken,
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
