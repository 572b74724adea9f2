use super::*;
use chrono::TimeZone;

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

#[test]
fn every_transition_is_allowed_or_refused_as_the_machine_says() {
    use State::*;
    let allowed = [
        (Open, InProgress),
        (Open, WaitingOnPartner),
        (Open, Resolved),
        (Open, Closed),
        (InProgress, WaitingOnPartner),
        (InProgress, Resolved),
        (InProgress, Closed),
        (WaitingOnPartner, InProgress),
        (WaitingOnPartner, Resolved),
        (WaitingOnPartner, Closed),
        (Resolved, Closed),
        (Resolved, Open),
        (Closed, Open),
    ];
    for from in State::ALL {
        for to in State::ALL {
            let ok = allowed.contains(&(from, to));
            assert_eq!(from.check(to).is_ok(), ok, "{from} -> {to}");
        }
    }
    let e = Closed.check(Resolved).unwrap_err().to_string();
    assert!(
        e.contains("closed cannot become resolved") && e.contains("reopen"),
        "{e}"
    );
    assert!(
        Open.check(Open)
            .unwrap_err()
            .to_string()
            .contains("already")
    );
    assert!(
        InProgress
            .check(Open)
            .unwrap_err()
            .to_string()
            .contains("reopened only")
    );
}

#[test]
fn the_sla_clock_runs_in_wall_clock_hours_from_opening() {
    let c = Kind::Cod.default_sla().clock(at(1, 10));
    assert_eq!(c.respond_by, at(2, 10));
    assert_eq!(c.resolve_by, at(4, 10));
    let nl = Kind::Nl.default_sla();
    assert_eq!((nl.respond_hours, nl.resolve_hours), (72, 336));
    assert_eq!(Kind::Point.default_sla().resolve_hours, 72);
    assert_eq!(Kind::Ageing.default_sla().resolve_hours, 120);
    assert_eq!(Kind::Slp.default_sla().respond_hours, 48);
}

#[test]
fn escalation_reaches_level_one_at_resolve_by_and_two_at_twice_the_sla() {
    let opened = at(1, 10);
    let by = Kind::Cod.default_sla().clock(opened).resolve_by; // 4th 10:00
    let esc = |now| escalation_at(State::Open, opened, by, now);
    assert_eq!(esc(at(4, 9)), None);
    assert_eq!(esc(at(4, 10)), Some(Level::Coaches));
    assert_eq!(esc(at(7, 9)), Some(Level::Coaches));
    assert_eq!(esc(at(7, 10)), Some(Level::Program));
    assert_eq!(escalation_at(State::Resolved, opened, by, at(9, 0)), None);
    assert_eq!(
        escalation_at(State::WaitingOnPartner, opened, by, at(5, 0)),
        Some(Level::Coaches)
    );
    // Each level once: what is recorded is not due again; a jump notifies both.
    assert_eq!(
        escalations_due(State::Open, opened, by, 0, at(8, 0)),
        vec![Level::Coaches, Level::Program]
    );
    assert_eq!(
        escalations_due(State::Open, opened, by, 1, at(8, 0)),
        vec![Level::Program]
    );
    assert!(escalations_due(State::Open, opened, by, 2, at(20, 0)).is_empty());
    assert!(escalations_due(State::Open, opened, by, 0, at(3, 0)).is_empty());
}

#[test]
fn time_left_reads_as_people_say_it() {
    assert_eq!(time_left(at(3, 12), at(1, 10)), "2 d 2 h left");
    assert_eq!(time_left(at(1, 10), at(1, 15)), "5 h 0 min overdue");
    assert_eq!(time_left(at(1, 10), at(1, 10)), "0 min left");
}

#[test]
fn age_buckets_have_their_edges() {
    let opened = at(1, 0);
    let b = |days: i64| age_bucket(opened, opened + Duration::days(days));
    assert_eq!(
        [b(0), b(7), b(8), b(15), b(16), b(30), b(31), b(60), b(61)],
        [0, 0, 1, 1, 2, 2, 3, 3, 4]
    );
}

#[test]
fn names_round_trip() {
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.as_str()), Some(k));
    }
    for s in State::ALL {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.as_str()), Some(p));
    }
    assert!(Kind::Cod.from_data() && !Kind::Point.from_data());
}
