-- EV connects: the EV vehicle vendors the program team keeps, and the meetings between
-- a vendor and a partner (a follow-up of kind 'ev_connect' each, due on the meeting's
-- day; its own fields here).
CREATE TABLE ev_vendors (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    -- what they offer, e.g. 'EV2W: Ather 450S; EV3W: Mahindra Treo'
    vehicles      TEXT NOT NULL,
    contact_name  TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL
);
CREATE TABLE ev_connects (
    followup_id  BIGINT PRIMARY KEY REFERENCES followups (id),
    vendor_id    BIGINT NOT NULL REFERENCES ev_vendors (id),
    meeting_date DATE NOT NULL,
    attendees    TEXT NOT NULL,
    outcome      TEXT NOT NULL DEFAULT '',
    next_step    TEXT NOT NULL DEFAULT '',
    -- the connect this one's next step scheduled
    next_id      BIGINT REFERENCES followups (id),
    -- when the owner was reminded of the meeting (once, the day before)
    reminded_at  TEXT
);
CREATE INDEX ev_connects_vendor ON ev_connects (vendor_id);
CREATE INDEX ev_connects_date ON ev_connects (meeting_date);
