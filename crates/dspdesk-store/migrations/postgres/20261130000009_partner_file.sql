-- The partner's file: who it is (legal name, GSTIN, PAN, contact, bank, registered
-- fleet by MOT), edited by the program team; a partner proposes changes that the program
-- team accepts or rejects.
CREATE TABLE partner_files (
    partner       TEXT PRIMARY KEY,
    legal_name    TEXT NOT NULL DEFAULT '',
    gstin         TEXT NOT NULL DEFAULT '',
    pan           TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    bank_account  TEXT NOT NULL DEFAULT '',
    bank_ifsc     TEXT NOT NULL DEFAULT '',
    fleet_2w      BIGINT NOT NULL DEFAULT 0,
    fleet_3w      BIGINT NOT NULL DEFAULT 0,
    fleet_4w      BIGINT NOT NULL DEFAULT 0,
    fleet_ev      BIGINT NOT NULL DEFAULT 0,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE TABLE partner_file_requests (
    id         BIGSERIAL PRIMARY KEY,
    partner    TEXT NOT NULL,
    -- the proposed file, as JSON
    proposed   TEXT NOT NULL,
    -- the fields the partner changed, comma-separated: only these are applied on accept
    fields     TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'rejected')),
    reason     TEXT NOT NULL DEFAULT '',
    by_actor   TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    checked_by TEXT NOT NULL DEFAULT '',
    checked_at TIMESTAMPTZ
);
