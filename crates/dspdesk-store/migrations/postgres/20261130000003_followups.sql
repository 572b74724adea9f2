-- Follow-ups: one kernel for cases from the data, support-hub points and every later
-- kind. The history of a follow-up is its rows in audit_log (entity 'followup').
CREATE TABLE followups (
    id               BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL,
    -- What makes a case from the data the same case on two evaluations; NULL for points.
    key              TEXT UNIQUE,
    partner          TEXT NOT NULL DEFAULT '',
    station          TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    owner            TEXT,
    state            TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'waiting_on_partner', 'resolved', 'closed')),
    outcome          TEXT NOT NULL DEFAULT '',
    priority         TEXT NOT NULL DEFAULT 'normal',
    amount_minor     BIGINT,
    recovered_minor  BIGINT NOT NULL DEFAULT 0,
    data_date        DATE,
    as_of            DATE,
    lines_more       BIGINT NOT NULL DEFAULT 0,
    opened_by        TEXT NOT NULL,
    opened_at        TIMESTAMPTZ NOT NULL,
    -- When the SLA clock started: the opening, or the last reopen.
    clock_from       TIMESTAMPTZ NOT NULL,
    respond_by       TIMESTAMPTZ NOT NULL,
    resolve_by       TIMESTAMPTZ NOT NULL,
    responded_at     TIMESTAMPTZ,
    resolved_at      TIMESTAMPTZ,
    escalation       BIGINT NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX followups_state ON followups (state, resolve_by);
-- The queue: open follow-ups by time left, read in this order and cut at a page.
CREATE INDEX followups_resolve_by ON followups (resolve_by, id);
CREATE INDEX followups_partner ON followups (partner);
CREATE INDEX followups_station ON followups (station);
CREATE INDEX followups_owner ON followups (owner);
-- Never two open cases from the data of the same kind and subject at once.
CREATE UNIQUE INDEX followups_one_open_case ON followups (kind, partner, station, subject)
    WHERE key IS NOT NULL AND state IN ('open', 'in_progress', 'waiting_on_partner');

-- The packages, days or amounts behind a case.
CREATE TABLE followup_lines (
    followup_id   BIGINT NOT NULL REFERENCES followups (id),
    n             BIGINT NOT NULL,
    reference     TEXT NOT NULL,
    date          DATE NOT NULL,
    amount_minor  BIGINT,
    detail        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (followup_id, n)
);

CREATE TABLE followup_comments (
    id           BIGSERIAL PRIMARY KEY,
    followup_id  BIGINT NOT NULL REFERENCES followups (id),
    at           TIMESTAMPTZ NOT NULL,
    author       TEXT NOT NULL,
    role         TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX followup_comments_of ON followup_comments (followup_id);

CREATE TABLE followup_attachments (
    id            BIGSERIAL PRIMARY KEY,
    followup_id   BIGINT NOT NULL REFERENCES followups (id),
    sha256        TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX followup_attachments_of ON followup_attachments (followup_id);

CREATE TABLE followup_watchers (
    followup_id  BIGINT NOT NULL REFERENCES followups (id),
    username     TEXT NOT NULL,
    PRIMARY KEY (followup_id, username)
);

-- In-app notifications, one row per person.
CREATE TABLE notifications (
    id           BIGSERIAL PRIMARY KEY,
    username     TEXT NOT NULL,
    followup_id  BIGINT REFERENCES followups (id),
    event        TEXT NOT NULL,
    message      TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    read_at      TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (username, read_at);

-- E-mail waiting to be sent: written with its notification, sent by the scheduler,
-- retried with backoff, never deleted.
CREATE TABLE outbox (
    id            BIGSERIAL PRIMARY KEY,
    notification_id BIGINT REFERENCES notifications (id),
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    next_try_at   TIMESTAMPTZ NOT NULL,
    sent_at       TIMESTAMPTZ,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_try_at);

-- Where and what a person is e-mailed: an address, and the events they chose.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE user_email_events (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    event    TEXT NOT NULL,
    PRIMARY KEY (user_id, event)
);

-- The scheduler's rounds, for the operations page.
CREATE TABLE job_runs (
    id           BIGSERIAL PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    runner       TEXT NOT NULL,
    escalated    BIGINT NOT NULL,
    sent         BIGINT NOT NULL,
    failed       BIGINT NOT NULL
);
