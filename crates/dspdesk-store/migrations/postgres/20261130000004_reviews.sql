-- Reviews: DSP review meetings and weekly business reviews. Their action items are
-- follow-ups (kind 'action_item') whose subject is 'review:<id>'.
CREATE TABLE reviews (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('dsp_review', 'wbr')),
    date        DATE NOT NULL,
    partner     TEXT NOT NULL DEFAULT '',
    station     TEXT NOT NULL DEFAULT '',
    attendees   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviews_date ON reviews (date);
CREATE INDEX followups_subject ON followups (subject);
