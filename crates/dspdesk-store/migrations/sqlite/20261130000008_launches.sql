-- Launch readiness: the checklist template the admin edits (a default one to start), and
-- each launch with its own copy of the template's items at creation.
CREATE TABLE launch_template (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    gate      BIGINT NOT NULL CHECK (gate >= 1),
    title     TEXT NOT NULL,
    mandatory BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO launch_template (gate, title, mandatory) VALUES
    (1, 'Mandatory documents verified', TRUE),
    (1, 'Trade and municipal licences in place', TRUE),
    (2, 'SIM cards issued to the riders', TRUE),
    (2, 'Station dashboard access for the partner', TRUE),
    (2, 'Uniforms and bags delivered', FALSE),
    (3, 'Riders trained on the delivery app and COD', TRUE),
    (3, 'Go-live call held with the station', TRUE);
CREATE TABLE launches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    partner     TEXT NOT NULL DEFAULT '',
    station     TEXT NOT NULL,
    target_date DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE launch_items (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    launch_id BIGINT NOT NULL REFERENCES launches (id),
    gate      BIGINT NOT NULL,
    title     TEXT NOT NULL,
    mandatory BOOLEAN NOT NULL,
    owner     TEXT NOT NULL DEFAULT '',
    evidence  TEXT NOT NULL DEFAULT '',
    -- a file kept as evidence (content-addressed under the data folder), if any
    file_sha  TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    file_type TEXT NOT NULL DEFAULT '',
    done_by   TEXT NOT NULL DEFAULT '',
    done_at   TEXT
);
CREATE INDEX launch_items_launch ON launch_items (launch_id);
