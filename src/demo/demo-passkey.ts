// A demo person's passkey: a device key made here, its public half registered at Hawiya
// and its private half kept in DATA_DIR, in the shape Chrome's DevTools protocol takes
// (WebAuthn.addCredential), so a browser's virtual authenticator signs in with it. The
// demo's browser test does exactly that. A passkey made by a real authenticator cannot
// be handed over in a file, which is why the demo makes its own.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { appendAudit } from '../audit/audit-log.ts';
import { storePasskey, webauthnUserId, type Passkey } from '../authn/passkeys.ts';
import type { Services } from '../app.ts';

// What WebAuthn.addCredential takes: binary fields in base64, the key as PKCS#8.
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: true;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
  backupEligibility: boolean;
  backupState: boolean;
}

export function demoPasskeyFile(dataDir: string, username: string): string {
  return join(dataDir, 'demo', 'passkeys', `${username}.json`);
}

// RFC 9053 §7.1.1 / RFC 8152 §13.1.1: an EC2 key (kty 2) for ES256 (alg -7) on P-256
// (crv 1), with its x and y coordinates.
function coseP256(jwk: { x?: string; y?: string }): Uint8Array {
  return isoCBOR.encode(new Map<number, number | Uint8Array>([
    [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
  ]));
}

function readCredential(file: string): VirtualCredential | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as VirtualCredential;
}

function writeCredential(file: string, credential: VirtualCredential): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
}

// Idempotent: a passkey already registered for the file's key is kept, and the file takes
// the signature counter Hawiya holds, so an authenticator loaded from it again signs with
// a counter above the last one (a lower one is refused as a cloned key). Otherwise (no
// file, or a database that never saw it) the demo passkeys of the account are replaced.
// Not backed up and not backup-eligible: on an account verified in person it reaches high.
export async function ensureDemoPasskey(services: Services, account: { id: string; username: string }, dataDir: string): Promise<string> {
  const file = demoPasskeyFile(dataDir, account.username);
  const rpId = new URL(services.config.issuer).hostname;
  const stored = readCredential(file);
  if (stored && stored.rpId === rpId) {
    const credentialId = Buffer.from(stored.credentialId, 'base64').toString('base64url');
    const { rows } = await services.db.query<{ counter: string | number }>('SELECT counter FROM passkeys WHERE account_id = $1 AND credential_id = $2', [account.id, credentialId]);
    if (rows.length > 0) {
      const counter = Number(rows[0]!.counter);
      if (counter !== stored.signCount) writeCredential(file, { ...stored, signCount: counter });
      return file;
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rawId = randomBytes(32);
  const now = services.clock.now();
  const passkey: Passkey = { id: randomUUID(), credentialId: rawId.toString('base64url'), name: 'demo device', backupEligible: false, backedUp: false, createdAt: now, lastUsedAt: null };
  await services.db.transaction(async (tx) => {
    const removed = await tx.query<{ id: string }>(`DELETE FROM passkeys WHERE account_id = $1 AND name = 'demo device' RETURNING id`, [account.id]);
    for (const { id } of removed.rows) {
      await appendAudit(tx, services.clock, { actor: 'cli', action: 'factor.passkey.removed', subject: account.id, details: { passkeyId: id } });
    }
    await storePasskey(tx, account.id, passkey, { publicKey: coseP256(publicKey.export({ format: 'jwk' })), counter: 0, transports: ['internal'], aaguid: '00000000-0000-0000-0000-000000000000' });
    await appendAudit(tx, services.clock, {
      actor: 'cli', action: 'factor.passkey.added', subject: account.id,
      details: { passkeyId: passkey.id, name: passkey.name, backedUp: false },
    });
  });
  const credential: VirtualCredential = {
    credentialId: rawId.toString('base64'), isResidentCredential: true, rpId,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    userHandle: webauthnUserId(account.id).toString('base64'), signCount: 0, backupEligibility: false, backupState: false,
  };
  writeCredential(file, credential);
  return file;
}
