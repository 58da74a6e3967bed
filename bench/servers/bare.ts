// The baseline: a bare oidc-provider with the library's own in-memory storage, Hawiya's
// provider configuration (same keys, cookie keys, client, policy) and nothing in front
// of it: no database, no middleware of ours.
import { createServer } from 'node:http';
import { Provider, type Configuration, type ClientMetadata as ProviderClientMetadata } from 'oidc-provider';
import { providerConfiguration, type ProviderDeps } from '../../src/oidc/provider.ts';
import type { KeySet } from '../../src/oidc/keys.ts';
import type { ClientMetadata } from '../../src/oidc/clients.ts';
import { BENCH_API, benchConfig, freeLoopbackPort } from '../lib/fixtures.ts';
import { exitWithParent, onParentMessage, tellParent } from '../lib/child-side.ts';
import type { SharedKeys } from '../lib/messages.ts';

// No one signs in on the bare provider; the benchmarked endpoints never look up accounts.
async function noAccount(): Promise<undefined> {
  return undefined;
}

// Hawiya's pages need its Koa state; the bare provider answers in plain text instead.
const plainPages: ProviderDeps['render'] = {
  error(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
  logout(ctx, form) {
    ctx.type = 'html';
    ctx.body = form;
  },
  loggedOut(ctx) {
    ctx.body = 'signed out';
  },
};

function unusedAdapter(): never {
  throw new Error('the bare provider uses the library default adapter');
}

function keySetFrom(keys: SharedKeys): KeySet {
  return { jwks: keys.jwks, cookieKeys: keys.cookieKeys, pairwiseSecret: Buffer.from(keys.pairwiseSecret, 'base64url'), version: 'bench', nextChange: undefined };
}

// Hawiya's configuration less its adapter (so the library's in-memory one is used), with
// the client given statically instead of through the registry.
function bareConfiguration(deps: ProviderDeps, client: ClientMetadata): Configuration {
  const { adapter: _hawiyaAdapter, ...configuration } = providerConfiguration(deps);
  return { ...configuration, clients: [client as ProviderClientMetadata] };
}

async function start(keys: SharedKeys, client: ClientMetadata): Promise<void> {
  const port = await freeLoopbackPort();
  const config = benchConfig(port, undefined);
  const deps: ProviderDeps = {
    config, keySet: keySetFrom(keys), adapter: unusedAdapter, findAccount: noAccount, render: plainPages,
    // The same API as Hawiya's registry holds, from memory.
    resourceServers: {
      find: async (identifier) => (identifier === BENCH_API.identifier
        ? { identifier, agency_code: BENCH_API.agency, scopes: BENCH_API.scopes, access_token_ttl: null, created_at: new Date(0), updated_at: new Date(0) }
        : null),
    },
    registrationPolicies: {},
  };
  const provider = new Provider(config.issuer, bareConfiguration(deps, client));
  provider.proxy = config.trustProxy;
  const server = createServer(provider.callback());
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, config.host, resolve));
  tellParent({ type: 'ready', url: config.issuer, backend: 'oidc-provider memory adapter' });
}

exitWithParent();
onParentMessage(async (message) => {
  if (message.type === 'start') await start(message.keys, message.client);
});
