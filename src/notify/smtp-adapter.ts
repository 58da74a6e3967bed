// E-mail notices through an SMTP relay (nodemailer). The notice id becomes the
// Message-ID, so a notice sent twice (delivery is at least once) reads as one message to
// mail systems that drop repeats.
import nodemailer from 'nodemailer';
import type { DeliveryAdapter } from './outbox.ts';

export interface SmtpSettings {
  // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://… (TLS from the start).
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

// The domain of the sender's address: the right-hand side of our Message-IDs.
function senderDomain(from: string): string {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'hawiya.invalid';
}

export function createSmtpAdapter(settings: SmtpSettings): DeliveryAdapter & { close(): void } {
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  const domain = senderDomain(settings.from);
  return {
    async deliver(notice, message) {
      await transport.sendMail({
        from: settings.from,
        to: notice.recipient,
        subject: message.subject,
        text: message.body,
        messageId: `<${notice.id}@${domain}>`,
        headers: { 'Content-Language': notice.locale, 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transport.close(),
  };
}
