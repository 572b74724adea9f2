-- Partners' invoices with the result of their checks on arrival, and the disputes a
-- payout mismatch opens (a follow-up of kind 'dispute' each; its own fields here).
CREATE TABLE invoices (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    partner                 TEXT NOT NULL,
    number                  TEXT NOT NULL,
    -- April to March: '2026-27'. A number is used once per partner per year.
    financial_year          TEXT NOT NULL,
    invoice_date            DATE NOT NULL,
    period_from             DATE NOT NULL,
    period_to               DATE NOT NULL,
    -- station codes separated by ';'
    stations                TEXT NOT NULL,
    supplier_gstin          TEXT NOT NULL,
    recipient_gstin         TEXT NOT NULL,
    place_of_supply         TEXT NOT NULL,
    taxable_minor           BIGINT NOT NULL CHECK (taxable_minor >= 0),
    cgst_minor              BIGINT NOT NULL CHECK (cgst_minor >= 0),
    sgst_minor              BIGINT NOT NULL CHECK (sgst_minor >= 0),
    igst_minor              BIGINT NOT NULL CHECK (igst_minor >= 0),
    total_minor             BIGINT NOT NULL CHECK (total_minor >= 0),
    -- the GST check: expected taxes, charged minus expected, and why it failed ('' passed)
    expected_cgst_minor     BIGINT NOT NULL,
    expected_sgst_minor     BIGINT NOT NULL,
    expected_igst_minor     BIGINT NOT NULL,
    tax_difference_minor    BIGINT NOT NULL,
    gst_problem             TEXT NOT NULL DEFAULT '',
    -- the payout check: the payout of the partner's routes in the period at its stations
    expected_payout_minor   BIGINT NOT NULL,
    -- routes of the period that no rate card prices (the expected payout leaves them out)
    unpriced_routes         BIGINT NOT NULL DEFAULT 0,
    payout_difference_minor BIGINT NOT NULL,
    payout_mismatch         BOOLEAN NOT NULL,
    gst_followup            BIGINT REFERENCES followups (id),
    dispute_followup        BIGINT REFERENCES followups (id),
    source                  TEXT NOT NULL CHECK (source IN ('form', 'file', 'api')),
    created_by              TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    UNIQUE (partner, financial_year, number)
);
CREATE INDEX invoices_partner ON invoices (partner, invoice_date);
CREATE TABLE disputes (
    followup_id    BIGINT PRIMARY KEY REFERENCES followups (id),
    invoice_id     BIGINT NOT NULL UNIQUE REFERENCES invoices (id),
    -- invoiced taxable value minus the expected payout
    claimed_minor  BIGINT NOT NULL,
    accepted_minor BIGINT,
    note_kind      TEXT NOT NULL DEFAULT '' CHECK (note_kind IN ('', 'credit', 'debit')),
    note_number    TEXT NOT NULL DEFAULT '',
    note_date      DATE,
    note_minor     BIGINT,
    settled_by     TEXT NOT NULL DEFAULT '',
    settled_at     TEXT
);
