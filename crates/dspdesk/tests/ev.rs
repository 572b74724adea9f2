//! The EV share with the real binary: per partner and week it equals a recount of the
//! routes file; a goal's trajectory says who is behind.

mod common;

use chrono::Datelike;
use common::Env;
use serde_json::Value;
use std::collections::BTreeMap;

#[test]
fn the_ev_share_is_a_recount_of_the_routes_and_a_goal_says_who_is_behind() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "6",
        "--days",
        "28",
        "--start",
        "2026-09-07",
        "--volume",
        "200",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    env.run(&["ingest", "routes", sim.join("routes.csv").to_str().unwrap()])
        .ok();
    // The recount: (partner, week) -> (routes, EV routes), straight from the file.
    let mut want: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for line in routes.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let d = chrono::NaiveDate::parse_from_str(c[1], "%Y-%m-%d").unwrap();
        let w = d.iso_week();
        let e = want
            .entry((c[3].to_owned(), format!("{}-W{:02}", w.year(), w.week())))
            .or_default();
        e.0 += 1;
        e.1 += i64::from(c[5].starts_with("EV"));
    }
    assert!(
        want.values().any(|v| v.1 > 0),
        "the simulation runs some EVs"
    );
    let out = env
        .run(&[
            "ev",
            "share",
            "--from",
            "2026-09-07",
            "--to",
            "2026-10-04",
            "--format",
            "json",
        ])
        .ok();
    let got: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(got.len(), want.len());
    for g in &got {
        let key = (
            g["partner"].as_str().unwrap().to_owned(),
            g["week"].as_str().unwrap().to_owned(),
        );
        let (r, ev) = want[&key];
        assert_eq!(
            (g["routes"].as_i64(), g["ev_routes"].as_i64()),
            (Some(r), Some(ev)),
            "{key:?}"
        );
        let pct = g["ev_routes_pct"].as_f64().unwrap();
        assert!((pct - 100.0 * ev as f64 / r as f64).abs() < 1e-9, "{key:?}");
    }
    let partner = &got[0]["partner"].as_str().unwrap().to_owned();
    let bad = env.run(&[
        "ev",
        "goal",
        partner,
        "--target",
        "120",
        "--by",
        "2026-12-31",
        "--now",
        "2026-10-05T09:00:00Z",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("from 0 to 100"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_partner_below_its_goals_trajectory_in_a_later_week_is_behind() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "6",
        "--days",
        "28",
        "--start",
        "2026-09-07",
        "--volume",
        "200",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    // Three weeks first (W37–W39), the goal set, then the fourth week (W40).
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    let mut lines = routes.lines();
    let header = lines.next().unwrap();
    let (early, late): (Vec<&str>, Vec<&str>) =
        lines.partition(|l| l.split(',').nth(1).unwrap() < "2026-09-28");
    for (name, rows) in [("early.csv", &early), ("late.csv", &late)] {
        std::fs::write(env.path(name), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    }
    env.run(&["ingest", "routes", env.path("early.csv").to_str().unwrap()])
        .ok();
    let partners: Vec<String> = early
        .iter()
        .map(|l| l.split(',').nth(3).unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // 100% of routes on EVs by the end of W40: its trajectory there is 100%.
    for p in &partners {
        let set = env
            .run(&[
                "ev",
                "goal",
                p,
                "--target",
                "100",
                "--by",
                "2026-10-04",
                "--now",
                "2026-09-28T09:00:00Z",
            ])
            .ok();
        assert!(set.stdout.contains("in 2026-W39"), "{}", set.stdout);
    }
    let board = |env: &Env| -> Vec<Value> {
        serde_json::from_str(&env.run(&["ev", "board", "--format", "json"]).ok().stdout).unwrap()
    };
    // In the week it was set, the trajectory is the partner's own share: none behind.
    let before = board(&env);
    assert!(before.iter().all(|l| l["behind"] == false), "{before:?}");
    env.run(&["ingest", "routes", env.path("late.csv").to_str().unwrap()])
        .ok();
    let after = board(&env);
    for l in &after {
        let all_ev = l["ev_routes_pct"].as_f64() == Some(100.0);
        assert_eq!(l["week"], "2026-W40");
        assert_eq!(l["trajectory_pct"].as_f64(), Some(100.0), "{l}");
        assert_eq!(l["behind"], !all_ev, "{l}");
        assert_eq!(l["trend"].as_array().unwrap().len(), 8);
    }
    assert!(after.iter().any(|l| l["behind"] == true));
    // Behind ones first.
    let first_not = after
        .iter()
        .position(|l| l["behind"] != true)
        .unwrap_or(after.len());
    assert!(after[first_not..].iter().all(|l| l["behind"] != true));
}
