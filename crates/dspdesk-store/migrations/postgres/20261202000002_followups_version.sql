-- A number every write to followups bumps, by trigger (so no write path can miss it):
-- each process keeps the open follow-ups it read and reads them again only when it
-- changed, in any process.
CREATE TABLE followups_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO followups_version (id, version) VALUES (1, 0);
CREATE FUNCTION bump_followups_version() RETURNS trigger AS $$
BEGIN
    UPDATE followups_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER followups_version_bump AFTER INSERT OR UPDATE OR DELETE ON followups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_followups_version();
