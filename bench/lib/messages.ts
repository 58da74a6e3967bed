// What the benchmark's parent process and its two server processes say to each other
// over the IPC channel of child_process.fork.
import type { JWK } from 'jose';
import type { ClientMetadata } from '../../src/oidc/clients.ts';

// The keys Hawiya generated, handed to the bare provider so both sign and verify alike.
export interface SharedKeys {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  pairwiseSecret: string;
}

export type ToServer =
  | { type: 'start'; keys: SharedKeys; client: ClientMetadata }
  | { type: 'hash'; count: number; concurrency: number }
  // More clients for Hawiya (bench/federation.ts), validated and saved as the CLI does.
  | { type: 'register'; clients: ClientMetadata[] }
  | { type: 'cpu' };

export type FromServer =
  | { type: 'ready'; url: string; backend: string; keys?: SharedKeys }
  | { type: 'hashed'; elapsedMs: number }
  | { type: 'registered' }
  // CPU time (user + system) the server process has used since it started.
  | { type: 'cpu'; microseconds: number }
  | { type: 'failed'; message: string };
