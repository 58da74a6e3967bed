// GET /dev/mailbox: the notices in the outbox, newest first, as their recipients would
// read them. For development and testing only: app.ts mounts it when notify.devMailbox is
// on, which no production setting does, because it shows people's addresses.
import Router from '@koa/router';
import type { Db } from '../db/db.ts';
import type { AppState } from './context.ts';
import { renderPage } from './render.ts';
import { formatMoment } from './account/format.ts';
import { direction, isLocale } from './i18n.ts';
import { renderNotice, type RenderedNotice } from '../notify/render-notice.ts';

interface OutboxRow {
  id: string;
  channel: string;
  recipient: string;
  template: string;
  locale: string;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
  delivered_at: Date | null;
  last_error: string | null;
  [column: string]: unknown;
}

const SHOWN = 100;

async function rendered(db: Db, row: OutboxRow): Promise<{ message?: RenderedNotice; error?: string }> {
  try {
    return { message: await renderNotice(db, row) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function createDevMailboxRouter(deps: { db: Db }): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/dev/mailbox', async (ctx) => {
    ctx.state.route = 'dev:mailbox';
    ctx.set('Cache-Control', 'no-store');
    const { locale } = ctx.state;
    const { rows } = await deps.db.query<OutboxRow>(
      `SELECT id, channel, recipient, template, locale, payload, created_at, attempts, delivered_at, last_error
       FROM outbox ORDER BY created_at DESC, id LIMIT $1`, [SHOWN],
    );
    const notices = await Promise.all(rows.map(async (row) => ({
      id: row.id,
      channel: row.channel,
      recipient: row.recipient,
      template: row.template,
      // The notice is in its recipient's language, whatever the page's language.
      lang: row.locale,
      dir: isLocale(row.locale) ? direction(row.locale) : 'auto',
      queued: formatMoment(locale, new Date(row.created_at)),
      queuedIso: new Date(row.created_at).toISOString(),
      delivered: row.delivered_at ? formatMoment(locale, new Date(row.delivered_at)) : undefined,
      attempts: row.attempts,
      lastError: row.last_error ?? undefined,
      ...(await rendered(deps.db, row)),
    })));
    renderPage(ctx, 'dev/mailbox', { notices });
  });
  return router;
}
