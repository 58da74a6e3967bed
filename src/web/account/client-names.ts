// The names people know relying parties by, for the account pages. Hawiya's own
// first-party client is not a "service" and is left out.
import type { AccountDeps } from './context.ts';
import { isFirstParty } from '../../oidc/first-party.ts';

export async function clientNames(deps: Pick<AccountDeps, 'clients'>, clientIds: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const clientId of new Set(clientIds)) {
    const client = await deps.clients.find(clientId);
    if (client && isFirstParty(client)) continue;
    names.set(clientId, typeof client?.client_name === 'string' ? client.client_name : clientId);
  }
  return names;
}
