-- VAS adoption and the supervisor ready reckoner (metrics.md, "VAS adoption, EV share,
-- supervisors"). Derived from the lake like daily_facts, and replaced with them per
-- station-day; a database from before this migration fills them on `dspdesk recompute`.

-- Packages with a VAS per partner x station x date x VAS kind.
CREATE TABLE daily_vas (
    partner    TEXT NOT NULL REFERENCES partners (code),
    station    TEXT NOT NULL REFERENCES stations (code),
    date       TEXT NOT NULL,
    vas        TEXT NOT NULL,
    dispatched BIGINT NOT NULL,
    delivered  BIGINT NOT NULL,
    PRIMARY KEY (partner, station, date, vas)
);
CREATE INDEX daily_vas_station_day ON daily_vas (station, date);
CREATE INDEX daily_vas_date ON daily_vas (date);

-- Each supervisor's routes per partner x station x date, with the deliveries joined to
-- them on route_id and date.
CREATE TABLE daily_supervisors (
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
    PRIMARY KEY (partner, station, date, supervisor)
);
CREATE INDEX daily_supervisors_station_day ON daily_supervisors (station, date);
CREATE INDEX daily_supervisors_date ON daily_supervisors (date);
CREATE INDEX daily_supervisors_who ON daily_supervisors (partner, supervisor, date);

-- The VAS kinds offered at each station, and the kinds each partner is enrolled in:
-- configuration the program team edits (audited).
CREATE TABLE vas_offered (
    station  TEXT NOT NULL REFERENCES stations (code),
    vas      TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (station, vas)
);
CREATE TABLE vas_enrolment (
    partner  TEXT NOT NULL REFERENCES partners (code),
    vas      TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (partner, vas)
);

-- The name and phone a partner gives to a supervisor id the data carries (audited).
CREATE TABLE supervisor_contacts (
    partner    TEXT NOT NULL REFERENCES partners (code),
    supervisor TEXT NOT NULL,
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (partner, supervisor)
);
