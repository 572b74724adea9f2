-- A number every write to invoices bumps, by trigger (so no write path can miss it):
-- each process keeps the invoices it read and reads them again only when they
-- changed, in any process.
CREATE TABLE invoices_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO invoices_version (id, version) VALUES (1, 0);
CREATE FUNCTION bump_invoices_version() RETURNS trigger AS $$
BEGIN
    UPDATE invoices_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_version_bump AFTER INSERT OR UPDATE OR DELETE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_invoices_version();
