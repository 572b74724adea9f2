-- Onboarding: the partners on their way to a first route, and each stage they reached
-- by hand with its date (the history). `live` is not stored: the data sets it.
CREATE TABLE onboarding (
    partner    TEXT PRIMARY KEY,
    legal_name TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE onboarding_stages (
    partner    TEXT NOT NULL REFERENCES onboarding (partner),
    stage      TEXT NOT NULL CHECK (stage IN ('applied', 'documents', 'verification', 'agreement', 'bank_guarantee', 'launch')),
    reached_on DATE NOT NULL,
    by_actor   TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (partner, stage)
);
