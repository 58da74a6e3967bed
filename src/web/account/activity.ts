// /account/activity: the last 50 audit records about the person, in plain words: sign-ins
// (when, from which network and device, to which service when known), changes to their
// factors, sessions and services, and changes to their record in the register.
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { renderAccountPage } from './page.ts';
import { describeDevice, formatMoment } from './format.ts';
import { clientNames } from './client-names.ts';
import { translator, type Translate } from '../render.ts';
import { auditTrail } from '../../audit/audit-log.ts';

const ACTIONS: Record<string, string> = {
  'account.signed_in': 'signedIn',
  'account.password_set': 'passwordSet',
  'account.locale_changed': 'localeChanged',
  'account.first_password_set': 'firstPasswordSet',
  'account.activated': 'activated',
  'account.suspended': 'suspended',
  'factor.totp.added': 'totpAdded',
  'factor.totp.removed': 'totpRemoved',
  'factor.passkey.added': 'passkeyAdded',
  'factor.passkey.renamed': 'passkeyRenamed',
  'factor.passkey.removed': 'passkeyRemoved',
  'factor.recovery_codes.issued': 'recoveryCodesIssued',
  'session.ended': 'sessionEnded',
  'session.ended_on_device': 'sessionsEndedOnDevice',
  'session.ended_all': 'sessionsEndedAll',
  'grant.revoked': 'grantRevoked',
  'claims.national_id.released': 'nationalIdReleased',
  'claims.verified_claims.released': 'verifiedClaimsReleased',
  'person.created': 'personCreated',
  'person.name_change': 'personNameChange',
  'person.correction': 'personCorrection',
};

interface Row {
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

// The service a record is about: a client id in its details, or the client that acted.
function serviceOf(row: Row): string | undefined {
  return text(row.details.clientId) ?? (row.actor.startsWith('client:') ? row.actor.slice('client:'.length) : undefined);
}

function describe(t: Translate, row: Row, names: Map<string, string>) {
  const service = serviceOf(row);
  const client = service ? names.get(service) : undefined;
  const key = row.action === 'account.signed_in' && client ? 'signedInTo' : ACTIONS[row.action] ?? 'other';
  const details: string[] = [];
  if (row.action === 'account.signed_in') {
    if (text(row.details.network)) details.push(t('account.activity.network', { network: text(row.details.network)! }));
    if (text(row.details.device)) details.push(t('account.activity.device', { device: describeDevice(t, text(row.details.device)!) }));
  }
  if (text(row.details.name)) details.push(t('account.activity.passkeyName', { name: text(row.details.name)! }));
  return { what: t(`account.activity.actions.${key}`, { client: client ?? t('account.activity.aService') }), details, client };
}

export function mountActivity(router: Router<AccountState>, deps: AccountDeps): void {
  router.get('/activity', async (ctx) => {
    const { locale } = ctx.state;
    const t = translator(locale);
    const { rows } = await auditTrail(deps.db, ctx.state.me.account.id, 50);
    const names = await clientNames(deps, rows.map(serviceOf).filter((id) => id !== undefined));
    renderAccountPage(deps, ctx, 'activity', 'activity', {
      events: rows.map((row) => ({ when: formatMoment(locale, row.at), whenIso: new Date(row.at).toISOString(), ...describe(t, row, names) })),
    });
  });
}
