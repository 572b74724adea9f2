-- Sustainability goals: a partner's target share of routes on EVs by a date, with the
-- share of the week it was set (the trajectory's start). One per partner; a new one
-- replaces it (audited).
CREATE TABLE ev_goals (
    partner    TEXT PRIMARY KEY,
    target_pct REAL NOT NULL CHECK (target_pct >= 0 AND target_pct <= 100),
    by_date    DATE NOT NULL,
    set_week   TEXT NOT NULL,
    start_pct  REAL NOT NULL,
    set_by     TEXT NOT NULL,
    set_at     TEXT NOT NULL
);
