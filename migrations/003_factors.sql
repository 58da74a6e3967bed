-- Sign-in factors beyond the password, sign-in progress, and the outbox.

-- Set when a counter clerk has checked the person's identity document (enrolment); an
-- account must be verified in person to reach the high level of assurance.
ALTER TABLE accounts ADD COLUMN verified_in_person_at timestamptz;

-- One authenticator app per account. The secret is sealed under the KEK; last_step is the
-- last time step accepted, so a code is never accepted twice.
CREATE TABLE totp_factors (
  account_id    uuid        PRIMARY KEY REFERENCES accounts (id),
  secret_sealed bytea       NOT NULL,
  last_step     bigint,
  confirmed_at  timestamptz,
  created_at    timestamptz NOT NULL
);

-- Passkeys (WebAuthn credentials), several per account, each with a name.
CREATE TABLE passkeys (
  id              uuid        PRIMARY KEY,
  account_id      uuid        NOT NULL REFERENCES accounts (id),
  credential_id   text        NOT NULL UNIQUE,
  public_key      bytea       NOT NULL,
  counter         bigint      NOT NULL,
  transports      text[]      NOT NULL DEFAULT '{}',
  backup_eligible boolean     NOT NULL,
  backed_up       boolean     NOT NULL,
  aaguid          text,
  name            text        NOT NULL,
  created_at      timestamptz NOT NULL,
  last_used_at    timestamptz
);
CREATE INDEX passkeys_account ON passkeys (account_id);

-- WebAuthn challenges, single use, shared by every node.
CREATE TABLE webauthn_challenges (
  id         text        PRIMARY KEY,
  challenge  text        NOT NULL,
  purpose    text        NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  account_id uuid,
  expires_at timestamptz NOT NULL
);

-- Ten one-time recovery codes per account, stored as SHA-256 (they are long and random).
CREATE TABLE recovery_codes (
  account_id uuid        NOT NULL REFERENCES accounts (id),
  code_hash  text        NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, code_hash)
);

-- A sign-in under way, between its factors: which account, and what it has proved so far.
CREATE TABLE signin_progress (
  interaction_uid text        PRIMARY KEY,
  account_id      uuid        NOT NULL,
  amr             text[]      NOT NULL,
  expires_at      timestamptz NOT NULL
);

-- Messages to people (lockout, new device, enrolment notices), delivered by a worker with
-- retries; a message is never lost, only delayed.
CREATE TABLE outbox (
  id              uuid        PRIMARY KEY,
  account_id      uuid,
  channel         text        NOT NULL CHECK (channel IN ('email', 'sms', 'mailbox')),
  recipient       text        NOT NULL,
  template        text        NOT NULL,
  locale          text        NOT NULL,
  payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at    timestamptz,
  last_error      text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

-- Devices an account has signed in from, to notice a new one.
CREATE TABLE known_devices (
  account_id  uuid        NOT NULL REFERENCES accounts (id),
  device_hash text        NOT NULL,
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  user_agent  text,
  PRIMARY KEY (account_id, device_hash)
);

-- Where notices reach the person (enrolment fills these in).
ALTER TABLE accounts ADD COLUMN email text;
ALTER TABLE accounts ADD COLUMN phone text;
ALTER TABLE accounts ADD COLUMN locale text CHECK (locale IN ('ar', 'fr', 'en'));
