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
    // One statement: a device seen before is touched, a new one is added and said to be new.
    const { rows } = await tx.query<{ inserted: boolean }>(
      `INSERT INTO known_devices (account_id, device_hash, first_seen, last_seen, user_agent) VALUES ($1, $2, $3, $3, $4)
       ON CONFLICT (account_id, device_hash) DO UPDATE SET last_seen = excluded.last_seen, user_agent = excluded.user_agent
       RETURNING (xmax = 0) AS inserted`,
      [input.accountId, deviceHash, now, input.userAgent.slice(0, 300)],
    );
    const newDevice = rows[0]?.inserted === true;
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
