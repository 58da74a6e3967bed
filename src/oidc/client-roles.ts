// Roles a client holds beyond OAuth, recorded in its registration as `hawiya_roles`, and
// the bearer-token check for the APIs that need one. A civil registry or admin client must
// authenticate with a key (private_key_jwt or mTLS), never a shared secret.
import type { Provider } from 'oidc-provider';
import { AppError } from '../errors.ts';

export const CLIENT_ROLES = ['civil_registry', 'admin'] as const;

// The scope of the admin API (/api/admin), held only by clients with the admin role.
export const ADMIN_SCOPE = 'hawiya:admin';
export type ClientRole = (typeof CLIENT_ROLES)[number];

// mTLS client authentication is not enabled in the provider yet, so only private_key_jwt.
const KEY_BASED_AUTH = new Set(['private_key_jwt']);

// oidc-provider's extraClientMetadata validator: throws to refuse a registration.
export function validateClientRoles(key: string, value: unknown, metadata: Record<string, unknown>): void {
  if (key !== 'hawiya_roles' || value === undefined) return;
  if (!Array.isArray(value) || !value.every((role) => (CLIENT_ROLES as readonly string[]).includes(role))) {
    throw new Error(`hawiya_roles must be a list of ${CLIENT_ROLES.join(', ')}`);
  }
  for (const role of ['civil_registry', 'admin']) {
    if (value.includes(role) && !KEY_BASED_AUTH.has(String(metadata.token_endpoint_auth_method))) {
      throw new Error(`a ${role} client must use private_key_jwt`);
    }
  }
}

// The client behind a client-credentials access token, if it holds the role (and, when
// asked, the scope). A sender-constrained token is refused here: these APIs take bearer
// tokens only, and a DPoP-bound token presented as a bearer token proves nothing.
export async function authoriseClientToken(provider: Provider, authorization: string | undefined, role: ClientRole, scope?: string): Promise<{ clientId: string }> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) throw new AppError('invalid_token');
  const token = await provider.ClientCredentials.find(match[1]!);
  if (!token || token.isExpired || !token.clientId || token.jkt) throw new AppError('invalid_token');
  const client = await provider.Client.find(token.clientId);
  const roles = (client?.metadata() as { hawiya_roles?: unknown } | undefined)?.hawiya_roles;
  if (!Array.isArray(roles) || !roles.includes(role)) throw new AppError('forbidden');
  if (scope !== undefined && !token.scopes.has(scope)) throw new AppError('insufficient_scope', { message: `the token lacks the ${scope} scope` });
  return { clientId: token.clientId };
}
