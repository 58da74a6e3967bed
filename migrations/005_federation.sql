-- Agency federation: agencies and the clients they own, initial access tokens for
-- dynamic client registration, the agencies' resource servers (APIs), and the queue of
-- back-channel logout deliveries.

-- An agency of the state. Its names are shown to people in their language; its allowed
-- scopes bound what any of its clients may be registered for (national_id above all).
CREATE TABLE agencies (
  code           text        PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
  name_ar        text        NOT NULL,
  name_fr        text        NOT NULL,
  name_en        text        NOT NULL,
  allowed_scopes text[]      NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

-- The agency that owns a client; Hawiya's own clients and the civil registry have none.
ALTER TABLE clients ADD COLUMN agency_code text REFERENCES agencies (code);
CREATE INDEX clients_agency ON clients (agency_code) WHERE agency_code IS NOT NULL;

-- Initial access tokens for OpenID Dynamic Client Registration, one agency each. Only a
-- SHA-256 of the token is kept: it is shown once, to the admin who issued it.
CREATE TABLE initial_access_tokens (
  id          text        PRIMARY KEY,
  token_hash  text        NOT NULL UNIQUE,
  agency_code text        NOT NULL REFERENCES agencies (code),
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX initial_access_tokens_agency ON initial_access_tokens (agency_code);

-- An agency's API, named by its resource indicator (RFC 8707). Access tokens for it are
-- JWTs (RFC 9068) with the identifier as audience, carrying only these scopes.
CREATE TABLE resource_servers (
  identifier       text        PRIMARY KEY,
  agency_code      text        NOT NULL REFERENCES agencies (code),
  scopes           text[]      NOT NULL,
  access_token_ttl integer     CHECK (access_token_ttl > 0),
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);

-- One back-channel logout token to deliver to one client, for one session (sid). Written
-- in the transaction that ends the session; a worker posts it, retries with a doubling
-- delay, and gives up after a number of attempts. The token itself is signed at each
-- attempt, so a retry never carries an expired one.
CREATE TABLE logout_deliveries (
  id              uuid        PRIMARY KEY,
  client_id       text        NOT NULL,
  account_id      text        NOT NULL,
  sid             text,
  uri             text        NOT NULL,
  reason          text        NOT NULL,
  created_at      timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  abandoned_at    timestamptz
);
CREATE INDEX logout_deliveries_due ON logout_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX logout_deliveries_client ON logout_deliveries (client_id, created_at DESC);
