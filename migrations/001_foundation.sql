-- The foundation: provider state, keys, clients, minimal accounts, throttling.

-- Every oidc-provider model (Session, Interaction, AuthorizationCode, AccessToken,
-- RefreshToken, Grant, ...) in one table, indexed by what the adapter looks up.
CREATE TABLE oidc_model (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_model_grant_id ON oidc_model (grant_id) WHERE grant_id IS NOT NULL;
CREATE UNIQUE INDEX oidc_model_uid ON oidc_model (model, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX oidc_model_user_code ON oidc_model (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_model_expires_at ON oidc_model (expires_at) WHERE expires_at IS NOT NULL;

-- Key material, sealed with AES-256-GCM under the key-encryption key. A key signs from
-- use_from (until a newer key of its kind takes over) and is published until retire_at.
CREATE TABLE keys (
  kid        text        PRIMARY KEY,
  kind       text        NOT NULL CHECK (kind IN ('signing', 'cookie', 'pairwise')),
  alg        text,
  sealed     bytea       NOT NULL,
  kek_id     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  use_from   timestamptz NOT NULL,
  retire_at  timestamptz
);
CREATE INDEX keys_kind ON keys (kind, alg, use_from);

-- The client registry. The secret, if any, is sealed like the keys.
CREATE TABLE clients (
  client_id     text        PRIMARY KEY,
  metadata      jsonb       NOT NULL,
  secret_sealed bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Minimal accounts, until the identity register gives every account a person.
CREATE TABLE accounts (
  id            uuid        PRIMARY KEY,
  username      text        NOT NULL UNIQUE,
  password_hash text        NOT NULL,
  claims        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Failure counters for anything that takes a secret, shared by every node.
-- key is e.g. 'signin:user:<username>', 'signin:ip:<addr>' or 'client-auth:ip:<addr>'.
CREATE TABLE throttle (
  key          text        PRIMARY KEY,
  failures     integer     NOT NULL DEFAULT 0,
  window_start timestamptz NOT NULL,
  locked_until timestamptz
);
CREATE INDEX throttle_window ON throttle (window_start);
