-- Report subscriptions: who gets which report when, seen as that person sees it, and
-- each run, once per subscription and period (the local day it fell due on).
CREATE TABLE report_subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the recipient: the report is built in their scope and sent to their address
    username   TEXT NOT NULL,
    -- 'daily' or 'weekly'
    kind       TEXT NOT NULL,
    -- 'HH:MM' in the network's zone
    at_time    TEXT NOT NULL,
    -- 1 = Monday … 7 = Sunday, for 'weekly'
    weekday    INTEGER,
    -- the narrowing within the recipient's scope
    station    TEXT,
    coach      TEXT,
    partner    TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
);
CREATE INDEX report_subscriptions_user ON report_subscriptions (username);
CREATE TABLE report_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES report_subscriptions (id),
    period          DATE NOT NULL,
    due_at          TEXT NOT NULL,
    late            BOOLEAN NOT NULL,
    -- 'sending', 'sent' or 'failed'
    state           TEXT NOT NULL,
    runner          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    started_at      TEXT NOT NULL,
    -- a 'sending' run not finished by then is another runner's to take over
    claimed_until   TEXT NOT NULL,
    finished_at     TEXT,
    next_try        TEXT,
    to_addr         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription_id, period)
);
