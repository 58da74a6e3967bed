// Each example's own sessions: a random id in a signed, http-only cookie, and the session
// in the example's store. A session remembers Hawiya's session id (sid) and the person's
// sub, so a back-channel logout can end it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { createJsonStore, type JsonStore } from './json-store.ts';

export const personSchema = z.object({
  sub: z.string(),
  sid: z.string().optional(),
  // The person's name in Arabic and in Latin script, as Hawiya releases both.
  nameAr: z.string(),
  nameLatin: z.string(),
  acr: z.string(),
  amr: z.array(z.string()),
  authTime: z.number(),
  idToken: z.string(),
  // Hawiya's agency_roles claim, "finance:<agency>" (the finance back office reads it).
  roles: z.array(z.string()).default([]),
  // The sign-in's access token, for Hawiya's APIs (the portal lists signing credentials).
  accessToken: z.string().optional(),
  accessTokenExpiresAt: z.number().optional(),
});
export type Person = z.infer<typeof personSchema>;

// `details`: the authorization_details asked for; `purpose`: what the sign-in is for (the
// gateway's payment id); `resource`: the API the access token is for, if any.
const pendingSignInSchema = z.object({
  state: z.string(), verifier: z.string(), returnTo: z.string(), level: z.string(), startedAt: z.number(),
  details: z.string().optional(), purpose: z.string().optional(), resource: z.string().optional(),
});
export type PendingSignIn = z.infer<typeof pendingSignInSchema>;

const sessionSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  // Every form of the example carries it: sites on the same host (other ports) are the
  // same site, so SameSite cookies alone would not stop a forged post.
  csrf: z.string(),
  pending: pendingSignInSchema.optional(),
  person: personSchema.optional(),
});
export type Session = z.infer<typeof sessionSchema>;

const storeSchema = z.object({ cookieKeys: z.array(z.string()), sessions: z.record(z.string(), sessionSchema) });

// A session ends after this long without use, like Hawiya's own.
const IDLE_SECONDS = 30 * 60;

export interface Sessions {
  cookieKeys: string[];
  current(ctx: Context): Session | undefined;
  // The current session, started if there is none.
  ensure(ctx: Context): Session;
  update(id: string, change: (session: Session) => void): void;
  destroy(ctx: Context): void;
  // Back-channel logout: ends every session signed in with Hawiya's sid (or, when the
  // token names no sid, every session of that sub). Returns how many ended.
  endSignedIn(match: { sid?: string | undefined; sub?: string | undefined }): number;
}

// A post from a form of this example, in this session.
export function checkCsrf(ctx: Context, session: Session | undefined, form: URLSearchParams): void {
  const sent = form.get('csrf');
  if (!session || !sent || sent.length !== session.csrf.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf))) {
    ctx.throw(403, 'this form has expired: go back, reload the page and try again');
  }
}

export function createSessions(options: { file: string | null; cookie: string; now?: () => number }): Sessions {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const store: JsonStore<z.infer<typeof storeSchema>> = createJsonStore(options.file, storeSchema, () => ({ cookieKeys: [randomBytes(32).toString('base64url')], sessions: {} }));
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, signed: true, overwrite: true };
  const live = (session: Session | undefined) => (session && session.lastSeenAt + IDLE_SECONDS > now() ? session : undefined);

  const sessions: Sessions = {
    cookieKeys: store.read().cookieKeys,
    current(ctx) {
      const id = ctx.cookies.get(options.cookie, { signed: true });
      const session = live(id ? store.read().sessions[id] : undefined);
      if (session && now() - session.lastSeenAt > 60) store.update((state) => { state.sessions[session.id]!.lastSeenAt = now(); });
      return session;
    },
    ensure(ctx) {
      const existing = sessions.current(ctx);
      if (existing) return existing;
      const session: Session = { id: randomBytes(32).toString('base64url'), createdAt: now(), lastSeenAt: now(), csrf: randomBytes(24).toString('base64url') };
      store.update((state) => {
        for (const [id, each] of Object.entries(state.sessions)) if (!live(each)) delete state.sessions[id];
        state.sessions[session.id] = session;
      });
      ctx.cookies.set(options.cookie, session.id, cookieOptions);
      return session;
    },
    update(id, change) {
      store.update((state) => {
        const session = state.sessions[id];
        if (session) change(session);
      });
    },
    destroy(ctx) {
      const session = sessions.current(ctx);
      if (session) store.update((state) => { delete state.sessions[session.id]; });
      ctx.cookies.set(options.cookie, null, cookieOptions);
    },
    endSignedIn(match) {
      return store.update((state) => {
        let ended = 0;
        for (const [id, session] of Object.entries(state.sessions)) {
          const person = session.person;
          if (!person) continue;
          const hit = match.sid ? person.sid === match.sid : match.sub !== undefined && person.sub === match.sub;
          if (hit) {
            delete state.sessions[id];
            ended += 1;
          }
        }
        return ended;
      });
    },
  };
  return sessions;
}
