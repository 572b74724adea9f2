-- Improvement plans (MEPs). What the data says of a plan (on track, not improving,
-- met) is computed from the facts when read; the state kept here is what people did:
-- issued, acknowledged, extended, closed (with its outcome).
CREATE TABLE plans (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    partner          TEXT NOT NULL,
    station          TEXT NOT NULL DEFAULT '',
    -- [{"metric": "dot_pct", "target": 95.0}, …]
    metrics          TEXT NOT NULL,
    issued_on        DATE NOT NULL,
    review_on        DATE NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('issued', 'acknowledged', 'extended', 'closed')),
    outcome          TEXT NOT NULL DEFAULT '',
    issued_by        TEXT NOT NULL,
    issued_at        TEXT NOT NULL,
    notified_stalled BOOLEAN NOT NULL DEFAULT FALSE,
    notified_due     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at       TEXT NOT NULL
);
CREATE INDEX plans_partner ON plans (partner);
