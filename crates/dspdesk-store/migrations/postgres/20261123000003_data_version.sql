-- A counter bumped by every transaction that changes daily facts, so that readers
-- (in any process) know when a cached copy is stale.
CREATE TABLE data_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
