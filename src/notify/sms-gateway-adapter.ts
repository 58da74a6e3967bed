// Text-message notices through an HTTP gateway: POST {"id", "to", "text"} as JSON with a
// bearer token. A 2xx answer means the gateway took the message; any other answer, a
// network error or no answer within the timeout is a failure, retried by the outbox. The
// notice id goes along so a gateway can drop a repeat (delivery is at least once).
import type { DeliveryAdapter } from './outbox.ts';

export interface SmsGatewaySettings {
  url: string;
  token: string;
  timeoutMs: number;
}

export function createSmsGatewayAdapter(settings: SmsGatewaySettings): DeliveryAdapter {
  return {
    async deliver(notice, message) {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${settings.token}` },
        body: JSON.stringify({ id: notice.id, to: notice.recipient, text: message.sms }),
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: 'error',
      });
      // Read and drop the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      // The status only: a gateway's error body might echo the number or the text.
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}
