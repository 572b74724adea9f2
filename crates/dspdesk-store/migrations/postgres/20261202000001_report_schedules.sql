-- Report subscriptions: who gets which report when, seen as that person sees it, and
-- each run, once per subscription and period (the local day it fell due on).
CREATE TABLE report_subscriptions (
    id         BIGSERIAL PRIMARY KEY,
    -- the recipient: the report is built in their scope and sent to their address
    username   TEXT NOT NULL,
    -- 'daily' or 'weekly'
    kind       TEXT NOT NULL,
    -- 'HH:MM' in the network's zone
    at_time    TEXT NOT NULL,
    -- 1 = Monday … 7 = Sunday, for 'weekly'
    weekday    BIGINT,
    -- the narrowing within the recipient's scope
    station    TEXT,
    coach      TEXT,
    partner    TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    removed_by TEXT,
    removed_at TIMESTAMPTZ
);
CREATE INDEX report_subscriptions_user ON report_subscriptions (username);
CREATE TABLE report_runs (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES report_subscriptions (id),
    period          DATE NOT NULL,
    due_at          TIMESTAMPTZ NOT NULL,
    late            BOOLEAN NOT NULL,
    -- 'sending', 'sent' or 'failed'
    state           TEXT NOT NULL,
    runner          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 1,
    started_at      TIMESTAMPTZ NOT NULL,
    -- a 'sending' run not finished by then is another runner's to take over
    claimed_until   TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    next_try        TIMESTAMPTZ,
    to_addr         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription_id, period)
);
