//! Improvement plans with the real binary: a plan's baseline and tracked weeks equal
//! `export metrics` for the same weeks; refusals; the coaches told once.

mod common;

use common::Env;
use serde_json::Value;

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).unwrap()
}

#[test]
fn a_plan_tracks_the_same_numbers_as_the_export_and_tells_once() {
    let env = Env::new();
    let out = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "3",
        "--partners",
        "8",
        "--days",
        "42",
        "--volume",
        "120",
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    for (kind, file) in [
        ("routes", "routes.csv"),
        ("deliveries", "deliveries.csv"),
        ("remittances", "cod_remittances.csv"),
    ] {
        env.run(&["ingest", kind, out.join(file).to_str().unwrap()])
            .ok();
    }
    // 2026-07-27 (W31) to 2026-09-06 (W36). Issued on Wednesday of W35: the baseline is
    // W31–W34, W36 is the one complete week tracked.
    let weekly = env.export("week", "partner", "2026-07-27", "2026-09-06");
    let partner = weekly[1][col(&weekly, "partner")].clone();
    let now = ["--now", "2026-09-07T06:00:00Z"];
    for (args, says) in [
        (vec!["--metric", "speed=3"], "not a metric a plan tracks"),
        (vec!["--metric", "dot_pct"], "METRIC=TARGET"),
        (
            vec!["--metric", "dot_pct=99", "--review", "2026-08-20"],
            "not after the issue",
        ),
    ] {
        let mut all = vec![
            "plans",
            "issue",
            "--partner",
            partner.as_str(),
            "--issued",
            "2026-08-26",
        ];
        if !args.contains(&"--review") {
            all.extend(["--review", "2026-09-30"]);
        }
        all.extend(args.iter().copied());
        all.extend(now);
        let r = env.run(&all);
        assert!(
            r.code != 0 && r.stderr.contains(says),
            "{says}: {}",
            r.stderr
        );
    }
    env.run(&[
        "plans",
        "issue",
        "--partner",
        &partner,
        "--metric",
        "dot_pct=99.9",
        "--metric",
        "nl_dpmo=0",
        "--issued",
        "2026-08-26",
        "--review",
        "2026-09-30",
        now[0],
        now[1],
    ])
    .ok();
    let v: Value = serde_json::from_str(
        &env.run(&["plans", "show", "1", "--format", "json", now[0], now[1]])
            .ok()
            .stdout,
    )
    .unwrap();
    // The baseline: on time over dispatched summed over W31–W34, from the daily export.
    let daily = env.export("day", "partner", "2026-07-27", "2026-08-23");
    let (p, disp, on) = (
        col(&daily, "partner"),
        col(&daily, "dispatched"),
        col(&daily, "on_time"),
    );
    let (mut d, mut o) = (0i64, 0i64);
    for r in daily[1..].iter().filter(|r| r[p] == partner) {
        d += r[disp].parse::<i64>().unwrap();
        o += r[on].parse::<i64>().unwrap();
    }
    let baseline = v["metrics"][0]["baseline"]["value"].as_f64().unwrap();
    assert!(
        (baseline - 100.0 * o as f64 / d as f64).abs() < 1e-9,
        "{baseline}"
    );
    assert_eq!(v["metrics"][0]["baseline"]["weeks"], 4);
    // The tracked week equals the weekly export.
    let weeks = v["evaluation"]["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 1);
    assert_eq!(weeks[0]["week"], "2026-W36");
    let row = weekly[1..]
        .iter()
        .find(|r| r[col(&weekly, "week")] == "2026-W36" && r[col(&weekly, "partner")] == partner)
        .unwrap();
    for (i, m) in ["dot_pct", "nl_dpmo"].iter().enumerate() {
        let exported: f64 = row[col(&weekly, m)].parse().unwrap();
        let tracked = weeks[0]["values"][i].as_f64().unwrap();
        assert!(
            (exported - tracked).abs() < 1e-9,
            "{m}: {exported} vs {tracked}"
        );
    }
    assert_ne!(v["state"], "met", "targets out of reach are not met");
    assert_eq!(v["plan"]["state"], "issued");
    // Due on 30 Sep: the coaches (here: the program team, none being set up) are told once.
    let first = env
        .run(&["jobs", "run", "--now", "2026-10-01T06:00:00Z"])
        .ok();
    assert!(!first.stdout.contains("; 0 plans told"), "{}", first.stdout);
    let again = env
        .run(&["jobs", "run", "--now", "2026-10-02T06:00:00Z"])
        .ok();
    assert!(
        again.stdout.contains("; 0 plans told"),
        "told once: {}",
        again.stdout
    );
    // Extended, then closed with an outcome; a closed plan takes nothing more.
    env.run(&["plans", "extend", "1", "--review", "2026-10-31"])
        .ok();
    let v: Value = serde_json::from_str(
        &env.run(&["plans", "show", "1", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["plan"]["review_on"], "2026-10-31");
    let bad = env.run(&["plans", "close", "1", "maybe"]);
    assert!(
        bad.code != 0 && bad.stderr.contains("met, not_met or escalated"),
        "{}",
        bad.stderr
    );
    env.run(&["plans", "close", "1", "not_met"]).ok();
    // One command from the scorecard: the components that pulled the score down.
    let from = env
        .run(&[
            "plans",
            "issue",
            "--partner",
            &partner,
            "--from-scorecard",
            "--issued",
            "2026-09-02",
            "--review",
            "2026-09-30",
            now[0],
            now[1],
        ])
        .ok();
    assert!(
        from.stdout.contains("from the scorecard of 2026-W36")
            && from.stdout.contains("issued plan #2"),
        "{}",
        from.stdout
    );
    let v2: Value = serde_json::from_str(
        &env.run(&["plans", "show", "2", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert!(!v2["plan"]["metrics"].as_array().unwrap().is_empty());
    let closed = env.run(&["plans", "close", "1", "met"]);
    assert!(
        closed.code != 0 && closed.stderr.contains("closed already"),
        "{}",
        closed.stderr
    );
}
