// Which adapter delivers each channel, from the configuration. A channel with no gateway
// configured falls back to the development mailbox when it is on (development, test,
// demo); otherwise its notices wait in the outbox, undelivered, until a gateway is set up:
// in production a notice is never marked delivered without having been sent.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { mailboxAdapter, type Channel, type DeliveryAdapter } from './outbox.ts';
import { createSmtpAdapter } from './smtp-adapter.ts';
import { createSmsGatewayAdapter } from './sms-gateway-adapter.ts';

export interface DeliveryAdapters {
  adapters: Partial<Record<Channel, DeliveryAdapter>>;
  // Channels whose notices go nowhere yet (no gateway, no development mailbox).
  waiting: Channel[];
  close(): void;
}

function smsToken(sms: NonNullable<Config['notify']['sms']>): string {
  return sms.token ?? readFileSync(sms.tokenFile!, 'utf8').trim();
}

export function createDeliveryAdapters(notify: Config['notify']): DeliveryAdapters {
  const adapters: Partial<Record<Channel, DeliveryAdapter>> = {};
  const fallback = notify.devMailbox ? mailboxAdapter : undefined;
  const smtp = notify.email ? createSmtpAdapter(notify.email) : undefined;
  const email = smtp ?? fallback;
  const sms = notify.sms ? createSmsGatewayAdapter({ url: notify.sms.url, token: smsToken(notify.sms), timeoutMs: notify.sms.timeoutMs }) : fallback;
  if (email) adapters.email = email;
  if (sms) adapters.sms = sms;
  // The mailbox channel is for accounts with neither e-mail nor phone: the outbox row is
  // the whole delivery.
  adapters.mailbox = mailboxAdapter;
  const waiting = (['email', 'sms'] as const).filter((channel) => !adapters[channel]);
  return { adapters, waiting, close: () => smtp?.close() };
}
