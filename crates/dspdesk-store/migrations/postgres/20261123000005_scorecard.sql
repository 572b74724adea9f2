-- The scorecard: route blocks for profitability, cash remitted, versioned configuration,
-- the version each week is scored with and the history of scoring runs, route goals and flags.

-- Routes of one partner x station x date x block x MOT, summed for pricing (metrics.md,
-- "Profitability"); priced at read time from the rate book in force.
CREATE TABLE daily_blocks (
    partner               TEXT NOT NULL REFERENCES partners (code),
    station               TEXT NOT NULL REFERENCES stations (code),
    date                  DATE NOT NULL,
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
    date          DATE NOT NULL,
    amount_minor  BIGINT NOT NULL,
    deposits      BIGINT NOT NULL,
    PRIMARY KEY (partner, station, date)
);
CREATE INDEX daily_remitted_station_day ON daily_remitted (station, date);

-- Versioned configuration documents (kind 'score' or 'rates'), as loaded, never edited.
CREATE TABLE config_versions (
    kind            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    effective_from  DATE NOT NULL,
    body            TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, version)
);

-- The score version a week is held to; a week without a row uses the version in force.
CREATE TABLE score_weeks (
    week            TEXT PRIMARY KEY,
    config_version  BIGINT NOT NULL,
    pinned_at       TIMESTAMPTZ NOT NULL,
    pinned_by       TEXT NOT NULL
);

-- Every explicit scoring run, with the scores it produced: the history.
CREATE TABLE score_runs (
    id                BIGSERIAL PRIMARY KEY,
    week              TEXT NOT NULL,
    config_version    BIGINT NOT NULL,
    previous_version  BIGINT,
    run_by            TEXT NOT NULL,
    run_at            TIMESTAMPTZ NOT NULL,
    reason            TEXT NOT NULL
);
CREATE INDEX score_runs_week ON score_runs (week);

CREATE TABLE score_snapshots (
    run_id      BIGINT NOT NULL REFERENCES score_runs (id),
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    score       DOUBLE PRECISION,
    tier        TEXT,
    rank        BIGINT,
    components  TEXT NOT NULL,
    PRIMARY KEY (run_id, partner, station)
);

-- Route goals per partner x station x period, set by a person or adopted from the
-- suggested percentiles.
CREATE TABLE route_goals (
    id          BIGSERIAL PRIMARY KEY,
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    valid_from  DATE NOT NULL,
    valid_to    DATE NOT NULL,
    p50         DOUBLE PRECISION NOT NULL,
    p90         DOUBLE PRECISION NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('set', 'adopted')),
    set_by      TEXT NOT NULL,
    set_at      TIMESTAMPTZ NOT NULL,
    replaced_at TIMESTAMPTZ
);
CREATE INDEX route_goals_pair ON route_goals (partner, station, valid_from);

-- Everything that needs a person, cleared when the data no longer shows it.
CREATE TABLE flags (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    partner     TEXT NOT NULL,
    station     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    numbers     TEXT NOT NULL,
    data_date   DATE NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    cleared_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX flags_open_key ON flags (key) WHERE cleared_at IS NULL;
CREATE INDEX flags_partner ON flags (partner);
