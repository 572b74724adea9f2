-- The tables derived from the lake are written a station-day at a time and read by
-- date (windows from a date on) or deleted by station-day: each is keyed by date and
-- station first and stored in its key's order (WITHOUT ROWID), so one b-tree serves
-- every read and a load appends instead of updating three indexes per row.

CREATE TABLE daily_facts_by_day (
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
    PRIMARY KEY (date, station, partner)
) WITHOUT ROWID;
INSERT INTO daily_facts_by_day
    (partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost,
     nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed)
SELECT partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost,
       nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed
FROM daily_facts;
DROP TABLE daily_facts;
ALTER TABLE daily_facts_by_day RENAME TO daily_facts;

CREATE TABLE daily_blocks_by_day (
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
    PRIMARY KEY (date, station, partner, block_hours, mot)
) WITHOUT ROWID;
INSERT INTO daily_blocks_by_day
    (partner, station, date, block_hours, mot, routes, delivered, distance_m, payout_given_routes,
     payout_given_minor, delivered_unpaid_rows, cost_given_routes, cost_given_minor, distance_m_uncosted)
SELECT partner, station, date, block_hours, mot, routes, delivered, distance_m, payout_given_routes,
       payout_given_minor, delivered_unpaid_rows, cost_given_routes, cost_given_minor, distance_m_uncosted
FROM daily_blocks;
DROP TABLE daily_blocks;
ALTER TABLE daily_blocks_by_day RENAME TO daily_blocks;

CREATE TABLE daily_vas_by_day (
    partner    TEXT NOT NULL REFERENCES partners (code),
    station    TEXT NOT NULL REFERENCES stations (code),
    date       TEXT NOT NULL,
    vas        TEXT NOT NULL,
    dispatched BIGINT NOT NULL,
    delivered  BIGINT NOT NULL,
    PRIMARY KEY (date, station, partner, vas)
) WITHOUT ROWID;
INSERT INTO daily_vas_by_day (partner, station, date, vas, dispatched, delivered)
SELECT partner, station, date, vas, dispatched, delivered FROM daily_vas;
DROP TABLE daily_vas;
ALTER TABLE daily_vas_by_day RENAME TO daily_vas;

CREATE TABLE daily_supervisors_by_day (
    partner        TEXT NOT NULL REFERENCES partners (code),
    station        TEXT NOT NULL REFERENCES stations (code),
    date           TEXT NOT NULL,
    supervisor     TEXT NOT NULL,
    routes         BIGINT NOT NULL,
    packages       BIGINT NOT NULL,
    delivered      BIGINT NOT NULL,
    on_time        BIGINT NOT NULL,
    lost           BIGINT NOT NULL,
    nl_value_minor BIGINT NOT NULL,
    PRIMARY KEY (date, station, partner, supervisor)
) WITHOUT ROWID;
INSERT INTO daily_supervisors_by_day
    (partner, station, date, supervisor, routes, packages, delivered, on_time, lost, nl_value_minor)
SELECT partner, station, date, supervisor, routes, packages, delivered, on_time, lost, nl_value_minor
FROM daily_supervisors;
DROP TABLE daily_supervisors;
ALTER TABLE daily_supervisors_by_day RENAME TO daily_supervisors;
-- Whether a partner's routes name a supervisor, and where.
CREATE INDEX daily_supervisors_who ON daily_supervisors (partner, supervisor, date);

CREATE TABLE daily_remitted_by_day (
    partner       TEXT NOT NULL REFERENCES partners (code),
    station       TEXT NOT NULL REFERENCES stations (code),
    date          TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL,
    deposits      BIGINT NOT NULL,
    PRIMARY KEY (date, station, partner)
) WITHOUT ROWID;
INSERT INTO daily_remitted_by_day (partner, station, date, amount_minor, deposits)
SELECT partner, station, date, amount_minor, deposits FROM daily_remitted;
DROP TABLE daily_remitted;
ALTER TABLE daily_remitted_by_day RENAME TO daily_remitted;
