-- People, their scope, sessions, login throttling and the audit log.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'program', 'coach', 'station', 'partner')),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- What a coach (partners), a station manager (stations) or a partner user (one partner) may see.
CREATE TABLE user_scopes (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    kind     TEXT NOT NULL CHECK (kind IN ('partner', 'station')),
    code     TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, code)
);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    username  TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    ok        BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
