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

// Computed once so that an unknown username costs as much as a known one.
export async function createDummyHash(hasher: PasswordHasher): Promise<string> {
  return hasher.hash('hawiya-timing-equaliser');
}
