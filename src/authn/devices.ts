// Devices an account has signed in from, known by a hash of a long-lived device cookie.
// A sign-in from a device not seen before sends the person a notice.
import { createHash } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { enqueueNotice } from '../notify/outbox.ts';
import { appendAudit } from '../audit/audit-log.ts';

export function deviceHashOf(deviceId: string): string {
  return createHash('sha256').update(deviceId).digest('hex');
}

// The address is kept as its network prefix only: enough to say "near …", not to track.
export function networkOf(ip: string): string {
  // An IPv4 client of a dual-stack server shows as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
  const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return address.includes(':') ? address.split(':').slice(0, 3).join(':') + '::/48' : address.split('.').slice(0, 3).join('.') + '.0/24';
}

export async function recordSignIn(deps: { db: Db; clock: Clock }, input: { accountId: string; clientId: string; deviceId: string; userAgent: string; ip: string; requestId: string; amr: readonly string[] }): Promise<{ newDevice: boolean }> {
  const deviceHash = deviceHashOf(input.deviceId);
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
    const place = networkOf(input.ip);
    await appendAudit(tx, deps.clock, {
      actor: `person:${input.accountId}`, action: 'account.signed_in', subject: input.accountId, requestId: input.requestId,
      details: { clientId: input.clientId, amr: input.amr, network: place, device: input.userAgent.slice(0, 200), newDevice },
    });
    if (newDevice) await enqueueNotice(tx, deps.clock, { accountId: input.accountId, template: 'new_device', payload: { device: input.userAgent.slice(0, 200), network: place } });
    return { newDevice };
  });
}

// The provider session a sign-in made, and the device it happened on. A session lives in
// one browser's cookie, so its device never changes: a later sign-in in it (a step-up, or
// the consent round that carries the sign-in over) keeps the first row.
export async function linkSessionToDevice(deps: { db: Db; clock: Clock }, input: { sessionUid: string; accountId: string; deviceId: string; userAgent: string; ip: string }): Promise<void> {
  await deps.db.query(
    `INSERT INTO session_devices (session_uid, account_id, device_hash, user_agent, network, signed_in_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (session_uid) DO NOTHING`,
    [input.sessionUid, input.accountId, deviceHashOf(input.deviceId), input.userAgent.slice(0, 300), networkOf(input.ip), deps.clock.now()],
  );
}

// Rows whose session is gone (ended elsewhere, or expired and purged).
export async function purgeSessionDevices(db: Db): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM session_devices d WHERE NOT EXISTS (SELECT 1 FROM oidc_model m WHERE m.model = 'Session' AND m.uid = d.session_uid)`,
  );
  return rowCount;
}
