// Account lookup as the provider and the sign-in pages see it. The foundation stores
// minimal accounts in `accounts`; the identity register replaces this with persons.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { PasswordHasher } from './passwords.ts';

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  claims: Record<string, unknown>;
}

export interface AccountDirectory {
  findById(id: string): Promise<Account | null>;
  findByUsername(username: string): Promise<Account | null>;
  replacePasswordHash(id: string, passwordHash: string): Promise<void>;
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  claims: Record<string, unknown>;
  [column: string]: unknown;
}

const toAccount = (row: AccountRow): Account => ({
  id: row.id, username: row.username, passwordHash: row.password_hash, claims: row.claims,
});

// Usernames are matched case-insensitively, trimmed: people type them on phones.
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

export function createAccountDirectory(deps: { db: Db; clock: Clock }): AccountDirectory {
  const { db, clock } = deps;
  return {
    async findById(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async findByUsername(username) {
      const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE username = $1', [normaliseUsername(username)]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async replacePasswordHash(id, passwordHash) {
      await db.query('UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1', [id, passwordHash, clock.now()]);
    },
  };
}

// Creates the account, or sets its password and claims if the username exists (idempotent).
export async function upsertAccount(
  deps: { db: Db; hasher: PasswordHasher },
  input: { username: string; password: string; claims: Record<string, unknown> },
): Promise<string> {
  const hash = await deps.hasher.hash(input.password);
  const { rows } = await deps.db.query<{ id: string }>(
    `INSERT INTO accounts (id, username, password_hash, claims) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, claims = excluded.claims, updated_at = now()
     RETURNING id`,
    [randomUUID(), normaliseUsername(input.username), hash, input.claims],
  );
  return rows[0]!.id;
}
