-- Signatures: the national signing CA's keys and certificates, citizens' signing
-- certificates, revocation lists, and the single use of each signing authorisation.

-- Every private key of the signing service. A software key is sealed under the KEK; an
-- HSM key stays in the token, and only its CKA_ID is here.
CREATE TABLE signing_keys (
  id         uuid        PRIMARY KEY,
  store      text        NOT NULL CHECK (store IN ('software', 'pkcs11')),
  purpose    text        NOT NULL CHECK (purpose IN ('root_ca', 'issuing_ca', 'citizen')),
  public_key bytea       NOT NULL,
  sealed     bytea,
  kek_id     text,
  pkcs11_id  bytea,
  created_at timestamptz NOT NULL,
  CHECK ((store = 'software') = (sealed IS NOT NULL AND kek_id IS NOT NULL)),
  CHECK ((store = 'pkcs11') = (pkcs11_id IS NOT NULL))
);

-- The root CA and the issuing CA that signs citizens' certificates, CRLs and OCSP
-- responses. One of each.
CREATE TABLE signing_cas (
  role        text        PRIMARY KEY CHECK (role IN ('root', 'issuing')),
  key_id      uuid        NOT NULL REFERENCES signing_keys (id),
  certificate bytea       NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Citizens' signing certificates. A remote certificate's key is in signing_keys; a device
-- certificate's key is in the citizen's phone, and only its certificate is here.
CREATE TABLE signing_certificates (
  serial            text        PRIMARY KEY CHECK (serial ~ '^[0-9a-f]+$'),
  person_id         uuid        NOT NULL REFERENCES persons (id),
  holder            text        NOT NULL CHECK (holder IN ('remote', 'device')),
  key_id            uuid        REFERENCES signing_keys (id),
  certificate       bytea       NOT NULL,
  not_before        timestamptz NOT NULL,
  not_after         timestamptz NOT NULL,
  issued_at         timestamptz NOT NULL,
  revoked_at        timestamptz,
  revocation_reason text        CHECK (revocation_reason IN ('unspecified', 'key_compromise', 'superseded', 'cessation_of_operation', 'privilege_withdrawn')),
  CHECK ((holder = 'remote') = (key_id IS NOT NULL)),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
-- One live key of each kind per citizen: one remote key, one device.
CREATE UNIQUE INDEX signing_certificates_one_live ON signing_certificates (person_id, holder) WHERE revoked_at IS NULL;
CREATE INDEX signing_certificates_revoked ON signing_certificates (revoked_at) WHERE revoked_at IS NOT NULL;

-- Each CA's CRLs, numbered (RFC 5280 §5.2.3); the highest number is the one served.
CREATE TABLE signing_crls (
  issuer      text        NOT NULL REFERENCES signing_cas (role),
  number      bigint      NOT NULL,
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL,
  der         bytea       NOT NULL,
  PRIMARY KEY (issuer, number)
);

-- A signing authorisation (an access token bound to a set of hashes) is spent by its
-- first signHash: the row's primary key makes the second one fail.
CREATE TABLE signing_token_uses (
  token_id      text        PRIMARY KEY,
  person_id     uuid        NOT NULL REFERENCES persons (id),
  credential_id text        NOT NULL,
  used_at       timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX signing_token_uses_expires ON signing_token_uses (expires_at);
