// Registering an agency's client, whoever does it (the CLI, the admin API): the agency
// must exist, the client stays within the agency's allowed scopes, a secret is generated
// when its authentication method needs one, and the provider validates the whole
// registration before it is stored (audited, by the registry).
import { unusableJwk } from './client-keys.ts';
import type { Provider } from 'oidc-provider';
import { AppError } from '../errors.ts';
import { assertWithinAgency, type Agency, type AgencyDirectory } from './agencies.ts';
import { generateClientSecret, needsSecret, type ClientMetadata, type ClientRegistry } from './clients.ts';
import { DEFAULT_CLIENT_SCOPE } from './client-policy.ts';

export interface OnboardingDeps {
  clients: ClientRegistry;
  agencies: AgencyDirectory;
  provider(): Provider;
}

// Without a `scope`, an agency's client may ask for the defaults its agency allows; the
// e-ID number is never a default, even for an agency allowed it.
export function defaultScopeFor(agency: Agency): string {
  return DEFAULT_CLIENT_SCOPE.split(' ').filter((scope) => agency.allowed_scopes.includes(scope)).join(' ');
}

export async function withinAgency(agencies: AgencyDirectory, metadata: Record<string, unknown>): Promise<void> {
  if (metadata.hawiya_agency === undefined) return;
  const agency = await agencies.find(String(metadata.hawiya_agency));
  if (!agency) throw new AppError('not_found', { message: `hawiya_agency: no agency ${String(metadata.hawiya_agency)}` });
  if (metadata.scope === undefined) metadata.scope = defaultScopeFor(agency);
  assertWithinAgency(agency, metadata);
}

export async function validateMetadata(provider: Provider, metadata: ClientMetadata): Promise<void> {
  const badKey = unusableJwk(metadata);
  if (badKey) throw new AppError('invalid_client_metadata', { message: badKey });
  try {
    await provider.Client.validate(metadata);
  } catch (err) {
    throw new AppError('invalid_client_metadata', { message: (err as { error_description?: string }).error_description ?? (err as Error).message, cause: err });
  }
}

// Adds or replaces a client. The answer holds the generated secret, if any: the only time
// it is shown.
export async function registerClient(deps: OnboardingDeps, input: Record<string, unknown>, actor: string): Promise<ClientMetadata> {
  if (typeof input.client_id !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(input.client_id)) {
    throw new AppError('invalid_client_metadata', { message: 'client_id: 1 to 100 letters, digits, dots, hyphens or underscores' });
  }
  const metadata = { ...input, client_id: input.client_id } as ClientMetadata;
  await withinAgency(deps.agencies, metadata);
  if (needsSecret(metadata) && typeof metadata.client_secret !== 'string') metadata.client_secret = generateClientSecret();
  if (!needsSecret(metadata)) delete metadata.client_secret;
  await validateMetadata(deps.provider(), metadata);
  await deps.clients.save(metadata, actor);
  return metadata;
}

// A new secret for a client that authenticates with one; the old one stops working at once.
export async function rotateClientSecret(deps: OnboardingDeps, clientId: string, actor: string): Promise<{ client_id: string; client_secret: string }> {
  const current = await deps.clients.find(clientId);
  if (!current) throw new AppError('not_found', { message: `no client ${clientId}` });
  if (!needsSecret(current)) throw new AppError('invalid_client_metadata', { message: `token_endpoint_auth_method: ${String(current.token_endpoint_auth_method)} uses no secret` });
  const clientSecret = generateClientSecret();
  await deps.clients.save({ ...current, client_secret: clientSecret }, actor);
  return { client_id: clientId, client_secret: clientSecret };
}
