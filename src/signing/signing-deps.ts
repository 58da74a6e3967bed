// What the signing domain needs, narrowed per function with Pick.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { KeyStore } from './keystore.ts';
import type { CaUrls } from './certificate-profile.ts';

export interface SigningSettings {
  country: string;
  organisation: string;
  policyOid: string;
  certificateDays: number;
  crlHours: number;
  ocspValiditySeconds: number;
  urls: CaUrls;
}

export interface SigningDeps {
  db: Db;
  clock: Clock;
  keys: KeyStore;
  settings: SigningSettings;
}

export type CaRole = 'root' | 'issuing';

export const REVOCATION_REASONS = ['unspecified', 'key_compromise', 'superseded', 'cessation_of_operation', 'privilege_withdrawn'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
