// Who is at the counter: a provider session at the high level (a device-bound passkey),
// held by a person on the staff list. Both are read at every request, so removing someone
// from the staff, or their session ending, takes effect at their next click.
import type { Middleware } from 'koa';
import type { OfficeDeps, OfficeState } from './context.ts';
import { currentSession } from '../../oidc/sessions.ts';
import { OFFICE_CLIENT } from '../../oidc/first-party.ts';
import { levelOfAcr } from '../../authn/assurance.ts';
import { createFirstPartySignIn } from '../first-party-sign-in.ts';
import { renderPage } from '../render.ts';
import { AppError } from '../../errors.ts';
import type { StaffRole } from '../../enrolment/staff.ts';

export const officeSignIn = createFirstPartySignIn(OFFICE_CLIENT, '/office');

export function staffOnly(deps: OfficeDeps): Middleware<OfficeState> {
  return async (ctx, next) => {
    const session = await currentSession(deps.provider(), ctx.cookies, deps.sessionTtl);
    if (!session || levelOfAcr(session.acr) !== 'high') {
      return officeSignIn.start(deps.provider(), ctx, { returnTo: ctx.method === 'GET' ? ctx.path : '/office', level: 'high' });
    }
    const [account, staff] = await Promise.all([deps.accounts.findById(session.accountId), deps.staff.find(session.accountId)]);
    if (!account?.active || !staff) {
      ctx.status = 403;
      return renderPage(ctx, 'office/not-staff');
    }
    const office = staff.officeCode ? await deps.offices.find(staff.officeCode) : null;
    ctx.state.clerk = { session, staff, office };
    await next();
  };
}

// The role, checked at the web layer too (the domain checks it again).
export function roles(...allowed: StaffRole[]): Middleware<OfficeState> {
  return async (ctx, next) => {
    if (!allowed.includes(ctx.state.clerk.staff.role)) throw new AppError('forbidden', { message: `needs ${allowed.join(' or ')}` });
    await next();
  };
}

export const counterStaff = roles('clerk', 'supervisor');
export const supervisors = roles('supervisor');
export const registrarAdmins = roles('registrar_admin');
