-- The reference of every stored deposit, with its station-day. A remittance file's
-- references (unique per partner) are checked against these by lookup instead of by
-- reading every stored remittance file again, which made a network that sends a file
-- a day slower with every day loaded. Written in the ingest's transaction with the
-- lake manifest; station-days stored before this table existed are read from the lake
-- once, by the first remittance load after the upgrade.
CREATE TABLE deposit_references (
    partner   TEXT NOT NULL,
    reference TEXT NOT NULL,
    station   TEXT NOT NULL,
    date      TEXT NOT NULL
);
CREATE INDEX deposit_references_reference ON deposit_references (reference, partner);
CREATE INDEX deposit_references_station_day ON deposit_references (station, date);

-- A row here while remittance days stored before references were recorded still have
-- to be read from the lake: a load checks this one row, not every stored day.
CREATE TABLE deposit_references_pending (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO deposit_references_pending (id)
    SELECT 1 WHERE EXISTS (SELECT 1 FROM lake_files WHERE kind = 'cod_remittances');
