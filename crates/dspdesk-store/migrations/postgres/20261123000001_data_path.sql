-- Stations, partners, the ingest log, the lake manifest and daily facts.
CREATE TABLE stations (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE partners (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE ingest_batches (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_skipped  BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    station_days  BIGINT NOT NULL,
    loaded_by     TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('loaded', 'rejected', 'unchanged')),
    message       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ingest_batches_hash ON ingest_batches (kind, content_hash);

CREATE TABLE lake_files (
    kind      TEXT NOT NULL,
    station   TEXT NOT NULL REFERENCES stations (code),
    date      DATE NOT NULL,
    path      TEXT NOT NULL,
    rows      BIGINT NOT NULL,
    batch_id  BIGINT NOT NULL REFERENCES ingest_batches (id),
    PRIMARY KEY (kind, station, date)
);
CREATE INDEX lake_files_batch ON lake_files (batch_id);

CREATE TABLE daily_facts (
    partner         TEXT NOT NULL REFERENCES partners (code),
    station         TEXT NOT NULL REFERENCES stations (code),
    date            DATE NOT NULL,
    dispatched      BIGINT NOT NULL,
    delivered       BIGINT NOT NULL,
    on_time         BIGINT NOT NULL,
    attempted       BIGINT NOT NULL,
    rejected        BIGINT NOT NULL,
    rts             BIGINT NOT NULL,
    lost            BIGINT NOT NULL,
    nl_value_minor  BIGINT NOT NULL,
    cod_due_minor   BIGINT NOT NULL,
    vas_dispatched  BIGINT NOT NULL,
    vas_delivered   BIGINT NOT NULL,
    routes          BIGINT NOT NULL,
    packages_routed BIGINT NOT NULL,
    PRIMARY KEY (partner, station, date)
);
CREATE INDEX daily_facts_station_day ON daily_facts (station, date);
CREATE INDEX daily_facts_date ON daily_facts (date);
