// Devices an account has signed in from, known by a hash of a long-lived device cookie.
// A sign-in from a device not seen before sends the person a notice.
import { createHash } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { enqueueNotice } from '../notify/outbox.ts';
import { appendAudit } from '../audit/audit-log.ts';

export async function recordSignIn(deps: { db: Db; clock: Clock }, input: { accountId: string; clientId: string; deviceId: string; userAgent: string; ip: string; requestId: string; amr: readonly string[] }): Promise<{ newDevice: boolean }> {
  const deviceHash = createHash('sha256').update(input.deviceId).digest('hex');
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const { rowCount } = await tx.query(
      'UPDATE known_devices SET last_seen = $3, user_agent = $4 WHERE account_id = $1 AND device_hash = $2',
      [input.accountId, deviceHash, now, input.userAgent.slice(0, 300)],
    );
    const newDevice = rowCount === 0;
    if (newDevice) {
      await tx.query(
        `INSERT INTO known_devices (account_id, device_hash, first_seen, last_seen, user_agent) VALUES ($1, $2, $3, $3, $4)
         ON CONFLICT (account_id, device_hash) DO NOTHING`,
        [input.accountId, deviceHash, now, input.userAgent.slice(0, 300)],
      );
    }
    // The address is kept as its network prefix only: enough to say "near …", not to track.
    const place = input.ip.includes(':') ? input.ip.split(':').slice(0, 3).join(':') + '::/48' : input.ip.split('.').slice(0, 3).join('.') + '.0/24';
    await appendAudit(tx, deps.clock, {
      actor: `person:${input.accountId}`, action: 'account.signed_in', subject: input.accountId, requestId: input.requestId,
      details: { clientId: input.clientId, amr: input.amr, network: place, device: input.userAgent.slice(0, 200), newDevice },
    });
    if (newDevice) await enqueueNotice(tx, deps.clock, { accountId: input.accountId, template: 'new_device', payload: { device: input.userAgent.slice(0, 200), network: place } });
    return { newDevice };
  });
}
