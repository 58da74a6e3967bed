// Clients (add, replace, remove, a new secret) and the agencies' resource servers.
import { z } from 'zod';
import type { AdminDeps, AdminRouter } from './context.ts';
import { readJson } from '../body.ts';
import { AppError } from '../../errors.ts';
import { needsSecret, type ClientMetadata } from '../../oidc/clients.ts';
import { registerClient, rotateClientSecret, type OnboardingDeps } from '../../oidc/onboarding.ts';

const metadataBody = z.record(z.string(), z.unknown());

function withoutSecret(metadata: ClientMetadata): ClientMetadata {
  const { client_secret: _secret, ...rest } = metadata;
  return rest as ClientMetadata;
}

async function metadataOf(deps: AdminDeps, ctx: Parameters<Parameters<AdminRouter['post']>[1]>[0]): Promise<Record<string, unknown>> {
  const parsed = metadataBody.safeParse(await readJson(ctx, deps.maxBodyBytes));
  if (!parsed.success) throw new AppError('bad_request', { message: 'body: must be a JSON object of client metadata' });
  return parsed.data;
}

export function mountClients(router: AdminRouter, deps: AdminDeps): void {
  const onboarding: OnboardingDeps = { clients: deps.clients, agencies: deps.agencies, provider: deps.provider };

  router.get('/clients', async (ctx) => {
    const agency = typeof ctx.query.agency === 'string' ? ctx.query.agency : undefined;
    ctx.body = { clients: await deps.clients.list(agency) };
  });

  router.get('/clients/:id', async (ctx) => {
    const client = await deps.clients.find(ctx.params.id!);
    if (!client) throw new AppError('not_found', { message: `no client ${ctx.params.id}` });
    ctx.body = withoutSecret(client);
  });

  // A new client; a generated secret is in this answer only.
  router.post('/clients', async (ctx) => {
    const input = await metadataOf(deps, ctx);
    if (typeof input.client_id === 'string' && (await deps.clients.find(input.client_id))) {
      throw new AppError('conflict', { message: `client_id: a client ${input.client_id} exists already` });
    }
    ctx.status = 201;
    ctx.body = await registerClient(onboarding, input, ctx.state.actor);
  });

  // Replaces the registration; the secret stays unless a new one is asked for.
  router.put('/clients/:id', async (ctx) => {
    const input = await metadataOf(deps, ctx);
    const current = await deps.clients.find(ctx.params.id!);
    if (!current) throw new AppError('not_found', { message: `no client ${ctx.params.id}` });
    if (input.client_id !== undefined && input.client_id !== ctx.params.id) throw new AppError('bad_request', { message: 'client_id: differs from the path' });
    const keep = needsSecret(input) && typeof current.client_secret === 'string' && input.client_secret === undefined ? { client_secret: current.client_secret } : {};
    ctx.body = withoutSecret(await registerClient(onboarding, { ...input, ...keep, client_id: ctx.params.id }, ctx.state.actor));
  });

  router.delete('/clients/:id', async (ctx) => {
    if (!(await deps.clients.remove(ctx.params.id!, ctx.state.actor))) throw new AppError('not_found', { message: `no client ${ctx.params.id}` });
    ctx.status = 204;
  });

  router.post('/clients/:id/secret', async (ctx) => {
    ctx.body = await rotateClientSecret(onboarding, ctx.params.id!, ctx.state.actor);
  });

  router.get('/resource-servers', async (ctx) => {
    const agency = typeof ctx.query.agency === 'string' ? ctx.query.agency : undefined;
    ctx.body = { resource_servers: await deps.resourceServers.list(agency) };
  });

  router.post('/resource-servers', async (ctx) => {
    ctx.body = await deps.resourceServers.save(await readJson(ctx, deps.maxBodyBytes), ctx.state.actor);
  });
}
