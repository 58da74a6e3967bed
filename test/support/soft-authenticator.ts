// A software WebAuthn authenticator for HTTP tests: it makes the same bytes a browser and
// a passkey would (clientDataJSON, authenticator data, a "none" attestation in CBOR, ES256
// signatures), so the server's real verification runs. Flags are set per test, and any
// field can be forged to test refusals. Browser tests use Chromium's virtual authenticator.
import { createHash, generateKeyPairSync, sign, randomBytes, type KeyObject } from 'node:crypto';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

// Just enough CBOR (RFC 8949) for a COSE key and an attestation object.
function cbor(value: unknown): Buffer {
  const head = (major: number, length: number) => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 256) return Buffer.from([(major << 5) | 24, length]);
    return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (value instanceof Map) {
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  }
  throw new TypeError('unsupported CBOR value');
}

export interface AuthenticatorFlags {
  userVerified?: boolean;
  backupEligible?: boolean;
  backedUp?: boolean;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  readonly #privateKey: KeyObject;
  readonly #publicJwk: { x: string; y: string };
  counter = 0;
  flags: Required<AuthenticatorFlags>;

  constructor(flags: AuthenticatorFlags = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.#publicJwk = { x: jwk.x!, y: jwk.y! };
    this.flags = { userVerified: true, backupEligible: false, backedUp: false, ...flags };
  }

  // The private key (PKCS#8), to put the same passkey in Chromium's virtual authenticator.
  exportPkcs8(): Buffer {
    return this.#privateKey.export({ format: 'der', type: 'pkcs8' });
  }

  #authData(rpId: string, attested: boolean): Buffer {
    const { userVerified, backupEligible, backedUp } = this.flags;
    // UP | UV | BE | BS | AT
    const flags = 0x01 | (userVerified ? 0x04 : 0) | (backupEligible ? 0x08 : 0) | (backedUp ? 0x10 : 0) | (attested ? 0x40 : 0);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts: Buffer[] = [createHash('sha256').update(rpId).digest(), Buffer.from([flags]), counter];
    if (attested) {
      const coseKey = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(this.#publicJwk.x, 'base64url')], [-3, Buffer.from(this.#publicJwk.y, 'base64url')]]));
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), idLength, this.credentialId, coseKey);
    }
    return Buffer.concat(parts);
  }

  // The same passkey for Chromium's virtual authenticator (DevTools WebAuthn.addCredential),
  // so a browser signs in with a key registered here: the private key as PKCS#8, binary
  // fields in base64 as the protocol carries them, and this authenticator's flags.
  virtualCredential(rpId: string, userHandle: Uint8Array) {
    return {
      credentialId: this.credentialId.toString('base64'), isResidentCredential: true, rpId,
      privateKey: this.#privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      userHandle: Buffer.from(userHandle).toString('base64'), signCount: this.counter,
      backupEligibility: this.flags.backupEligible, backupState: this.flags.backedUp,
    };
  }

  static clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  // The JSON a browser's navigator.credentials.create() gives @simplewebauthn/browser.
  register(options: { challenge: string; rp: { id?: string } }, origin: string, overrides: { rpId?: string; origin?: string; challenge?: string } = {}) {
    const rpId = overrides.rpId ?? options.rp.id ?? new URL(origin).hostname;
    const clientDataJSON = SoftAuthenticator.clientData('webauthn.create', overrides.challenge ?? options.challenge, overrides.origin ?? origin);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', this.#authData(rpId, true)]]));
    return {
      id: b64url(this.credentialId), rawId: b64url(this.credentialId), type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal' as const] },
      clientExtensionResults: {},
    };
  }

  // The JSON of navigator.credentials.get(). The counter grows unless told otherwise.
  authenticate(options: { challenge: string; rpId?: string }, origin: string, overrides: { rpId?: string; origin?: string; challenge?: string; counter?: number } = {}) {
    this.counter = overrides.counter ?? this.counter + 1;
    const rpId = overrides.rpId ?? options.rpId ?? new URL(origin).hostname;
    const clientDataJSON = SoftAuthenticator.clientData('webauthn.get', overrides.challenge ?? options.challenge, overrides.origin ?? origin);
    const authenticatorData = this.#authData(rpId, false);
    const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), this.#privateKey);
    return {
      id: b64url(this.credentialId), rawId: b64url(this.credentialId), type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authenticatorData), signature: b64url(signature) },
      clientExtensionResults: {},
    };
  }
}
