-- The scorecard: route blocks for profitability, cash remitted, versioned configuration,
-- the version each week is scored with and the history of scoring runs, route goals and flags.

-- Routes of one partner x station x date x block x MOT, summed for pricing (metrics.md,
-- "Profitability"); priced at read time from the rate book in force.
CREATE TABLE daily_blocks (
    partner               TEXT NOT NULL REFERENCES partners (code),
    station               TEXT NOT NULL REFERENCES stations (code),
    date                  TEXT NOT NULL,
    block_hours           INTEGER NOT NULL,
    mot                   TEXT NOT NULL,
    routes                BIGINT NOT NULL,
    delivered             BIGINT NOT NULL,
    distance_m            BIGINT NOT NULL,
    payout_given_routes   BIGINT NOT NULL,
    payout_given_minor    BIGINT NOT NULL,
    delivered_unpaid_rows BIGINT NOT NULL,
    cost_given_routes     BIGINT NOT NULL,
    cost_given_minor      BIGINT NOT NULL,
    distance_m_uncosted   BIGINT NOT NULL,
    PRIMARY KEY (partner, station, date, block_hours, mot)
);
CREATE INDEX daily_blocks_station_day ON daily_blocks (station, date);
CREATE INDEX daily_blocks_date ON daily_blocks (date);

-- COD deposited per partner x station x deposit date.
CREATE TABLE daily_remitted (
    partner       TEXT NOT NULL REFERENCES partners (code),
    station       TEXT NOT NULL REFERENCES stations (code),
    date          TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL,
    deposits      BIGINT NOT NULL,
    PRIMARY KEY (partner, station, date)
);
CREATE INDEX daily_remitted_station_day ON daily_remitted (station, date);

-- Versioned configuration documents (kind 'score' or 'rates'), as loaded, never edited.
CREATE TABLE config_versions (
    kind            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    effective_from  TEXT NOT NULL,
    body            TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);

-- The score version a week is held to; a week without a row uses the version in force.
CREATE TABLE score_weeks (
    week            TEXT PRIMARY KEY,
    config_version  BIGINT NOT NULL,
    pinned_at       TEXT NOT NULL,
    pinned_by       TEXT NOT NULL
);

-- Every explicit scoring run, with the scores it produced: the history.
CREATE TABLE score_runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    week              TEXT NOT NULL,
    config_version    BIGINT NOT NULL,
    previous_version  BIGINT,
    run_by            TEXT NOT NULL,
    run_at            TEXT NOT NULL,
    reason            TEXT NOT NULL
);
CREATE INDEX score_runs_week ON score_runs (week);

CREATE TABLE score_snapshots (
    run_id      BIGINT NOT NULL REFERENCES score_runs (id),
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    score       REAL,
    tier        TEXT,
    rank        BIGINT,
    components  TEXT NOT NULL,
    PRIMARY KEY (run_id, partner, station)
);

-- Route goals per partner x station x period, set by a person or adopted from the
-- suggested percentiles.
CREATE TABLE route_goals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    p50         REAL NOT NULL,
    p90         REAL NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('set', 'adopted')),
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    replaced_at TEXT
);
CREATE INDEX route_goals_pair ON route_goals (partner, station, valid_from);

-- Everything that needs a person, cleared when the data no longer shows it.
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    numbers     TEXT NOT NULL,
    data_date   TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    cleared_at  TEXT
);
CREATE UNIQUE INDEX flags_open_key ON flags (key) WHERE cleared_at IS NULL;
CREATE INDEX flags_partner ON flags (partner);
