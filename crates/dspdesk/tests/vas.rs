//! VAS adoption with the real binary: per partner and kind, dispatched, delivered and
//! completion equal a recount of the deliveries file, beside the network's; enrolment is
//! the kinds enrolled among those offered at the partner's stations over those offered
//! (null when none is); a kind not offered cannot be enrolled.

mod common;

use common::Env;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn adoption_is_a_recount_and_enrolment_counts_kinds_offered() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "3",
        "--partners",
        "5",
        "--days",
        "14",
        "--start",
        "2026-09-07",
        "--volume",
        "300",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    env.run(&[
        "ingest",
        "deliveries",
        sim.join("deliveries.csv").to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(sim.join("deliveries.csv")).unwrap();
    let mut want: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    let mut network: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut stations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        stations
            .entry(c[4].to_owned())
            .or_default()
            .insert(c[3].to_owned());
        if c[10].is_empty() || c[2] > "2026-09-13" {
            continue;
        }
        let delivered = i64::from(c[6] == "delivered");
        let e = want.entry((c[4].to_owned(), c[10].to_owned())).or_default();
        e.0 += 1;
        e.1 += delivered;
        let n = network.entry(c[10].to_owned()).or_default();
        n.0 += 1;
        n.1 += delivered;
    }
    let adoption = |env: &Env| -> Value {
        serde_json::from_str(
            &env.run(&[
                "vas",
                "adoption",
                "--from",
                "2026-09-07",
                "--to",
                "2026-09-13",
                "--format",
                "json",
            ])
            .ok()
            .stdout,
        )
        .unwrap()
    };
    // Nothing offered yet: every enrolment is null, never 0.
    let a = adoption(&env);
    for p in a["partners"].as_array().unwrap() {
        assert!(p["enrolment"]["pct"].is_null(), "{p}");
    }
    for n in a["network"].as_array().unwrap() {
        let (d, del) = network[n["vas"].as_str().unwrap()];
        assert_eq!(
            (n["dispatched"].as_i64(), n["delivered"].as_i64()),
            (Some(d), Some(del))
        );
    }
    let mut seen = 0;
    for p in a["partners"].as_array().unwrap() {
        for k in p["kinds"].as_array().unwrap() {
            let key = (
                p["partner"].as_str().unwrap().to_owned(),
                k["vas"].as_str().unwrap().to_owned(),
            );
            let (d, del) = want[&key];
            assert_eq!(
                (k["dispatched"].as_i64(), k["delivered"].as_i64()),
                (Some(d), Some(del))
            );
            let pct = k["completion_pct"].as_f64().unwrap();
            assert!((pct - 100.0 * del as f64 / d as f64).abs() < 1e-9);
            let (nd, ndel) = network[&key.1];
            let npct = k["network_completion_pct"].as_f64().unwrap();
            assert!((npct - 100.0 * ndel as f64 / nd as f64).abs() < 1e-9);
            seen += 1;
        }
    }
    assert_eq!(seen, want.len());

    // Offer two kinds at one station, enrol its partners in one: enrolment 1/2 for a
    // partner there (its other stations offer nothing).
    let (station, partners) = {
        let mut by_station: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (p, sts) in &stations {
            for s in sts {
                by_station.entry(s.clone()).or_default().push(p.clone());
            }
        }
        by_station.into_iter().next().unwrap()
    };
    env.run(&["vas", "offer", &station, "open_box"]).ok();
    env.run(&["vas", "offer", &station, "install"]).ok();
    let refused = env.run(&["vas", "enrol", &partners[0], "exchange"]);
    assert!(
        refused.code != 0 && refused.stderr.contains("not offered"),
        "{}",
        refused.stderr
    );
    let bad = env.run(&["vas", "offer", &station, "Open Box"]);
    assert!(
        bad.code != 0 && bad.stderr.contains("open_box"),
        "{}",
        bad.stderr
    );
    env.run(&["vas", "enrol", &partners[0], "open_box"]).ok();
    let a = adoption(&env);
    let line = |code: &str| {
        a["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["partner"] == code)
            .cloned()
            .unwrap()
    };
    let p0 = line(&partners[0]);
    assert_eq!(p0["enrolment"]["enrolled"], 1);
    assert_eq!(p0["enrolment"]["offered"], 2);
    assert_eq!(p0["enrolment"]["pct"].as_f64(), Some(50.0));
    assert_eq!(p0["rank"], 1, "the only enrolled partner ranks first");
    if let Some(p1) = partners.get(1) {
        assert_eq!(line(p1)["enrolment"]["pct"].as_f64(), Some(0.0));
    }
    // Withdrawn, the kind no longer counts.
    env.run(&["vas", "offer", &station, "install", "--remove"])
        .ok();
    let a = adoption(&env);
    let p0 = a["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["partner"] == partners[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(p0["enrolment"]["pct"].as_f64(), Some(100.0));
}
