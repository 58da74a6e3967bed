// Accounts as the provider and the sign-in pages see them. Every account belongs to a
// person of the register: the account id is the person's id, and a deceased person's or a
// blocked account cannot sign in.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { PasswordHasher } from './passwords.ts';
import { appendAudit } from '../audit/audit-log.ts';

export interface Account {
  id: string;
  username: string;
  // None until the holder sets one at their first sign-in, or after an in-person recovery.
  passwordHash: string | null;
  // Where the account is in its life (src/enrolment/README.md).
  state: AccountState;
  // True only for an active account whose person is alive and which is not blocked.
  active: boolean;
  // True for an account whose holder set their first password but has not yet enrolled a
  // second factor (person alive, account not blocked): their password sign-in continues
  // at the enrolment step instead of ending.
  awaitingSecondFactor: boolean;
  // A counter clerk has checked the holder's identity document.
  verifiedInPerson: boolean;
  locale: 'ar' | 'fr' | 'en';
}

export type AccountState = 'awaiting_password' | 'awaiting_second_factor' | 'active' | 'suspended';

export interface AccountDirectory {
  findById(id: string): Promise<Account | null>;
  findByUsername(username: string): Promise<Account | null>;
  replacePasswordHash(id: string, passwordHash: string): Promise<void>;
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string | null;
  state: AccountState;
  active: boolean;
  awaiting_second_factor: boolean;
  verified_in_person: boolean;
  locale: 'ar' | 'fr' | 'en';
  [column: string]: unknown;
}

const toAccount = (row: AccountRow): Account => ({
  id: row.id, username: row.username, passwordHash: row.password_hash, state: row.state, active: row.active,
  awaitingSecondFactor: row.awaiting_second_factor,
  verifiedInPerson: row.verified_in_person, locale: row.locale,
});

const SELECT_ACCOUNT = `SELECT a.id, a.username, a.password_hash, a.state,
  (a.state = 'active' AND a.blocked_at IS NULL AND p.status = 'alive') AS active,
  (a.state = 'awaiting_second_factor' AND a.blocked_at IS NULL AND p.status = 'alive') AS awaiting_second_factor,
  (a.verified_in_person_at IS NOT NULL) AS verified_in_person, COALESCE(a.locale, p.locale) AS locale
  FROM accounts a JOIN persons p ON p.id = a.id`;

// Usernames are matched case-insensitively, trimmed: people type them on phones.
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

export function createAccountDirectory(deps: { db: Db; clock: Clock }): AccountDirectory {
  const { db, clock } = deps;
  return {
    async findById(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const { rows } = await db.query<AccountRow>(`${SELECT_ACCOUNT} WHERE a.id = $1`, [id]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async findByUsername(username) {
      const { rows } = await db.query<AccountRow>(`${SELECT_ACCOUNT} WHERE a.username = $1`, [normaliseUsername(username)]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async replacePasswordHash(id, passwordHash) {
      await db.query('UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1', [id, passwordHash, clock.now()]);
    },
  };
}

// Gives a person an account, or sets its password if they have one (idempotent). The
// username is the person's e-ID number unless an alias is given.
export async function setAccountPassword(
  tx: Queryable,
  deps: { hasher: PasswordHasher; clock: Clock },
  input: { personId: string; username: string; password: string; actor: string },
): Promise<void> {
  const hash = await deps.hasher.hash(input.password);
  await tx.query(
    `INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash, updated_at = $4`,
    [input.personId, normaliseUsername(input.username), hash, deps.clock.now()],
  );
  await appendAudit(tx, deps.clock, { actor: input.actor, action: 'account.password_set', subject: input.personId });
}

// The argon2 parameter sets the stored password hashes were made with ("m=…,p=…,t=…",
// as passwords.ts parametersOf reads them). Read once at start: a set only appears when
// the configuration changes, which restarts the node.
export async function passwordParametersInUse(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ parameters: string }>(
    `SELECT DISTINCT substring(password_hash from '^\\$argon2id\\$v=[0-9]+\\$((?:[mtp]=[0-9]+,?){3})\\$') AS parameters
       FROM accounts WHERE password_hash IS NOT NULL`,
  );
  return rows.map((row) => row.parameters).filter((parameters) => typeof parameters === 'string');
}
