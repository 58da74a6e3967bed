// The civil registry of the Ministry of Interior, as Hawiya reaches it. Two
// implementations: http (JSON over mTLS, as on an X-Road-style exchange) and file (JSON
// lines, for the embedded default and the demo).
import type { RegistryRecord, SubmittedDetails } from './person.ts';

export type MatchResult = { matched: true; record: RegistryRecord } | { matched: false };

export interface RegistryEvent {
  // Unique per event, forever: events are applied once by this id.
  id: string;
  type: 'birth' | 'death' | 'name_change' | 'correction';
  civilNumber: string;
  // The record's version after the event.
  version: number;
  occurredAt: string;
  // The whole record after the event (birth, name_change, correction), or the date of
  // death (death).
  record?: RegistryRecord;
  deathDate?: string;
}

export interface CivilRegistry {
  lookup(civilNumber: string): Promise<RegistryRecord | null>;
  // Same answer shape for an unknown number and mismatched details: callers must not
  // reveal which it was.
  match(details: SubmittedDetails): Promise<MatchResult>;
  // Events after a cursor, oldest first, for `hawiya registry sync`.
  events(after: string | null, limit: number): Promise<{ events: RegistryEvent[]; cursor: string | null }>;
}

export class RegistryUnavailable extends Error {
  override name = 'RegistryUnavailable';
}
