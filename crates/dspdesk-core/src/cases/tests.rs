use super::*;
use chrono::TimeZone;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

fn rows(as_of: u32) -> StationRows {
    StationRows {
        station: "DEL4".into(),
        as_of: Some(d(as_of)),
        ..Default::default()
    }
}

fn pending(id: &str, first: u32, value: i64) -> PendingPackage {
    PendingPackage {
        partner: "SWFT".into(),
        package_id: id.into(),
        first_date: d(first),
        status: "attempted".into(),
        declared_value_minor: value,
    }
}

#[test]
fn ageing_starts_at_exactly_three_days() {
    let mut r = rows(20);
    r.pending = vec![
        pending("P1", 17, 1000),
        pending("P2", 18, 500),
        pending("P3", 1, 250),
    ];
    let cases = ageing_cases(&r, &CaseRules::default());
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c.amount_minor, Some(1250), "P2 is two days old: not ageing");
    assert_eq!(
        c.lines
            .iter()
            .map(|l| l.reference.as_str())
            .collect::<Vec<_>>(),
        ["P3", "P1"]
    );
    assert!(
        c.summary.contains("1 at 3-7 days") && c.summary.contains("1 at 16-30 days"),
        "{}",
        c.summary
    );
    assert_eq!(
        [
            ageing_bucket(3),
            ageing_bucket(7),
            ageing_bucket(8),
            ageing_bucket(15),
            ageing_bucket(16),
            ageing_bucket(30),
            ageing_bucket(31)
        ],
        [0, 0, 1, 1, 2, 2, 3]
    );
    r.pending = vec![pending("P2", 18, 500)];
    assert!(ageing_cases(&r, &CaseRules::default()).is_empty());
}

fn delivered(id: &str, day: u32, late_minutes: i64) -> DeliveredRow {
    let promised = Utc.with_ymd_and_hms(2026, 11, day, 15, 30, 0).unwrap();
    DeliveredRow {
        partner: "SWFT".into(),
        package_id: id.into(),
        date: d(day),
        promised_by: promised,
        delivered_at: promised + Duration::minutes(late_minutes),
    }
}

#[test]
fn slp_counts_only_deliveries_more_than_24_hours_late() {
    let mut r = rows(22);
    // W47 is 16–22 November; 100 rows dispatched.
    r.dispatched
        .insert(("SWFT".into(), IsoWeek::of(d(16))), 100);
    r.late = vec![delivered("A", 16, 24 * 60), delivered("B", 17, 24 * 60 + 1)];
    // One late of 100 is 1.0%: not above 1.0.
    assert!(slp_cases(&r, &CaseRules::default()).is_empty());
    r.late.push(delivered("C", 22, 3000));
    let cases = slp_cases(&r, &CaseRules::default());
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].subject, "2026-W47");
    assert_eq!(cases[0].lines.len(), 2, "exactly 24 h late is not late");
    assert!(
        cases[0].summary.contains("2 of 100 packages (2.0%)"),
        "{}",
        cases[0].summary
    );
    // A breach belongs to the week of the row's date, even when delivered the next week.
    r.late.push(delivered("D", 23, 3000));
    r.dispatched.insert(("SWFT".into(), IsoWeek::of(d(23))), 10);
    let weeks: Vec<_> = slp_cases(&r, &CaseRules::default())
        .into_iter()
        .map(|c| c.subject)
        .collect();
    assert_eq!(weeks, ["2026-W47", "2026-W48"]);
}

#[test]
fn nl_opens_per_week_even_at_zero_value() {
    let mut r = rows(24);
    r.lost = vec![
        LostRow {
            partner: "SWFT".into(),
            package_id: "L1".into(),
            date: d(16),
            declared_value_minor: 0,
        },
        LostRow {
            partner: "SWFT".into(),
            package_id: "L2".into(),
            date: d(23),
            declared_value_minor: 99_900,
        },
        LostRow {
            partner: "SWFT".into(),
            package_id: "L3".into(),
            date: d(24),
            declared_value_minor: 100,
        },
    ];
    let cases = nl_cases(&r, &CaseRules::default());
    let got: Vec<_> = cases
        .iter()
        .map(|c| (c.subject.as_str(), c.amount_minor, c.opened_on))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-W47", Some(0), d(16)),
            ("2026-W48", Some(100_000), d(23))
        ]
    );
}

fn series(first: u32, shortfall: &[i64]) -> CodSeries {
    CodSeries {
        partner: "SWFT".into(),
        station: "DEL4".into(),
        first: d(first),
        as_of: d(first) + Duration::days(shortfall.len() as i64 - 1),
        shortfall: shortfall.to_vec(),
    }
}

#[test]
fn cod_needs_two_consecutive_days_and_a_later_breach_opens_a_new_case() {
    // A shortfall of one day only opens nothing.
    assert!(cod_cases(&series(1, &[0, 500, 0, 500, -1])).is_empty());
    // Two days: opens on the second, resolves on the first day at or below zero.
    let c = cod_cases(&series(1, &[0, 500, 700, 0, 0, 300, 400, 450]));
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].opened_on, c[0].resolved_on, c[0].amount_minor),
        (d(3), Some(d(4)), Some(700))
    );
    assert_eq!(
        (c[1].opened_on, c[1].resolved_on, c[1].amount_minor),
        (d(7), None, Some(450))
    );
    assert_eq!(
        c[1].lines.iter().map(|l| l.date).collect::<Vec<_>>(),
        [d(6), d(7), d(8)]
    );
    assert_ne!(c[0].key(), c[1].key());
}

fn stored(id: i64, d: &Detected, open: bool) -> Stored {
    Stored {
        id,
        key: d.key(),
        kind: d.kind,
        partner: d.partner.clone(),
        station: d.station.clone(),
        open,
        outcome: String::new(),
    }
}

#[test]
fn reconciling_twice_opens_nothing_new() {
    let c = cod_cases(&series(1, &[0, 500, 700, 0, 0, 300, 400, 450]));
    let first = reconcile(&[], &c);
    assert_eq!(first, [Change::Open(0), Change::Open(1)]);
    // Stored as the first run left them: the first resolved, the second open.
    let s = [stored(1, &c[0], false), stored(2, &c[1], true)];
    let again = reconcile(&s, &c);
    assert!(
        again.iter().all(|ch| matches!(ch, Change::Update { .. })),
        "{again:?}"
    );
}

#[test]
fn a_cod_case_resolves_when_the_shortfall_clears_and_is_withdrawn_when_it_never_was() {
    let before = cod_cases(&series(1, &[0, 500, 700]));
    let s = [stored(7, &before[0], true)];
    let after = cod_cases(&series(1, &[0, 500, 700, -5]));
    assert!(matches!(
        reconcile(&s, &after)[..],
        [Change::Resolve {
            id: 7,
            detected: Some(0),
            ..
        }]
    ));
    // The remittance of the same days arrived late: the shortfall never was positive.
    let never = cod_cases(&series(1, &[0, 0, 0]));
    assert!(matches!(
        reconcile(&s, &never)[..],
        [Change::Withdraw { id: 7, .. }]
    ));
}

#[test]
fn an_ageing_case_follows_its_pair_and_resolves_when_nothing_ages() {
    let mut r = rows(20);
    r.pending = vec![pending("P1", 10, 100)];
    let first = ageing_cases(&r, &CaseRules::default());
    let s = [stored(3, &first[0], true)];
    let mut later = rows(22);
    later.pending = vec![pending("P1", 10, 100), pending("P9", 18, 5)];
    let next = ageing_cases(&later, &CaseRules::default());
    assert_ne!(
        next[0].key(),
        first[0].key(),
        "keyed by the day it was seen"
    );
    assert_eq!(
        reconcile(&s, &next),
        [Change::Update { id: 3, detected: 0 }]
    );
    assert!(matches!(
        reconcile(&s, &[])[..],
        [Change::Resolve {
            id: 3,
            detected: None,
            ..
        }]
    ));
}

#[test]
fn a_person_resolved_case_is_never_opened_twice() {
    let mut r = rows(24);
    r.lost = vec![LostRow {
        partner: "SWFT".into(),
        package_id: "L1".into(),
        date: d(16),
        declared_value_minor: 5,
    }];
    let c = nl_cases(&r, &CaseRules::default());
    let s = [stored(4, &c[0], false)];
    assert_eq!(reconcile(&s, &c), [Change::Update { id: 4, detected: 0 }]);
}

#[test]
fn slas_are_configured_per_kind_and_checked() {
    let cfg = crate::health::ScoreConfig::from_toml(
        "[cases.sla]\ncod = { respond_hours = 12, resolve_hours = 48 }\n",
    )
    .unwrap();
    assert_eq!(cfg.cases.sla_for(Kind::Cod).resolve_hours, 48);
    assert_eq!(cfg.cases.sla_for(Kind::Nl), Kind::Nl.default_sla());
    let bad = crate::health::ScoreConfig::from_toml("[cases.sla]\ncdo = { respond_hours = 12, resolve_hours = 48 }\nnl = { respond_hours = 90, resolve_hours = 48 }\n").unwrap_err();
    assert!(
        bad.contains("cases.sla.cdo: not a kind") && bad.contains("cases.sla.nl: respond_hours"),
        "{bad}"
    );
}

#[test]
fn rules_are_checked() {
    assert!(CaseRules::default().check().is_empty());
    let bad = CaseRules {
        ageing_days: 0,
        slp_pct: 120.0,
        ..Default::default()
    };
    assert_eq!(bad.check().len(), 2);
}

#[test]
fn a_case_the_data_closed_is_reopened_when_the_data_shows_it_again() {
    let mut r = rows(24);
    r.lost = vec![LostRow {
        partner: "SWFT".into(),
        package_id: "L1".into(),
        date: d(16),
        declared_value_minor: 5,
    }];
    let c = nl_cases(&r, &CaseRules::default());
    let mut withdrawn = stored(4, &c[0], false);
    withdrawn.outcome = "withdrawn".into();
    assert_eq!(
        reconcile(&[withdrawn], &c),
        [Change::Reopen { id: 4, detected: 0 }]
    );
    // COD resolved by the data, then a reload shows the shortfall never cleared.
    let cleared = cod_cases(&series(1, &[0, 500, 700, -5]));
    let mut s = stored(7, &cleared[0], false);
    s.outcome = "resolved_by_data".into();
    let still = cod_cases(&series(1, &[0, 500, 700, 900]));
    assert_eq!(
        reconcile(&[s], &still),
        [Change::Reopen { id: 7, detected: 0 }]
    );
}

#[test]
fn an_open_cod_case_follows_its_pair_when_a_reload_moves_its_start() {
    let before = cod_cases(&series(1, &[0, 0, 500, 700]));
    let s = [stored(9, &before[0], true)];
    let after = cod_cases(&series(1, &[0, 400, 500, 700]));
    assert_ne!(after[0].key(), before[0].key());
    assert_eq!(
        reconcile(&s, &after),
        [Change::Update { id: 9, detected: 0 }]
    );
}

#[test]
fn ageing_is_read_over_every_date_with_data() {
    let mut r = rows(12);
    let day = |n: u32, ageing: &[(&str, i64, i64)]| {
        (
            d(n),
            ageing
                .iter()
                .map(|(p, c, v)| (p.to_string(), (*c, *v)))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    r.ageing_by_date = vec![
        day(4, &[]),
        day(5, &[("SWFT", 1, 100)]),
        day(7, &[("SWFT", 2, 300)]),
        day(8, &[]),
        day(10, &[("SWFT", 1, 50)]),
        day(12, &[("SWFT", 1, 50)]),
    ];
    r.pending = vec![pending("P7", 7, 50)];
    let c = ageing_cases(&r, &CaseRules::default());
    let got: Vec<_> = c
        .iter()
        .map(|c| (c.opened_on, c.resolved_on, c.amount_minor))
        .collect();
    assert_eq!(
        got,
        [(d(5), Some(d(8)), Some(300)), (d(10), None, Some(50))]
    );
    assert!(c[0].lines.is_empty() && c[1].lines.len() == 1);
    assert_ne!(c[0].key(), c[1].key(), "a later stretch is a new case");
    // The one that cleared resolves an open case only by its own key, never the pair's.
    let s = [stored(3, &c[1], true)];
    let changes = reconcile(&s, &c);
    assert_eq!(
        changes,
        [Change::Open(0), Change::Update { id: 3, detected: 1 }]
    );
}
