// PGlite runs PostgreSQL as one backend with no autovacuum worker. The tables the provider
// and the sign-ins rewrite all day (tokens, sessions, throttle counters, the audit head)
// would keep every deleted or updated row as a dead tuple, growing and slowing scans
// for as long as the node runs. After each purge the node vacuums them itself; on
// PostgreSQL autovacuum does it and this does nothing.
import type { Db } from './db.ts';

export const CHURNING_TABLES = [
  'oidc_model', 'throttle', 'signin_progress', 'session_devices', 'webauthn_challenges', 'outbox', 'logout_deliveries', 'audit_head', 'known_devices',
] as const;

export async function vacuumChurningTables(db: Db): Promise<void> {
  if (db.backend !== 'pglite') return;
  await db.exec(`VACUUM (ANALYZE) ${CHURNING_TABLES.join(', ')}`);
}
