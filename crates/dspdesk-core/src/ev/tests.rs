use super::*;

fn w(s: &str) -> IsoWeek {
    IsoWeek::parse(s).unwrap()
}

#[test]
fn the_ev_share_is_null_without_routes_never_zero() {
    assert_eq!(ev_routes_pct(0, 0), None);
    assert_eq!(ev_routes_pct(0, 4), Some(0.0));
    assert_eq!(ev_routes_pct(1, 4), Some(25.0));
    assert!(is_ev("EV2W") && is_ev("EV4W") && !is_ev("2W") && !is_ev("4W"));
}

#[test]
fn the_trajectory_is_a_straight_line_from_the_set_week_to_the_date() {
    // Set in 2026-W01 (ends Sunday 4 January) at 10%, 30% by 1 March (56 days later).
    let g = Goal {
        target_pct: 30.0,
        by: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        set_week: w("2026-W01"),
        start_pct: 10.0,
    };
    assert_eq!(g.trajectory(w("2026-W01")), 10.0);
    assert_eq!(
        g.trajectory(w("2025-W50")),
        10.0,
        "before it was set: the start"
    );
    // W05 ends 1 February, 28 of 56 days: half way.
    assert!((g.trajectory(w("2026-W05")) - 20.0).abs() < 1e-9);
    assert_eq!(g.trajectory(w("2026-W09")), 30.0, "W09 ends on 1 March");
    assert_eq!(
        g.trajectory(w("2026-W20")),
        30.0,
        "after the date: the target"
    );
    assert_eq!(g.behind(w("2026-W05"), Some(19.9)), Some(true));
    assert_eq!(
        g.behind(w("2026-W05"), Some(20.0)),
        Some(false),
        "on the line is not behind"
    );
    assert_eq!(g.behind(w("2026-W05"), None), None, "no routes: neither");
}

#[test]
fn a_goal_needs_a_share_and_a_later_date() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    assert!(goal_problem(101.0, d(3, 1), d(1, 1)).is_some());
    assert!(goal_problem(f64::NAN, d(3, 1), d(1, 1)).is_some());
    assert!(goal_problem(30.0, d(1, 1), d(1, 1)).is_some());
    assert_eq!(goal_problem(30.0, d(3, 1), d(1, 1)), None);
}

#[test]
fn vendors_and_meetings_are_checked() {
    assert_eq!(
        vendor_problem(
            "Ather",
            "EV2W: 450S",
            "+91 80 4000 1234",
            "fleet@ather.example"
        ),
        None
    );
    assert_eq!(vendor_problem(" ", "EV2W", "", "").unwrap().0, "name");
    assert_eq!(vendor_problem("Ather", "", "", "").unwrap().0, "vehicles");
    assert_eq!(
        vendor_problem("Ather", "EV2W", "12", "").unwrap().0,
        "contact_phone"
    );
    assert_eq!(
        vendor_problem("Ather", "EV2W", "", "fleet@").unwrap().0,
        "contact_email"
    );
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert!(meeting_problem(d("2026-11-30"), d("2026-12-01")).is_some());
    assert_eq!(meeting_problem(d("2026-12-01"), d("2026-12-01")), None);
}
