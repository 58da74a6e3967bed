-- The device each provider session was signed in on. Sessions live in oidc_model; this
-- says where each one is (the browser, the network prefix), so the account page can name
-- it and end the sessions of one device. A row goes with its session when the account
-- page ends it, and otherwise at the next purge after the session is gone.
CREATE TABLE session_devices (
  session_uid  text        PRIMARY KEY,
  account_id   uuid        NOT NULL REFERENCES accounts (id),
  device_hash  text        NOT NULL,
  user_agent   text        NOT NULL,
  network      text        NOT NULL,
  signed_in_at timestamptz NOT NULL
);
CREATE INDEX session_devices_account ON session_devices (account_id, device_hash);
