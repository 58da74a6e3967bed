-- Roles that persons hold at an agency, released to the agency's relying parties as the
-- agency_roles claim (for example the payment gateway's finance back office:
-- "finance:<agency>"). Kept by operators; every change and every release is audited.
CREATE TABLE agency_staff_roles (
  person_id   uuid        NOT NULL REFERENCES persons (id),
  agency_code text        NOT NULL REFERENCES agencies (code),
  role        text        NOT NULL CHECK (role IN ('finance')),
  added_at    timestamptz NOT NULL,
  added_by    text        NOT NULL,
  PRIMARY KEY (person_id, agency_code, role)
);
CREATE INDEX agency_staff_roles_agency ON agency_staff_roles (agency_code);
