// Agencies, and the initial access tokens with which an agency registers its own clients.
import { z } from 'zod';
import type { AdminDeps, AdminRouter } from './context.ts';
import { readJson } from '../body.ts';
import { AppError } from '../../errors.ts';
import { parseInput } from '../../oidc/agencies.ts';

const tokenRequest = z.object({
  // At most 90 days: a token that never ends is a standing invitation.
  expires_in: z.number().int().positive().max(90 * 24 * 3600).optional(),
}).strict();

export function mountAgencies(router: AdminRouter, deps: AdminDeps): void {
  router.get('/agencies', async (ctx) => {
    ctx.body = { agencies: await deps.agencies.list() };
  });

  router.post('/agencies', async (ctx) => {
    ctx.status = 201;
    ctx.body = await deps.agencies.create(await readJson(ctx, deps.maxBodyBytes), ctx.state.actor);
  });

  router.get('/agencies/:code', async (ctx) => {
    const agency = await deps.agencies.find(ctx.params.code!);
    if (!agency) throw new AppError('not_found', { message: `no agency ${ctx.params.code}` });
    ctx.body = { ...agency, clients: (await deps.clients.list(agency.code)).map((client) => client.client_id) };
  });

  router.patch('/agencies/:code', async (ctx) => {
    ctx.body = await deps.agencies.update(ctx.params.code!, await readJson(ctx, deps.maxBodyBytes), ctx.state.actor);
  });

  router.post('/agencies/:code/initial-access-tokens', async (ctx) => {
    const body = ctx.request.length ? await readJson(ctx, deps.maxBodyBytes) : {};
    const { expires_in: ttl } = parseInput(tokenRequest, body);
    ctx.status = 201;
    ctx.body = await deps.initialAccessTokens.issue(ctx.params.code!, ttl ?? deps.initialAccessTokenSeconds, ctx.state.actor);
  });

  router.get('/agencies/:code/initial-access-tokens', async (ctx) => {
    ctx.body = { initial_access_tokens: await deps.initialAccessTokens.list(ctx.params.code!) };
  });

  router.delete('/initial-access-tokens/:id', async (ctx) => {
    if (!(await deps.initialAccessTokens.revoke(ctx.params.id!, ctx.state.actor))) throw new AppError('not_found', { message: `no usable initial access token ${ctx.params.id}` });
    ctx.status = 204;
  });
}
