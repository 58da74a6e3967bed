// The provider's signing keys, cookie keys and pairwise secret, sealed in the database so
// every node serves the same JWKS. A key's role follows from time alone, so nodes agree
// without coordination:
//   published, not yet signing  now < use_from
//   signing                     the newest key of its alg with use_from <= now
//   published, verify only      superseded, until retire_at
//   gone                        retire_at <= now
import { randomBytes, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Db, Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export type SigningAlg = 'ES256' | 'RS256' | 'PS256' | 'EdDSA';
type KeyKind = 'signing' | 'cookie' | 'pairwise';

export interface KeySet {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  pairwiseSecret: Buffer;
  // Changes whenever the set of keys or their roles change.
  version: string;
  // When a key's role next changes by the clock alone (a key starts signing or retires).
  nextChange: Date | undefined;
}

interface KeyRow {
  kid: string;
  kind: KeyKind;
  alg: string | null;
  sealed: unknown;
  use_from: Date;
  retire_at: Date | null;
  [column: string]: unknown;
}

export interface KeyDeps {
  db: Db;
  box: SealedBox;
  clock: Clock;
}

export class KeyEncryptionKeyMismatch extends Error {
  override name = 'KeyEncryptionKeyMismatch';
  constructor(current: string, stored: string[]) {
    super(`the database's keys are sealed under another key-encryption key (fingerprint ${stored.join(', ')}), not this one (${current}): start with the KEK the database was created with (HAWIYA_KEK or keys.kekFile)`);
  }
}

// Serialises key creation across nodes that start at once.
const KEYS_LOCK = 0x6b657973;

async function generateSecret(kind: KeyKind, alg: SigningAlg | null): Promise<{ kid: string; material: Buffer }> {
  const kid = randomBytes(12).toString('base64url');
  if (kind !== 'signing' || alg === null) return { kid, material: randomBytes(32) };
  const options = alg === 'RS256' || alg === 'PS256' ? { modulusLength: 2048, extractable: true } : { extractable: true };
  const { privateKey } = await generateKeyPair(alg, options);
  const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return { kid, material: Buffer.from(JSON.stringify(jwk)) };
}

async function insertKey(tx: Queryable, box: SealedBox, kind: KeyKind, alg: SigningAlg | null, useFrom: Date): Promise<string> {
  const { kid, material } = await generateSecret(kind, alg);
  await tx.query(
    'INSERT INTO keys (kid, kind, alg, sealed, kek_id, use_from) VALUES ($1, $2, $3, $4, $5, $6)',
    [kid, kind, alg, box.seal(material, `key:${kid}`), box.kekId, useFrom],
  );
  return kid;
}

function wantedKinds(algorithms: readonly SigningAlg[]): Array<[KeyKind, SigningAlg | null]> {
  return [...algorithms.map((alg): [KeyKind, SigningAlg] => ['signing', alg]), ['cookie', null], ['pairwise', null]];
}

// On first start (or when an algorithm is added to the configuration) create what is
// missing. Such a key signs at once: nobody can have cached a JWKS without it that matters.
export async function ensureKeys(deps: KeyDeps, algorithms: readonly SigningAlg[]): Promise<string[]> {
  return deps.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [KEYS_LOCK]);
    // A node started with another KEK would mint a second key set nobody else can open.
    const { rows: foreign } = await tx.query<{ kek_id: string }>('SELECT DISTINCT kek_id FROM keys WHERE kek_id <> $1', [deps.box.kekId]);
    if (foreign.length > 0) {
      throw new KeyEncryptionKeyMismatch(deps.box.kekId, foreign.map((row) => row.kek_id));
    }
    const now = deps.clock.now();
    const created: string[] = [];
    for (const [kind, alg] of wantedKinds(algorithms)) {
      const { rows } = await tx.query(
        `SELECT 1 FROM keys WHERE kind = $1 AND alg IS NOT DISTINCT FROM $2 AND (retire_at IS NULL OR retire_at > $3) LIMIT 1`,
        [kind, alg, now],
      );
      if (rows.length === 0) created.push(await insertKey(tx, deps.box, kind, alg, now));
    }
    if (created.length > 0) await appendAudit(tx, deps.clock, { actor: 'system', action: 'keys.created', details: { kids: created } });
    return created;
  });
}

// Adds a new key of each kind that starts signing after `publishBeforeUseSeconds`. The key
// it replaces stays until what it signed has expired: the longest-lived token for a
// signing key, the longest session for a cookie key.
export async function rotateKeys(
  deps: KeyDeps,
  options: { algorithms: readonly SigningAlg[]; publishBeforeUseSeconds: number; lifetimeSeconds: { signing: number; cookie: number } },
): Promise<Array<{ kid: string; kind: KeyKind; alg: string | null; useFrom: Date }>> {
  return deps.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [KEYS_LOCK]);
    const now = deps.clock.now();
    const useFrom = new Date(now.getTime() + options.publishBeforeUseSeconds * 1000);
    const added = [];
    for (const [kind, alg] of wantedKinds(options.algorithms)) {
      // The pairwise secret is never rotated: it would change every person's sub.
      if (kind === 'pairwise') continue;
      const retireAt = new Date(useFrom.getTime() + options.lifetimeSeconds[kind] * 1000);
      // Every key of this kind not yet scheduled to retire is superseded by the new one.
      await tx.query(
        `UPDATE keys SET retire_at = $3 WHERE kind = $1 AND alg IS NOT DISTINCT FROM $2 AND retire_at IS NULL`,
        [kind, alg, retireAt],
      );
      const kid = await insertKey(tx, deps.box, kind, alg, useFrom);
      added.push({ kid, kind, alg, useFrom });
    }
    await appendAudit(tx, deps.clock, { actor: 'cli', action: 'keys.rotated', details: { keys: added.map(({ kid, kind, alg }) => ({ kid, kind, alg })), useFrom } });
    return added;
  });
}

function newestFirst(a: KeyRow, b: KeyRow): number {
  return b.use_from.getTime() - a.use_from.getTime();
}

// Rows come without the retired ones. The signing key of a kind is the newest whose
// use_from has come; a key's retire_at lies after its successor's use_from, so the
// current key never disappears.
function partition(rows: KeyRow[], now: Date): { active: KeyRow | undefined; others: KeyRow[] } {
  const live = [...rows].sort(newestFirst);
  const active = live.find((row) => row.use_from <= now);
  return { active, others: live.filter((row) => row !== active) };
}

export async function loadKeySet(deps: KeyDeps): Promise<KeySet> {
  const now = deps.clock.now();
  const { rows } = await deps.db.query<KeyRow>(
    'SELECT kid, kind, alg, sealed, use_from, retire_at FROM keys WHERE retire_at IS NULL OR retire_at > $1 ORDER BY use_from DESC',
    [now],
  );
  const open = (row: KeyRow) => deps.box.open(toBuffer(row.sealed), `key:${row.kid}`);
  const byKind = (kind: KeyKind) => rows.filter((row) => row.kind === kind);

  const jwks: JWK[] = [];
  const verifyOnly: JWK[] = [];
  const algs = [...new Set(byKind('signing').map((row) => row.alg))];
  for (const alg of algs) {
    const { active, others } = partition(byKind('signing').filter((row) => row.alg === alg), now);
    if (active) jwks.push(JSON.parse(open(active).toString()) as JWK);
    // key_ops without "sign" keeps oidc-provider from signing with a published key.
    for (const row of others) verifyOnly.push({ ...(JSON.parse(open(row).toString()) as JWK), key_ops: ['verify'] });
  }

  const cookie = partition(byKind('cookie'), now);
  const cookieKeys = [cookie.active, ...cookie.others].filter((row): row is KeyRow => row !== undefined)
    .map((row) => open(row).toString('base64url'));
  const pairwise = partition(byKind('pairwise'), now).active;
  if (!pairwise || cookieKeys.length === 0 || jwks.length === 0) {
    throw new Error('the key table is missing keys: start the server once (`hawiya start`) to create them');
  }

  const changes = rows.flatMap((row) => [row.use_from, row.retire_at])
    .filter((when): when is Date => when !== null && when > now)
    .sort((a, b) => a.getTime() - b.getTime());
  const version = createHash('sha256')
    .update(JSON.stringify([jwks.map((key) => key.kid), verifyOnly.map((key) => key.kid), cookie.active?.kid, pairwise.kid]))
    .digest('base64url');
  return { jwks: { keys: [...jwks, ...verifyOnly] }, cookieKeys, pairwiseSecret: open(pairwise), version, nextChange: changes[0] };
}

export interface KeyListing {
  kid: string;
  kind: string;
  alg: string | null;
  created_at: Date;
  use_from: Date;
  retire_at: Date | null;
  [column: string]: unknown;
}

export async function listKeys(db: Db): Promise<KeyListing[]> {
  const { rows } = await db.query<KeyListing>('SELECT kid, kind, alg, created_at, use_from, retire_at FROM keys ORDER BY kind, alg, use_from');
  return rows;
}
