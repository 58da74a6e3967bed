// Notes which device each sign-in's provider session is on. The session gets its uid only
// when the provider resumes the authorization after a sign-in (a new session is created
// then), so this wraps the provider and looks once it has answered; the response waits
// for the row, so the account pages never miss it.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { AppMiddleware } from './context.ts';
import { linkSessionToDevice } from '../authn/devices.ts';
import { deviceIdOf } from './device.ts';

interface ResumedSignIn {
  oidc?: {
    route?: string;
    result?: { login?: unknown };
    session?: { uid?: string; accountId?: string };
  };
}

export function linkSessionsToDevices(deps: { db: Db; clock: Clock }): AppMiddleware {
  return async (ctx, next) => {
    await next();
    const { oidc } = ctx as unknown as ResumedSignIn;
    if (oidc?.route !== 'resume' || !oidc.result?.login) return;
    const { uid, accountId } = oidc.session ?? {};
    if (!uid || !accountId) return;
    await linkSessionToDevice(deps, { sessionUid: uid, accountId, deviceId: deviceIdOf(ctx), userAgent: ctx.get('User-Agent'), ip: ctx.ip });
  };
}
