// The devices an account has signed in from (recorded at each sign-in by devices.ts), as
// the person sees them on their account page.
import type { Db } from '../db/db.ts';

export interface KnownDevice {
  // The hash of the device's cookie, which names the device to the sessions signed in on it.
  hash: string;
  userAgent: string;
  firstSeen: Date;
  lastSeen: Date;
}

export async function listKnownDevices(db: Db, accountId: string, limit = 20): Promise<KnownDevice[]> {
  const { rows } = await db.query<{ device_hash: string; user_agent: string | null; first_seen: Date; last_seen: Date }>(
    'SELECT device_hash, user_agent, first_seen, last_seen FROM known_devices WHERE account_id = $1 ORDER BY last_seen DESC LIMIT $2',
    [accountId, limit],
  );
  return rows.map((row) => ({ hash: row.device_hash, userAgent: row.user_agent ?? '', firstSeen: row.first_seen, lastSeen: row.last_seen }));
}
