-- Compliance: the kinds of document the admin configures (none until configured, so a
-- network that does not track documents scores as before), each partner's documents
-- with their file (content-addressed under the data folder, as follow-up attachments)
-- and bank guarantees. `reminded` holds the renewal reminders sent, e.g. "60,30".
CREATE TABLE document_types (
    code       TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    mandatory  BOOLEAN NOT NULL DEFAULT TRUE,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner      TEXT NOT NULL,
    doc_type     TEXT NOT NULL REFERENCES document_types (code),
    number       TEXT NOT NULL DEFAULT '',
    issued_on    DATE NOT NULL,
    expires_on   DATE,
    sha256       TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('uploaded', 'verified', 'rejected')),
    reason       TEXT NOT NULL DEFAULT '',
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    checked_by   TEXT NOT NULL DEFAULT '',
    checked_at   TEXT,
    reminded     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX documents_partner ON documents (partner);
CREATE TABLE bank_guarantees (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner      TEXT NOT NULL,
    bank         TEXT NOT NULL,
    number       TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    valid_from   DATE NOT NULL,
    valid_to     DATE NOT NULL,
    claim_until  DATE NOT NULL,
    verified     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    reminded     TEXT NOT NULL DEFAULT '',
    UNIQUE (bank, number)
);
CREATE INDEX bank_guarantees_partner ON bank_guarantees (partner);
