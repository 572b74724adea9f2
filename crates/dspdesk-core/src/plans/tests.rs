use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn week(s: &str) -> IsoWeek {
    IsoWeek::parse(s).unwrap()
}

fn counts(dispatched: i64, on_time: i64) -> Counts {
    Counts {
        dispatched,
        delivered: dispatched,
        on_time,
        ..Default::default()
    }
}

#[test]
fn the_baseline_is_the_four_complete_weeks_before_the_issue_week() {
    // Issued on Wednesday 25 Nov 2026 (W48): the baseline is W44–W47.
    let issued = d(2026, 11, 25);
    assert_eq!(
        baseline_weeks(issued).map(|w| w.to_string()),
        ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    );
    let weeks = vec![
        (week("2026-W43"), counts(100, 10)), // before the window
        (week("2026-W44"), counts(100, 80)),
        (week("2026-W45"), counts(100, 90)),
        (week("2026-W46"), counts(200, 150)),
        (week("2026-W47"), counts(100, 100)),
        (week("2026-W48"), counts(100, 0)), // the issue week
    ];
    let b = baseline_from_counts("dot_pct", &weeks, issued);
    assert_eq!(b.weeks, 4);
    // 420 on time of 500 dispatched, from the sums: 84.0, not the mean of the weeks' 86.25.
    assert_eq!(b.value, Some(84.0));
}

#[test]
fn a_new_partner_has_a_baseline_of_the_weeks_it_has_or_none() {
    let issued = d(2026, 11, 25);
    let two = vec![
        (week("2026-W46"), counts(100, 90)),
        (week("2026-W47"), counts(100, 70)),
    ];
    assert_eq!(
        baseline_from_counts("dot_pct", &two, issued),
        Baseline {
            value: Some(80.0),
            weeks: 2
        }
    );
    assert_eq!(
        baseline_from_counts("dot_pct", &[], issued),
        Baseline {
            value: None,
            weeks: 0
        }
    );
    let scores = vec![
        (week("2026-W45"), Some(60.0)),
        (week("2026-W46"), None),
        (week("2026-W47"), Some(70.0)),
    ];
    assert_eq!(
        baseline_from_values(&scores, issued),
        Baseline {
            value: Some(65.0),
            weeks: 2
        }
    );
    // Without a baseline nothing is better than it.
    assert!(!better(Direction::Higher, Some(99.0), None));
}

fn plan() -> Vec<Tracked> {
    vec![
        Tracked {
            metric: "dot_pct".into(),
            direction: Direction::Higher,
            target: 95.0,
            baseline: Baseline {
                value: Some(84.0),
                weeks: 4,
            },
        },
        Tracked {
            metric: "nl_dpmo".into(),
            direction: Direction::Lower,
            target: 500.0,
            baseline: Baseline {
                value: Some(900.0),
                weeks: 4,
            },
        },
    ]
}

#[test]
fn not_improving_after_exactly_two_weeks_without_a_better_metric() {
    let review = d(2026, 12, 31);
    let today = d(2026, 12, 14);
    let flat = vec![Some(84.0), Some(900.0)]; // equal to the baseline: not better
    let one = vec![(week("2026-W49"), flat.clone())];
    assert_eq!(
        evaluate(&plan(), &one, review, today).standing,
        Standing::OnTrack,
        "one week is not yet two"
    );
    let two = vec![
        (week("2026-W49"), flat.clone()),
        (week("2026-W50"), flat.clone()),
    ];
    let e = evaluate(&plan(), &two, review, today);
    assert_eq!(
        (e.standing, e.not_improving_since),
        (Standing::NotImproving, Some(week("2026-W49")))
    );
    // A third such week: still not improving since the first of the run.
    let three = [two.clone(), vec![(week("2026-W51"), flat.clone())]].concat();
    assert_eq!(
        evaluate(&plan(), &three, review, today).not_improving_since,
        Some(week("2026-W49"))
    );
    // A better week breaks the run; the stall counts again from after it.
    let broken = vec![
        (week("2026-W48"), flat.clone()),
        (week("2026-W49"), vec![Some(85.0), Some(900.0)]),
        (week("2026-W50"), flat.clone()),
        (week("2026-W51"), flat.clone()),
    ];
    assert_eq!(
        evaluate(&plan(), &broken, review, today).not_improving_since,
        Some(week("2026-W50"))
    );
    // One metric better in the second week: on track.
    let mixed = vec![
        (week("2026-W49"), flat.clone()),
        (week("2026-W50"), vec![Some(84.0), Some(899.0)]),
    ];
    assert_eq!(
        evaluate(&plan(), &mixed, review, today).standing,
        Standing::OnTrack
    );
    assert_eq!(
        evaluate(&plan(), &[], review, today).standing,
        Standing::Waiting
    );
}

#[test]
fn met_when_every_metric_reaches_its_target_and_due_on_the_review_date() {
    let weeks = vec![(week("2026-W49"), vec![Some(95.0), Some(500.0)])];
    let e = evaluate(&plan(), &weeks, d(2026, 12, 14), d(2026, 12, 13));
    assert_eq!(e.standing, Standing::Met, "exactly at the targets is met");
    assert_eq!(e.weeks[0].met, [true, true]);
    assert!(!e.due, "the day before the review");
    assert!(
        evaluate(&plan(), &weeks, d(2026, 12, 14), d(2026, 12, 14)).due,
        "on the review date"
    );
    // Extended to a later review date: not due any more.
    assert!(!evaluate(&plan(), &weeks, d(2026, 12, 28), d(2026, 12, 14)).due);
    let short = vec![(week("2026-W49"), vec![Some(95.0), Some(501.0)])];
    assert_eq!(
        evaluate(&plan(), &short, d(2026, 12, 14), d(2026, 12, 13)).standing,
        Standing::OnTrack
    );
}

#[test]
fn every_plan_metric_has_a_direction() {
    assert_eq!(direction("nl_dpmo"), Some(Direction::Lower));
    assert_eq!(direction("dot_pct"), Some(Direction::Higher));
    assert_eq!(direction("dispatched"), None);
    assert_eq!(from_counts("dot_pct", &counts(4, 3)), Some(Some(75.0)));
    assert_eq!(from_counts("score", &counts(4, 3)), None);
}

#[test]
fn a_week_without_data_neither_stalls_a_plan_nor_breaks_a_stall() {
    let flat = vec![Some(84.0), Some(900.0)];
    let gap = vec![None, None];
    let weeks = vec![
        (week("2026-W49"), flat.clone()),
        (week("2026-W50"), gap.clone()),
    ];
    let e = evaluate(&plan(), &weeks, d(2026, 12, 31), d(2026, 12, 14));
    assert_eq!(
        e.standing,
        Standing::OnTrack,
        "one week with data is not two"
    );
    let weeks = vec![
        (week("2026-W49"), flat.clone()),
        (week("2026-W50"), gap),
        (week("2026-W51"), flat),
    ];
    assert_eq!(
        evaluate(&plan(), &weeks, d(2026, 12, 31), d(2026, 12, 21)).standing,
        Standing::NotImproving
    );
}
