// The outbox: notices to people are written in the same transaction as what caused them,
// and delivered afterwards by a worker, with retries and backoff, so none is lost when a
// gateway is down. Delivery is at least once: a node that dies after the gateway took a
// notice but before marking it delivered leaves it to be sent again when its lease ends
// (the notice id goes along, as Message-ID or the gateway's id, to let receivers drop the
// repeat). Adapters (delivery-adapters.ts) send e-mail by SMTP and texts by an HTTP
// gateway; the development mailbox keeps them in this table, shown at /dev/mailbox.
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { parseNoticePayload, type NoticePayload, type NoticeTemplate } from './templates.ts';
import { renderNotice, type RenderedNotice } from './render-notice.ts';

export type Channel = 'email' | 'sms' | 'mailbox';

export interface Notice {
  id: string;
  channel: Channel;
  recipient: string;
  template: string;
  locale: string;
  payload: Record<string, unknown>;
}

export interface DeliveryAdapter {
  // Resolves once the gateway has accepted the message; throws when it has not.
  deliver(notice: Notice, message: RenderedNotice): Promise<void>;
}

// Writes nothing anywhere: the notice stays readable in the outbox (the dev mailbox).
export const mailboxAdapter: DeliveryAdapter = { deliver: async () => {} };

// While a node delivers a notice, others leave it alone for this long.
const LEASE_SECONDS = 60;

// Where a person's notices go: email, else text message, else the development mailbox.
// The payload is checked against the template (templates.ts) before anything is written.
export async function enqueueNotice<T extends NoticeTemplate>(tx: Queryable, clock: Clock, input: { accountId: string; template: T; payload?: NoticePayload<T> }): Promise<string> {
  const payload = parseNoticePayload(input.template, input.payload);
  const { rows } = await tx.query<{ email: string | null; phone: string | null; locale: string }>(
    `SELECT a.email, a.phone, COALESCE(a.locale, p.locale) AS locale FROM accounts a JOIN persons p ON p.id = a.id WHERE a.id = $1`, [input.accountId],
  );
  const contact = rows[0];
  const [channel, recipient]: [Channel, string] = contact?.email ? ['email', contact.email] : contact?.phone ? ['sms', contact.phone] : ['mailbox', input.accountId];
  const id = randomUUID();
  const now = clock.now();
  await tx.query(
    `INSERT INTO outbox (id, account_id, channel, recipient, template, locale, payload, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
    [id, input.accountId, channel, recipient, input.template, contact?.locale ?? 'ar', payload, now],
  );
  return id;
}

const MAX_BACKOFF_SECONDS = 3600;

// Delivers what is due. A failure (the gateway refused, timed out, or the notice could not
// be rendered) is recorded and retried later with a doubling delay; nothing is dropped.
// Channels without an adapter are not attempted: their notices wait, undelivered.
export async function deliverDueNotices(deps: { db: Db; clock: Clock; adapters: Partial<Record<Channel, DeliveryAdapter>> }, limit = 100): Promise<{ delivered: number; failed: number }> {
  const now = deps.clock.now();
  // Claimed with a lease, so two nodes never send one notice twice.
  const { rows } = await deps.db.query<Notice & { attempts: number; [column: string]: unknown }>(
    `UPDATE outbox SET next_attempt_at = $4 WHERE id IN (
       SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 AND channel = ANY($3::text[])
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, channel, recipient, template, locale, payload, attempts`,
    [now, limit, Object.keys(deps.adapters), new Date(now.getTime() + LEASE_SECONDS * 1000)],
  );
  let delivered = 0;
  let failed = 0;
  for (const notice of rows) {
    try {
      await deps.adapters[notice.channel]!.deliver(notice, await renderNotice(deps.db, notice));
      await deps.db.query('UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1', [notice.id, deps.clock.now()]);
      delivered += 1;
    } catch (err) {
      const delay = Math.min(MAX_BACKOFF_SECONDS, 30 * 2 ** notice.attempts);
      await deps.db.query(
        'UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1',
        [notice.id, String((err as Error).message).slice(0, 500), new Date(deps.clock.now().getTime() + delay * 1000)],
      );
      failed += 1;
    }
  }
  return { delivered, failed };
}
