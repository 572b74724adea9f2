use super::*;
use crate::shared::model::Configs;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

fn counts(dispatched: i64, on_time: i64, routes: i64) -> Counts {
    Counts {
        dispatched,
        delivered: dispatched,
        on_time,
        routes,
        ..Counts::default()
    }
}

fn model(
    facts: &[(&str, &str, NaiveDate, Counts)],
    remit: &[(&str, &str, NaiveDate, i64)],
) -> Model {
    let facts: Vec<(String, String, NaiveDate, Counts)> = facts
        .iter()
        .map(|(p, s, d, c)| (p.to_string(), s.to_string(), *d, *c))
        .collect();
    let remit: Vec<(String, String, NaiveDate, i64)> = remit
        .iter()
        .map(|(p, s, d, a)| (p.to_string(), s.to_string(), *d, *a))
        .collect();
    Model::build(
        facts.iter().map(|(p, s, d, c)| (p, s, *d, *c)),
        remit.iter().map(|(p, s, d, a)| (p, s, *d, *a)),
        Vec::new(),
        Configs::from_rows(&[], BTreeMap::new()),
    )
}

#[test]
fn ties_share_a_rank_and_the_bottom_share_includes_ties() {
    let w = IsoWeek::of(d(16));
    let cfg = ScoreConfig::default();
    let row = |p: &str, on_time| {
        ScoreRow::new(
            p,
            None,
            w,
            0,
            &cfg,
            Inputs {
                counts: counts(100, on_time, 0),
                ..Inputs::default()
            },
            &Default::default(),
        )
    };
    let mut rows = vec![
        row("A", 98),
        row("B", 90),
        row("C", 90),
        row("D", 80),
        row("E", 97),
    ];
    rank(&mut rows, 40.0);
    let by: BTreeMap<&str, (Option<usize>, bool)> = rows
        .iter()
        .map(|r| (r.partner.as_str(), (r.rank, r.bottom)))
        .collect();
    assert_eq!(by["A"], (Some(1), false));
    assert_eq!(by["E"], (Some(2), false));
    assert_eq!(by["B"], (Some(3), true), "1 of 5 scores lower: under 40%");
    assert_eq!(
        by["C"],
        (Some(3), true),
        "a tie is in the bottom with its twin"
    );
    assert_eq!(by["D"], (Some(5), true));
}

#[test]
fn a_lone_partner_or_a_network_of_ties_has_no_bottom() {
    let w = IsoWeek::of(d(16));
    let cfg = ScoreConfig::default();
    let row = |p: &str| {
        ScoreRow::new(
            p,
            None,
            w,
            0,
            &cfg,
            Inputs {
                counts: counts(100, 97, 0),
                ..Inputs::default()
            },
            &Default::default(),
        )
    };
    let mut one = vec![row("A")];
    rank(&mut one, 10.0);
    assert!(!one[0].bottom);
    let mut tied = vec![row("A"), row("B"), row("C")];
    rank(&mut tied, 50.0);
    assert!(tied.iter().all(|r| !r.bottom && r.rank == Some(1)));
}

#[test]
fn cash_owed_at_a_station_left_counts_but_does_not_score_the_station() {
    // SWFT works at DEL4 until the 13th and owes its last day's cash; it works at
    // BOM1 through the week of the 16th.
    let mut facts = Vec::new();
    for day in 9..=13 {
        facts.push((
            "SWFT",
            "DEL4",
            d(day),
            Counts {
                cod_due_minor: 500,
                ..counts(100, 98, 1)
            },
        ));
    }
    for day in 9..=22 {
        facts.push((
            "SWFT",
            "BOM1",
            d(day),
            Counts {
                cod_due_minor: 1000,
                ..counts(100, 98, 1)
            },
        ));
    }
    let remit: Vec<(&str, &str, NaiveDate, i64)> = (10..=13)
        .map(|day| ("SWFT", "DEL4", d(day), 500))
        .chain((10..=22).map(|day| ("SWFT", "BOM1", d(day), 1000)))
        .collect();
    let m = model(&facts, &remit);
    let week = m.week(IsoWeek::of(d(16)));
    assert_eq!(
        week.pairs.len(),
        1,
        "DEL4 is not scored in a week SWFT did not work there"
    );
    let swft = week.partner("SWFT").unwrap();
    assert_eq!(
        swft.inputs.cod_shortfall_minor, 500,
        "but its unpaid cash counts"
    );
    assert_eq!(
        swft.value("cod_shortfall_pct"),
        Some(100.0 * 500.0 / 7000.0)
    );
}

#[test]
fn cod_shortfall_follows_the_contract() {
    // Due 100 on the 16th and 17th; 100 remitted on the 17th, none after.
    let m = model(
        &[
            (
                "SWFT",
                "DEL4",
                d(16),
                Counts {
                    cod_due_minor: 100,
                    dispatched: 1,
                    delivered: 1,
                    ..Counts::default()
                },
            ),
            (
                "SWFT",
                "DEL4",
                d(17),
                Counts {
                    cod_due_minor: 100,
                    dispatched: 1,
                    delivered: 1,
                    ..Counts::default()
                },
            ),
        ],
        &[("SWFT", "DEL4", d(17), 100)],
    );
    let ledger = m.cod_ledger(d(16), d(20));
    let by: BTreeMap<NaiveDate, (i64, bool)> = ledger
        .iter()
        .map(|l| (l.date, (l.shortfall_minor, l.overdue)))
        .collect();
    assert_eq!(
        by[&d(17)],
        (0, false),
        "the 16th's cash was due by the end of the 17th"
    );
    assert_eq!(
        by[&d(18)],
        (100, false),
        "the 17th's cash is missing on the 18th"
    );
    assert_eq!(
        by[&d(19)],
        (100, true),
        "positive two days running: overdue"
    );
    assert_eq!(
        m.cod_overdue(d(19)),
        vec![("SWFT".into(), "DEL4".into(), 100, d(18))]
    );
}

#[test]
fn a_partner_new_this_week_is_scored_and_goals_count_zero_route_days() {
    // The station ran routes every day; SWFT ran 2 a day, ZIPX joined on the 16th
    // (a Monday) with 1 route on two days.
    let mut facts = Vec::new();
    for day in 2..=22 {
        facts.push(("SWFT", "DEL4", d(day), counts(100, 99, 2)));
    }
    facts.push(("ZIPX", "DEL4", d(16), counts(50, 40, 1)));
    facts.push(("ZIPX", "DEL4", d(18), counts(50, 45, 1)));
    let m = model(&facts, &[]);
    let week = m.week(IsoWeek::of(d(16)));
    let zipx = week.partner("ZIPX").unwrap();
    assert_eq!(zipx.inputs.counts.dispatched, 100);
    assert_eq!(zipx.value("dot_pct"), Some(85.0));
    assert_eq!(
        zipx.inputs.goal_days, 0,
        "no history before the week: no goal"
    );
    assert_eq!(
        zipx.value("goal_p50_met_pct"),
        None,
        "left out, weights renormalised"
    );
    assert!(zipx.score.is_some());
    let swft = week.partner("SWFT").unwrap();
    assert_eq!(swft.inputs.goal_days, 7);
    assert_eq!(swft.value("goal_p50_met_pct"), Some(100.0));
    // Next week's suggestion for ZIPX counts the station's other route days as 0.
    let goals = m.goals_week(IsoWeek::of(d(16)));
    let z = goals.iter().find(|g| g.partner == "ZIPX").unwrap();
    assert_eq!(z.suggested_p50, Some(0.0), "21 route days, 2 with a route");
    assert_eq!(z.suggestion_days, 21);
}

#[test]
fn defaulting_counts_days_with_dispatches_only() {
    let mut facts = Vec::new();
    for (day, on_time) in [
        (10, 99),
        (11, 90),
        (12, 99),
        (14, 90),
        (15, 99),
        (16, 94),
        (17, 99),
    ] {
        facts.push(("SWFT", "DEL4", d(day), counts(100, on_time, 1)));
    }
    let m = model(&facts, &[]);
    let list = m.defaulting(d(17));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].days_below, 3);
    assert_eq!(
        list[0].days_seen, 7,
        "the 13th had no dispatches and is skipped"
    );
    assert!(m.defaulting(d(16)).len() == 1 && m.defaulting(d(12)).is_empty());
}

#[test]
fn the_explanation_adds_up_and_names_the_station() {
    let mut facts = Vec::new();
    for day in 9..=22 {
        let bad = (16..=18).contains(&day);
        facts.push(("SWFT", "DEL4", d(day), counts(100, 98, 2)));
        facts.push((
            "SWFT",
            "BOM1",
            d(day),
            counts(100, if bad { 70 } else { 98 }, 2),
        ));
    }
    let m = model(&facts, &[]);
    let e = m.explain("SWFT", IsoWeek::of(d(16)), &|_| true).unwrap();
    let sum: f64 = e.components.iter().map(|c| c.delta).sum();
    assert!(
        (sum - e.exact_change().unwrap()).abs() < 1e-9,
        "{sum} vs {:?}",
        e.exact_change()
    );
    assert!(e.change().unwrap() < 0.0);
    assert_eq!(e.stations[0].what, "BOM1");
    assert!(e.days[0].what.starts_with("BOM1 2026-11-1"));
    let dot = e
        .components
        .iter()
        .find(|c| c.component.as_str() == "dot_pct")
        .unwrap();
    assert!(dot.delta < 0.0);
}

/// A lapsed mandatory document caps the tier at `fair` and the compliance share is a
/// component of the score; without documents on file it is left out.
#[test]
fn compliance_is_a_component_and_a_lapsed_document_caps_the_tier() {
    let w = IsoWeek::of(d(16));
    let cfg = ScoreConfig::default();
    let inputs = Inputs {
        counts: counts(100, 100, 0),
        ..Inputs::default()
    };
    let row =
        |c: dspdesk_core::compliance::Standing| ScoreRow::new("A", None, w, 0, &cfg, inputs, &c);
    let none = row(Default::default());
    assert_eq!(none.value("compliance_pct"), None);
    assert_eq!(none.tier, Some(Tier::FantasticPlus));
    let half = row(dspdesk_core::compliance::Standing {
        compliance_pct: Some(50.0),
        lapsed: vec![],
    });
    assert_eq!(half.value("compliance_pct"), Some(50.0));
    assert!(
        half.score.unwrap() < none.score.unwrap(),
        "50% is under the floor of 80: 0 points"
    );
    let lapsed = row(dspdesk_core::compliance::Standing {
        compliance_pct: Some(100.0),
        lapsed: vec!["pan".into()],
    });
    assert_eq!(lapsed.score, none.score, "100% compliant scores as before");
    assert_eq!(lapsed.tier, Some(Tier::Fair), "but the lapse caps the tier");
    assert_eq!(lapsed.lapsed, ["pan"]);
}

#[test]
fn a_partner_with_a_goal_that_runs_no_routes_is_scored_zero_on_it() {
    // SWFT ran 2 routes a day at DEL4 from the 2nd to the 15th (its suggested P50 for
    // the week of the 16th is 2), then nothing; ZIPX kept the station running. A partner
    // whose suggestion is below one route has no goal: CETC ran a route on 3 days of 14.
    let mut facts = Vec::new();
    for day in 2..=22 {
        facts.push(("ZIPX", "DEL4", d(day), counts(100, 99, 3)));
        if day <= 15 {
            facts.push(("SWFT", "DEL4", d(day), counts(100, 97, 2)));
        }
    }
    for day in [3, 8, 12] {
        facts.push(("CETC", "DEL4", d(day), counts(20, 19, 1)));
    }
    let m = model(&facts, &[]);
    let week = m.week(IsoWeek::of(d(16)));
    let swft = week
        .partner("SWFT")
        .expect("committed routes and ran none: still scored");
    assert_eq!(swft.inputs.counts.dispatched, 0);
    assert_eq!(swft.inputs.goal_days, 7);
    assert_eq!(swft.value("goal_p50_met_pct"), Some(0.0));
    assert!(swft.score.is_some() && swft.rank.is_some());
    assert!(
        week.partner("CETC").is_none(),
        "a suggested P50 below one route is no commitment"
    );
}

#[test]
fn scores_are_rounded_before_they_are_tiered() {
    use dspdesk_core::health::round_score;
    assert_eq!(round_score(69.99999999999997), 70.0);
    assert_eq!(round_score(70.05), 70.1);
    assert_eq!(round_score(70.04), 70.0);
    assert_eq!(round_score(-0.05), -0.1);
    let cfg = ScoreConfig::default();
    let t = cfg.tiers.tier(round_score(69.99999999999997), None);
    assert_eq!(t, cfg.tiers.tier(70.0, None));
}

#[test]
fn an_incomplete_week_never_feeds_the_bottom_list() {
    // Four weeks of data and one day of a fifth: the bottom list asked for the fifth
    // counts back from the fourth.
    let mut facts = Vec::new();
    for day in 2..=30 {
        facts.push(("SWFT", "DEL4", d(day), counts(100, 99, 2)));
        facts.push(("ZIPX", "DEL4", d(day), counts(100, 60, 2)));
        facts.push(("CETC", "DEL4", d(day), counts(100, 98, 2)));
    }
    let m = model(&facts, &[]);
    let partial = IsoWeek::of(d(30));
    assert!(partial.sunday() > d(30));
    let b = m.consistently_bottom(partial);
    for row in b.iter() {
        assert!(
            row.history.iter().all(|(w, _, _)| *w < partial),
            "{:?}",
            row.history
        );
    }
    let last_complete = IsoWeek::of(d(29));
    let full = m.consistently_bottom(last_complete);
    assert_eq!(
        b.iter().map(|r| &r.partner).collect::<Vec<_>>(),
        full.iter().map(|r| &r.partner).collect::<Vec<_>>()
    );
}

#[test]
fn an_incomplete_week_does_not_feed_the_defaulting_flags() {
    // Good every day of two complete weeks (9–22 Nov), then three bad days of the next
    // week, which has only those three days.
    let mut facts = Vec::new();
    for day in 9..=25 {
        let on_time = if day >= 23 { 80 } else { 99 };
        facts.push(("SWFT", "DEL4", d(day), counts(100, on_time, 1)));
    }
    let m = model(&facts, &[]);
    assert_eq!(m.last_complete_week(), Some(IsoWeek::of(d(22))));
    assert_eq!(m.defaulting(d(25)).len(), 1, "the three days would default");
    let flags = m.flags(&[]);
    assert!(
        flags
            .iter()
            .all(|f| f.kind != dspdesk_core::flags::FlagKind::Defaulting),
        "{flags:?}"
    );
    // The ranking of the last complete week lists the same partners as the flags.
    assert!(m.defaulting(d(22)).is_empty());
}
