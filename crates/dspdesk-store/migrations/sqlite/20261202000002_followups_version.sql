-- A number every write to followups bumps, by trigger (so no write path can miss it):
-- each process keeps the open follow-ups it read and reads them again only when it
-- changed, in any process.
CREATE TABLE followups_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO followups_version (id, version) VALUES (1, 0);
CREATE TRIGGER followups_version_insert AFTER INSERT ON followups
BEGIN
    UPDATE followups_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER followups_version_update AFTER UPDATE ON followups
BEGIN
    UPDATE followups_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER followups_version_delete AFTER DELETE ON followups
BEGIN
    UPDATE followups_version SET version = version + 1 WHERE id = 1;
END;
