-- What a load means is the file and how it was read: the SHA-256 of the file's hash,
-- the import profile, the day mode, --skip-bad-rows and the zones of the stations it
-- holds. A file is "unchanged" only when all of these are the same as a current load.
ALTER TABLE ingest_batches ADD COLUMN reading_hash TEXT;
CREATE INDEX ingest_batches_reading ON ingest_batches (kind, reading_hash);
