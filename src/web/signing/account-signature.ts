// /account/signature: the citizen's signing certificate. Making one needs a sign-in at the
// high level less than five minutes old, and the person's explicit consent on its own
// page; revoking needs only the person's session (stopping a key must be easy).
//
//   /account/signature          the certificate, its state, past ones
//   …/signature/new             what a signature means; consent; create   (fresh high)
//   …/signature/revoke          confirmation; revoke
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AccountContext, AccountDeps, AccountState } from '../account/context.ts';
import { isFresh } from '../account/me.ts';
import { startSignIn } from '../account/sign-in.ts';
import { noticeOf, postedForm, redirectAfterPost, renderAccountPage, renderConfirmation } from '../account/page.ts';
import { formatMoment } from '../account/format.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { factorsOf } from '../../authn/sign-in-flow.ts';
import { reachableLevel } from '../../authn/reachable-level.ts';
import { certificatesOf, issueCertificate } from '../../signing/certificates.ts';
import { revokeCertificate } from '../../signing/revocation.ts';
import { semanticsSerialNumber } from '../../signing/certificate-profile.ts';
import type { SigningService } from '../../signing/signing-service.ts';

const PATH = '/account/signature';
const NOTICES = { created: 'signature.account.created', revoked: 'signature.account.revoked' };

// A signing key is made only at the high level, freshly: the person proves it is them with
// a device-bound passkey just before. An account that cannot reach high is told how to.
function freshHighSignIn(deps: AccountDeps): Middleware<AccountState> {
  return async (ctx, next) => {
    const { me } = ctx.state;
    if (isFresh(me, deps.clock.now(), 'high')) return next();
    const factors = await factorsOf(deps.db, me.account.id, me.account.verifiedInPerson);
    if (reachableLevel(factors) !== 'high') {
      return renderAccountPage(deps, ctx, 'signature-unreachable', 'signature', { verifiedInPerson: me.account.verifiedInPerson });
    }
    startSignIn(deps, ctx, { returnTo: ctx.path, reauthenticate: 'high' });
  };
}

async function liveOf(signing: SigningService, ctx: AccountContext) {
  const all = await certificatesOf(signing.db, ctx.state.me.person.id);
  return { live: all.filter((each) => each.revokedAt === null && each.holder === 'remote')[0], all };
}

export function mountSignature(router: Router<AccountState>, deps: AccountDeps & { signing: SigningService }): void {
  const fresh = freshHighSignIn(deps);
  const actor = (ctx: AccountContext) => ({ actor: `person:${ctx.state.me.person.id}`, requestId: ctx.state.requestId, sourceIp: ctx.ip });

  router.get('/signature', async (ctx) => {
    const { locale } = ctx.state;
    const { all } = await liveOf(deps.signing, ctx);
    renderAccountPage(deps, ctx, 'signature', 'signature', {
      notice: noticeOf(ctx, NOTICES),
      certificates: all.map((each) => ({
        serial: each.serial,
        holder: each.holder,
        live: each.revokedAt === null,
        issued: formatMoment(locale, each.issuedAt),
        validUntil: formatMoment(locale, each.notAfter),
        revoked: each.revokedAt ? formatMoment(locale, each.revokedAt) : null,
      })),
      hasLive: all.some((each) => each.revokedAt === null && each.holder === 'remote'),
      subjectSerial: semanticsSerialNumber(deps.signing.settings.country, ctx.state.me.person.eid),
    });
  });

  router.get('/signature/new', fresh, async (ctx) => {
    if ((await liveOf(deps.signing, ctx)).live) return ctx.redirect(PATH);
    renderAccountPage(deps, ctx, 'signature-new', 'signature', { action: `${PATH}/new`, pagePath: `${PATH}/new` });
  });

  router.post('/signature/new', fresh, async (ctx) => {
    const form = await postedForm(deps, ctx);
    if (form.get('consent') !== 'yes') {
      ctx.status = 400;
      return renderAccountPage(deps, ctx, 'signature-new', 'signature', {
        action: `${PATH}/new`, pagePath: `${PATH}/new`, error: new AppError('invalid_form', { fields: { consent: 'signature.account.consentRequired' } }),
      });
    }
    try {
      await issueCertificate(deps.signing, await deps.signing.ca(), { person: ctx.state.me.person, holder: 'remote' }, actor(ctx));
    } catch (err) {
      // A second tab, or a double click: the first one made it.
      if (!(err instanceof AppError) || err.code !== 'certificate_exists') throw err;
    }
    redirectAfterPost(ctx, PATH, 'created');
  });

  router.get('/signature/revoke', async (ctx) => {
    const { live } = await liveOf(deps.signing, ctx);
    if (!live) return ctx.redirect(PATH);
    const t = translator(ctx.state.locale);
    renderConfirmation(deps, ctx, 'signature', {
      title: t('signature.account.revokeTitle'),
      paragraphs: [t('signature.account.revokeLead'), t('signature.account.revokeEffect')],
      action: ctx.path,
      button: t('signature.account.revokeButton'),
      back: PATH,
    });
  });

  router.post('/signature/revoke', async (ctx) => {
    await postedForm(deps, ctx);
    const { live } = await liveOf(deps.signing, ctx);
    if (live) {
      await deps.db.transaction((tx) => revokeCertificate(tx, deps.clock, { serial: live.serial, personId: ctx.state.me.person.id, reason: 'unspecified' }, actor(ctx)));
    }
    redirectAfterPost(ctx, PATH, 'revoked');
  });
}
