-- Stations, partners, the ingest log, the lake manifest and daily facts.
CREATE TABLE stations (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE partners (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE ingest_batches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    rows_read     INTEGER NOT NULL,
    rows_loaded   INTEGER NOT NULL,
    rows_skipped  INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    station_days  INTEGER NOT NULL,
    loaded_by     TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('loaded', 'rejected', 'unchanged')),
    message       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ingest_batches_hash ON ingest_batches (kind, content_hash);

CREATE TABLE lake_files (
    kind      TEXT NOT NULL,
    station   TEXT NOT NULL REFERENCES stations (code),
    date      TEXT NOT NULL,
    path      TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES ingest_batches (id),
    PRIMARY KEY (kind, station, date)
);
CREATE INDEX lake_files_batch ON lake_files (batch_id);

CREATE TABLE daily_facts (
    partner         TEXT NOT NULL REFERENCES partners (code),
    station         TEXT NOT NULL REFERENCES stations (code),
    date            TEXT NOT NULL,
    dispatched      INTEGER NOT NULL,
    delivered       INTEGER NOT NULL,
    on_time         INTEGER NOT NULL,
    attempted       INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    rts             INTEGER NOT NULL,
    lost            INTEGER NOT NULL,
    nl_value_minor  INTEGER NOT NULL,
    cod_due_minor   INTEGER NOT NULL,
    vas_dispatched  INTEGER NOT NULL,
    vas_delivered   INTEGER NOT NULL,
    routes          INTEGER NOT NULL,
    packages_routed INTEGER NOT NULL,
    PRIMARY KEY (partner, station, date)
);
CREATE INDEX daily_facts_station_day ON daily_facts (station, date);
CREATE INDEX daily_facts_date ON daily_facts (date);
