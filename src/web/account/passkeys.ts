// Adding, renaming and removing passkeys. Adding needs the browser (WebAuthn): the page
// says so without JavaScript; public/passkeys.js fetches the options, runs the ceremony
// and posts the result with the name the person typed.
import type Router from '@koa/router';
import { z } from 'zod';
import type { AccountContext, AccountDeps, AccountState } from './context.ts';
import { freshSignIn, isFresh, levelForChangesOf } from './me.ts';
import { displayName, postedForm, redirectAfterPost, renderAccountPage, renderConfirmation } from './page.ts';
import { levelAfterRemoval } from './authenticator.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { listPasskeys, PasskeyError, registrationOptions, type Passkey } from '../../authn/passkeys.ts';
import { addPasskey, removePasskeyOf, renamePasskeyOf } from '../../authn/factor-changes.ts';
import { factorsOf } from '../../authn/sign-in-flow.ts';
import { reachableLevel } from '../../authn/reachable-level.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

const NEW_PATH = '/account/security/passkeys/new';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const passkeyName = z.string().trim().max(60, 'account.passkeys.nameTooLong');
const requiredName = passkeyName.pipe(z.string().min(1, 'account.passkeys.nameRequired'));

function renderNew(deps: AccountDeps, ctx: AccountContext, extra: { name?: string; error?: AppError } = {}): void {
  if (extra.error) ctx.status = extra.error.status;
  renderAccountPage(deps, ctx, 'passkey-new', 'security', { pagePath: NEW_PATH, name: extra.name ?? '', error: extra.error });
}

async function passkeyOf(deps: AccountDeps, ctx: AccountContext): Promise<Passkey> {
  const id = String(ctx.params.id ?? '');
  const passkey = UUID.test(id) ? (await listPasskeys(deps.db, ctx.state.me.account.id)).find((each) => each.id === id) : undefined;
  if (!passkey) throw new AppError('not_found');
  return passkey;
}

function parseResponse(raw: string | null): RegistrationResponseJSON {
  return JSON.parse(raw ?? 'null') as RegistrationResponseJSON;
}

export function mountPasskeys(router: Router<AccountState>, deps: AccountDeps): void {
  const fresh = freshSignIn(deps);
  const change = (ctx: AccountContext) => ({ accountId: ctx.state.me.account.id, requestId: ctx.state.requestId });

  router.get('/security/passkeys/new', fresh, async (ctx) => renderNew(deps, ctx));

  // JSON for the page's script. A stale sign-in gets 403: the script then posts the form
  // empty, and the form's answer sends the person to sign in again.
  router.post('/security/passkeys/options', async (ctx) => {
    await postedForm(deps, ctx);
    const { me } = ctx.state;
    if (!isFresh(me, deps.clock.now(), await levelForChangesOf(deps, me))) {
      ctx.status = 403;
      ctx.body = { error: 'reauthentication_required' };
      return;
    }
    ctx.body = await registrationOptions(deps.passkeys, { id: me.account.id, username: me.account.username, displayName: displayName(me.person, 'en') });
  });

  router.post('/security/passkeys/new', fresh, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const t = translator(ctx.state.locale);
    const name = passkeyName.safeParse(form.get('name') ?? '');
    if (!name.success) return renderNew(deps, ctx, { name: form.get('name') ?? '', error: new AppError('invalid_form', { fields: { name: name.error.issues[0]!.message } }) });
    try {
      await addPasskey(deps.passkeys, change(ctx), { challengeId: form.get('challengeId') ?? '', response: parseResponse(form.get('response')), name: name.data || t('account.passkeys.defaultName') });
    } catch (err) {
      if (!(err instanceof PasskeyError) && !(err instanceof SyntaxError)) throw err;
      return renderNew(deps, ctx, { name: name.data, error: new AppError('passkey_not_added') });
    }
    redirectAfterPost(ctx, '/account/security', 'passkey-added');
  });

  router.get('/security/passkeys/:id/rename', fresh, async (ctx) => {
    const passkey = await passkeyOf(deps, ctx);
    renderAccountPage(deps, ctx, 'passkey-rename', 'security', { passkey, name: passkey.name, action: ctx.path });
  });

  router.post('/security/passkeys/:id/rename', fresh, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const passkey = await passkeyOf(deps, ctx);
    const name = requiredName.safeParse(form.get('name') ?? '');
    if (!name.success) {
      ctx.status = 400;
      return renderAccountPage(deps, ctx, 'passkey-rename', 'security', {
        passkey, name: form.get('name') ?? '', action: ctx.path, pagePath: ctx.path,
        error: new AppError('invalid_form', { fields: { name: name.error.issues[0]!.message } }),
      });
    }
    await renamePasskeyOf(deps, change(ctx), passkey.id, name.data);
    redirectAfterPost(ctx, '/account/security', 'passkey-renamed');
  });

  router.get('/security/passkeys/:id/remove', fresh, async (ctx) => {
    const passkey = await passkeyOf(deps, ctx);
    const { account } = ctx.state.me;
    const factors = await factorsOf(deps.db, account.id, account.verifiedInPerson);
    const t = translator(ctx.state.locale);
    renderConfirmation(deps, ctx, 'security', {
      title: t('account.passkeys.removeTitle', { name: passkey.name }),
      paragraphs: [t('account.passkeys.removeLead'), levelAfterRemoval(t, reachableLevel({ ...factors, passkeys: factors.passkeys.filter((each) => each.id !== passkey.id) }))],
      action: ctx.path,
      button: t('account.passkeys.removeButton'),
      back: '/account/security',
    });
  });

  router.post('/security/passkeys/:id/remove', fresh, async (ctx) => {
    await postedForm(deps, ctx);
    const passkey = await passkeyOf(deps, ctx);
    await removePasskeyOf(deps, change(ctx), passkey.id);
    redirectAfterPost(ctx, '/account/security', 'passkey-removed');
  });
}
