// Passwords are hashed with argon2id. A stored hash made with weaker parameters than the
// configured ones is replaced on the next successful sign-in.
import argon2 from 'argon2';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
}

export function createPasswordHasher(params: Argon2Params): PasswordHasher {
  const options = { type: argon2.argon2id as 2, ...params };
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
  };
}

// The parameters an encoded argon2id hash was made with, as its PHC string writes them
// ("m=65536,p=4,t=3"), or null.
export function parametersOf(encoded: string): string | null {
  return /^\$argon2id\$v=\d+\$((?:[mtp]=\d+,?){3})\$/.exec(encoded)?.[1] ?? null;
}

function parseParameters(key: string): Argon2Params | null {
  const values = Object.fromEntries(key.split(',').map((part) => part.split('=') as [string, string]));
  const [memoryCost, timeCost, parallelism] = [values.m, values.t, values.p].map(Number);
  if (![memoryCost, timeCost, parallelism].every((value) => Number.isInteger(value) && value! > 0)) return null;
  return { memoryCost: memoryCost!, timeCost: timeCost!, parallelism: parallelism! };
}

// One hash of a throwaway password for each set of argon2 parameters in use: the
// configured one, and each one stored hashes still have (they are upgraded only at the
// next sign-in, so after a change of parameters two or more sets live side by side).
// A refused sign-in checks one hash of every set (sign-in.ts), so an unknown username,
// and an account whose hash is older or newer, all cost the same.
export interface DummyHashes {
  // The configured set's hash: what an unknown username is checked against.
  current: string;
  // The hashes of every set but the one `checked` was made with.
  othersThan(checked: string): readonly string[];
}

const THROWAWAY = 'hawiya-timing-equaliser';

export async function createDummyHashes(hasher: PasswordHasher, storedParameters: readonly string[]): Promise<DummyHashes> {
  const current = await hasher.hash(THROWAWAY);
  const bySet = new Map([[parametersOf(current), current]]);
  for (const key of storedParameters) {
    const parameters = bySet.has(key) ? null : parseParameters(key);
    if (parameters) bySet.set(key, await createPasswordHasher(parameters).hash(THROWAWAY));
  }
  return {
    current,
    othersThan: (checked) => {
      const done = parametersOf(checked);
      return [...bySet].filter(([key]) => key !== done).map(([, hash]) => hash);
    },
  };
}
