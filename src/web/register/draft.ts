// The answers of a registration in progress, kept in the citizen's browser: one cookie,
// sealed with AES-256-GCM under the key-encryption key (crypto/sealed-box.ts), httpOnly,
// SameSite=Lax, path /register, for an hour. Sealed rather than only signed because the
// answers are personal (civil number, birth date): the browser can neither read nor
// change them. A cookie rather than a server row because any node can open it, nothing
// needs purging, and an abandoned registration leaves nothing behind on our side.
//
// The draft's random flow id is what the pages' CSRF tokens are bound to: a forged post
// from another site carries neither the cookie's flow id nor a token for it.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { SealedBox } from '../../crypto/sealed-box.ts';
import type { Clock } from '../../clock.ts';

export const DRAFT_COOKIE = 'hawiya_registration';
const CONTEXT = 'registration-draft';
const DRAFT_MS = 60 * 60 * 1000;

const draftSchema = z.object({
  flowId: z.string(),
  startedAt: z.number(),
  answers: z.object({
    civilNumber: z.string().optional(),
    givenName: z.string().optional(),
    familyName: z.string().optional(),
    birthDate: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    // Asked, and left empty: the person will sign in with their e-ID number.
    usernameAlias: z.string().optional(),
    usernameAsked: z.boolean().optional(),
    officeCode: z.string().optional(),
  }),
  // Set once the application is made: what the confirmation page shows.
  submitted: z.object({ reference: z.string(), officeCode: z.string(), expiresAt: z.string() }).optional(),
});

export type Draft = z.infer<typeof draftSchema>;
export type Answers = Draft['answers'];

export interface DraftStore {
  box: SealedBox;
  clock: Clock;
}

export function readDraft(store: DraftStore, ctx: AppContext): Draft | null {
  const raw = ctx.cookies.get(DRAFT_COOKIE, { signed: false });
  if (!raw) return null;
  try {
    const draft = draftSchema.parse(JSON.parse(store.box.open(Buffer.from(raw, 'base64url'), CONTEXT).toString('utf8')));
    return store.clock.now().getTime() - draft.startedAt < DRAFT_MS ? draft : null;
  } catch {
    // Garbled, sealed under an old key, or not ours: start afresh.
    return null;
  }
}

export function writeDraft(store: DraftStore, ctx: AppContext, draft: Draft): void {
  const sealed = store.box.seal(Buffer.from(JSON.stringify(draft)), CONTEXT).toString('base64url');
  ctx.cookies.set(DRAFT_COOKIE, sealed, {
    signed: false, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/register', maxAge: DRAFT_MS, overwrite: true,
  });
}

// The draft this browser has, or a new empty one (saved at once, so the next post has it).
export function draftOf(store: DraftStore, ctx: AppContext): Draft {
  const existing = readDraft(store, ctx);
  if (existing) return existing;
  const draft: Draft = { flowId: randomBytes(16).toString('base64url'), startedAt: store.clock.now().getTime(), answers: {} };
  writeDraft(store, ctx, draft);
  return draft;
}
