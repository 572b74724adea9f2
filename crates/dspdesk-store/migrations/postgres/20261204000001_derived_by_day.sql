-- The tables derived from the lake are written a station-day at a time and read by
-- date (windows from a date on) or deleted by station-day: each is keyed by date and
-- station first, so its primary key serves every read and a load updates one index
-- per row instead of three.

ALTER TABLE daily_facts DROP CONSTRAINT daily_facts_pkey;
ALTER TABLE daily_facts ADD PRIMARY KEY (date, station, partner);
DROP INDEX daily_facts_station_day;
DROP INDEX daily_facts_date;

ALTER TABLE daily_blocks DROP CONSTRAINT daily_blocks_pkey;
ALTER TABLE daily_blocks ADD PRIMARY KEY (date, station, partner, block_hours, mot);
DROP INDEX daily_blocks_station_day;
DROP INDEX daily_blocks_date;

ALTER TABLE daily_vas DROP CONSTRAINT daily_vas_pkey;
ALTER TABLE daily_vas ADD PRIMARY KEY (date, station, partner, vas);
DROP INDEX daily_vas_station_day;
DROP INDEX daily_vas_date;

ALTER TABLE daily_supervisors DROP CONSTRAINT daily_supervisors_pkey;
ALTER TABLE daily_supervisors ADD PRIMARY KEY (date, station, partner, supervisor);
DROP INDEX daily_supervisors_station_day;
DROP INDEX daily_supervisors_date;

ALTER TABLE daily_remitted DROP CONSTRAINT daily_remitted_pkey;
ALTER TABLE daily_remitted ADD PRIMARY KEY (date, station, partner);
DROP INDEX daily_remitted_station_day;
