-- The identity register: persons bound to the civil registry, their lifelong e-ID
-- numbers, registry events, and the hash-chained audit log.

-- Every e-ID number ever allocated, numbered without gaps (seq), never deleted: a number
-- once drawn is never drawn again, even after the person's death.
CREATE TABLE eid_allocations (
  seq          bigint      PRIMARY KEY,
  eid          text        NOT NULL UNIQUE,
  allocated_at timestamptz NOT NULL
);

-- The gap-free counter behind eid_allocations.seq (a sequence may skip on rollback).
CREATE TABLE eid_counter (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  last bigint  NOT NULL
);
INSERT INTO eid_counter (id, last) VALUES (true, 0);

CREATE TABLE persons (
  id                   uuid        PRIMARY KEY,
  eid                  text        NOT NULL UNIQUE REFERENCES eid_allocations (eid),
  civil_number         text        NOT NULL UNIQUE,
  given_name_ar        text        NOT NULL,
  father_name_ar       text        NOT NULL,
  grandfather_name_ar  text        NOT NULL,
  family_name_ar       text        NOT NULL,
  given_name_lat       text        NOT NULL,
  father_name_lat      text        NOT NULL,
  grandfather_name_lat text        NOT NULL,
  family_name_lat      text        NOT NULL,
  birth_date           date        NOT NULL,
  birthplace           text        NOT NULL,
  sex                  text        NOT NULL CHECK (sex IN ('F', 'M')),
  nationality          text        NOT NULL CHECK (nationality ~ '^[A-Z]{3}$'),
  locale               text        NOT NULL DEFAULT 'ar' CHECK (locale IN ('ar', 'fr', 'en')),
  status               text        NOT NULL DEFAULT 'alive' CHECK (status IN ('alive', 'deceased')),
  death_date           date,
  registry_version     integer     NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'deceased') = (death_date IS NOT NULL))
);

-- A civil number and an e-ID number belong to one person forever: neither changes, and a
-- person is never deleted (death is a status).
CREATE FUNCTION persons_keep_identifiers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'persons are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.eid <> OLD.eid OR NEW.civil_number <> OLD.civil_number OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'a person''s identifiers never change' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER persons_keep_identifiers BEFORE UPDATE OR DELETE ON persons
  FOR EACH ROW EXECUTE FUNCTION persons_keep_identifiers();

CREATE FUNCTION eid_allocations_forever() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'e-ID allocations are permanent' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER eid_allocations_forever BEFORE UPDATE OR DELETE ON eid_allocations
  FOR EACH ROW EXECUTE FUNCTION eid_allocations_forever();

-- An account always belongs to a person: the account id is the person's id. Accounts
-- made before the register existed have no person and are removed.
DELETE FROM accounts WHERE id NOT IN (SELECT id FROM persons);
ALTER TABLE accounts ADD CONSTRAINT accounts_person FOREIGN KEY (id) REFERENCES persons (id);
ALTER TABLE accounts ADD COLUMN blocked_at timestamptz;

-- Provider rows by account, to end a person's sessions and grants (death, recovery).
CREATE INDEX oidc_model_account ON oidc_model ((payload ->> 'accountId'));

-- Registry events, applied once by id and in version order per person. An event that
-- arrives ahead of its turn waits as pending.
CREATE TABLE registry_events (
  id           text        PRIMARY KEY,
  type         text        NOT NULL CHECK (type IN ('birth', 'death', 'name_change', 'correction')),
  civil_number text        NOT NULL,
  version      integer     NOT NULL,
  payload      jsonb       NOT NULL,
  received_at  timestamptz NOT NULL,
  applied_at   timestamptz,
  outcome      text        NOT NULL CHECK (outcome IN ('applied', 'pending', 'stale'))
);
CREATE INDEX registry_events_pending ON registry_events (civil_number, version) WHERE outcome = 'pending';

-- Where `hawiya registry sync` stopped reading the registry's feed.
CREATE TABLE registry_sync (
  id     boolean PRIMARY KEY DEFAULT true CHECK (id),
  cursor text
);

-- The audit log: append-only, each record holding the hash of the one before.
CREATE TABLE audit_log (
  seq        bigint      PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text        NOT NULL,
  action     text        NOT NULL,
  subject    text,
  source_ip  text,
  request_id text,
  details    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  prev_hash  text        NOT NULL,
  hash       text        NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, seq) WHERE subject IS NOT NULL;

-- The head of the chain: one row, locked by each append, so appends are serial and the
-- chain has no forks.
CREATE TABLE audit_head (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq  bigint  NOT NULL,
  hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Claims now come from the register, not from the account.
ALTER TABLE accounts DROP COLUMN claims;
