-- Enrolment: offices, staff, applications, in-person evidence, activation codes and
-- the four-eyes approvals. The state machines are drawn in src/enrolment/README.md.

-- Where identities are checked in person.
CREATE TABLE offices (
  code    text    PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,15}$'),
  kind    text    NOT NULL CHECK (kind IN ('post', 'interior')),
  name_ar text    NOT NULL,
  name_fr text    NOT NULL,
  name_en text    NOT NULL,
  region  text    NOT NULL,
  active  boolean NOT NULL DEFAULT true
);

-- Staff are persons of the register. Clerks and supervisors belong to one office; a
-- registrar-admin is national.
CREATE TABLE staff (
  person_id   uuid        PRIMARY KEY REFERENCES persons (id),
  role        text        NOT NULL CHECK (role IN ('clerk', 'supervisor', 'registrar_admin')),
  office_code text        REFERENCES offices (code),
  added_at    timestamptz NOT NULL,
  added_by    text        NOT NULL,
  CHECK ((role = 'registrar_admin') = (office_code IS NULL))
);
CREATE INDEX staff_office ON staff (office_code);

-- Accounts now begin at activation, before the holder has a password.
ALTER TABLE accounts ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE accounts ADD COLUMN state text NOT NULL DEFAULT 'active'
  CHECK (state IN ('awaiting_password', 'awaiting_second_factor', 'active', 'suspended'));
ALTER TABLE accounts ADD COLUMN suspension text CHECK (suspension IN ('citizen_request', 'clerk', 'fraud'));
ALTER TABLE accounts ADD COLUMN suspended_at timestamptz;
ALTER TABLE accounts ADD CONSTRAINT accounts_suspension CHECK ((state = 'suspended') = (suspension IS NOT NULL));
ALTER TABLE accounts ADD CONSTRAINT accounts_password CHECK (password_hash IS NOT NULL OR state IN ('awaiting_password', 'suspended'));

CREATE TABLE applications (
  id              uuid        PRIMARY KEY,
  reference       text        NOT NULL UNIQUE,
  person_id       uuid        NOT NULL REFERENCES persons (id),
  office_code     text        NOT NULL REFERENCES offices (code),
  channel         text        NOT NULL CHECK (channel IN ('online', 'assisted')),
  state           text        NOT NULL CHECK (state IN ('awaiting_override', 'awaiting_verification', 'activated', 'rejected', 'expired')),
  -- What the person typed, as typed: the verification screen shows it beside the registry.
  submitted       jsonb       NOT NULL,
  -- The fields that did not match the registry (assisted enrolment only).
  mismatches      text[]      NOT NULL DEFAULT '{}',
  email           text,
  phone           text,
  username_alias  text,
  locale          text        NOT NULL CHECK (locale IN ('ar', 'fr', 'en')),
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  decided_at      timestamptz,
  decided_by      uuid        REFERENCES persons (id),
  decision_reason text,
  CHECK (email IS NOT NULL OR phone IS NOT NULL OR channel = 'assisted')
);
-- A person has at most one open application.
CREATE UNIQUE INDEX applications_one_open ON applications (person_id) WHERE state IN ('awaiting_override', 'awaiting_verification');
CREATE INDEX applications_queue ON applications (office_code, created_at) WHERE state IN ('awaiting_override', 'awaiting_verification');
CREATE UNIQUE INDEX applications_username_alias ON applications (username_alias) WHERE username_alias IS NOT NULL AND state IN ('awaiting_override', 'awaiting_verification');

-- The document a clerk checked, and the checks done: the source of verified_claims.
CREATE TABLE identity_evidence (
  id                uuid        PRIMARY KEY,
  person_id         uuid        NOT NULL REFERENCES persons (id),
  application_id    uuid        NOT NULL UNIQUE REFERENCES applications (id),
  office_code       text        NOT NULL REFERENCES offices (code),
  verified_by       uuid        NOT NULL REFERENCES persons (id),
  document_type     text        NOT NULL CHECK (document_type IN ('idcard', 'passport', 'residence_permit')),
  document_number   text        NOT NULL,
  issuer            text        NOT NULL,
  expires_on        date        NOT NULL,
  photo_matches     boolean     NOT NULL CHECK (photo_matches),
  document_genuine  boolean     NOT NULL CHECK (document_genuine),
  verified_at       timestamptz NOT NULL
);
CREATE INDEX identity_evidence_person ON identity_evidence (person_id, verified_at);

-- One live code per account: issuing a new one replaces the old.
CREATE TABLE activation_codes (
  account_id uuid        PRIMARY KEY REFERENCES accounts (id),
  code_hash  text        NOT NULL,
  purpose    text        NOT NULL CHECK (purpose IN ('activation', 'recovery')),
  issued_by  uuid        NOT NULL REFERENCES persons (id),
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);

-- Four eyes: what one staff member asks and another, a supervisor, approves.
CREATE TABLE approval_requests (
  id           uuid        PRIMARY KEY,
  kind         text        NOT NULL CHECK (kind IN ('reactivate_after_fraud', 'override_mismatch')),
  subject      uuid        NOT NULL,
  office_code  text        NOT NULL REFERENCES offices (code),
  reason       text        NOT NULL,
  requested_by uuid        NOT NULL REFERENCES persons (id),
  requested_at timestamptz NOT NULL,
  state        text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
  decided_by   uuid        REFERENCES persons (id),
  decided_at   timestamptz,
  CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE UNIQUE INDEX approval_requests_one_pending ON approval_requests (kind, subject) WHERE state = 'pending';
