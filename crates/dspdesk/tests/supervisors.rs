//! The supervisor ready reckoner with the real binary: every supervisor's tenure,
//! routes, packages, DOT, DCR, NL DPMO and top-performer flag equal a recount of the
//! input files (deliveries joined to routes on route_id and date); a supervisor's
//! routes and a route's packages add up; a name with a bad phone is refused.

mod common;

use chrono::{DateTime, NaiveDate};
use common::Env;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    routes: i64,
    packages: i64,
    delivered: i64,
    on_time: i64,
    lost: i64,
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_reckoner_is_a_recount_of_the_input_files() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "4",
        "--days",
        "100",
        "--start",
        "2026-08-01",
        "--volume",
        "150",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    for kind in ["routes", "deliveries"] {
        env.run(&[
            "ingest",
            kind,
            sim.join(format!("{kind}.csv")).to_str().unwrap(),
        ])
        .ok();
    }
    let as_of = day("2026-11-08"); // the 100th day
    let from = as_of - chrono::Duration::days(27);

    // The recount, straight from the files.
    let deliveries = std::fs::read_to_string(sim.join("deliveries.csv")).unwrap();
    let mut per_route: HashMap<(String, String), Tally> = HashMap::new();
    for line in deliveries.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c[1].is_empty() {
            continue;
        }
        let t = per_route
            .entry((c[1].to_owned(), c[2].to_owned()))
            .or_default();
        t.packages += 1;
        if c[6] == "delivered" {
            t.delivered += 1;
            let promised = DateTime::parse_from_rfc3339(c[5]).unwrap();
            let at = DateTime::parse_from_rfc3339(c[7]).unwrap();
            t.on_time += i64::from(at <= promised);
        }
        t.lost += i64::from(c[6] == "lost" || c[6] == "damaged");
    }
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    let mut want: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut first: BTreeMap<(String, String), NaiveDate> = BTreeMap::new();
    for line in routes.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let (date, partner, sup) = (day(c[1]), c[3], c[7]);
        if sup.is_empty() || date > as_of {
            continue;
        }
        let key = (partner.to_owned(), sup.to_owned());
        let f = first.entry(key.clone()).or_insert(date);
        *f = (*f).min(date);
        let w = want.entry(key).or_default();
        if date >= from {
            let r = per_route
                .get(&(c[0].to_owned(), c[1].to_owned()))
                .copied()
                .unwrap_or_default();
            w.routes += 1;
            w.packages += r.packages;
            w.delivered += r.delivered;
            w.on_time += r.on_time;
            w.lost += r.lost;
        }
    }
    // The top-20% cut, recounted: among supervisors with 20 routes, fewer than a fifth
    // score strictly higher (compared as fractions).
    let eligible: Vec<&Tally> = want
        .values()
        .filter(|t| t.routes >= 20 && t.packages > 0)
        .collect();
    let higher = |t: &Tally| {
        eligible
            .iter()
            .filter(|o| {
                o.packages > 0
                    && (t.packages == 0
                        || i128::from(o.on_time) * i128::from(t.packages)
                            > i128::from(t.on_time) * i128::from(o.packages))
            })
            .count()
    };

    let out = env
        .run(&[
            "supervisors",
            "list",
            "--as-of",
            "2026-11-08",
            "--format",
            "json",
        ])
        .ok();
    let got: Value = serde_json::from_str(&out.stdout).unwrap();
    let lines = got["lines"].as_array().unwrap();
    assert_eq!(lines.len(), want.len());
    assert_eq!(got["compared"].as_u64(), Some(eligible.len() as u64));
    let (mut tops, mut fresh) = (0, 0);
    for l in lines {
        let key = (
            l["partner"].as_str().unwrap().to_owned(),
            l["supervisor"].as_str().unwrap().to_owned(),
        );
        let w = want[&key];
        let tenure = (as_of - first[&key]).num_days() + 1;
        assert_eq!(l["tenure_days"].as_i64(), Some(tenure), "{key:?}");
        assert_eq!(
            (
                l["routes"].as_i64(),
                l["packages"].as_i64(),
                l["delivered"].as_i64(),
                l["on_time"].as_i64(),
                l["lost"].as_i64()
            ),
            (
                Some(w.routes),
                Some(w.packages),
                Some(w.delivered),
                Some(w.on_time),
                Some(w.lost)
            ),
            "{key:?}"
        );
        match l["dot_pct"].as_f64() {
            Some(dot) => {
                assert!((dot - 100.0 * w.on_time as f64 / w.packages as f64).abs() < 1e-9)
            }
            None => assert_eq!(w.packages, 0, "{key:?}"),
        }
        let top =
            tenure >= 90 && w.routes >= 20 && w.packages > 0 && higher(&w) * 5 < eligible.len();
        assert_eq!(l["top_performer"].as_bool(), Some(top), "{key:?} {l}");
        tops += usize::from(top);
        fresh += usize::from(tenure < 90);
    }
    assert!(tops > 0, "some tenured top performer");
    assert!(fresh > 0, "some supervisor joined late: tenures vary");

    // A supervisor's page: its routes add up to its line, and a route's packages to it.
    let l = lines.iter().max_by_key(|l| l["routes"].as_i64()).unwrap();
    let (p, s) = (
        l["partner"].as_str().unwrap(),
        l["supervisor"].as_str().unwrap(),
    );
    let show: Value = serde_json::from_str(
        &env.run(&[
            "supervisors",
            "show",
            p,
            s,
            "--as-of",
            "2026-11-08",
            "--format",
            "json",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let routes = show["routes"].as_array().unwrap();
    assert_eq!(routes.len() as i64, l["routes"].as_i64().unwrap());
    let sum: i64 = routes
        .iter()
        .map(|r| r["counts"]["dispatched"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, l["packages"].as_i64().unwrap());
    let r = &routes[0];
    let pk: Value = serde_json::from_str(
        &env.run(&[
            "supervisors",
            "packages",
            p,
            s,
            "--date",
            r["date"].as_str().unwrap(),
            "--route",
            r["route_id"].as_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let pk = pk["packages"].as_array().unwrap();
    assert_eq!(pk.len() as i64, r["counts"]["dispatched"].as_i64().unwrap());
    let on_time = pk.iter().filter(|p| p["on_time"] == true).count() as i64;
    assert_eq!(on_time, r["counts"]["on_time"].as_i64().unwrap());
    // Someone else's route is not theirs.
    let other = lines.iter().find(|o| o["partner"] != l["partner"]).unwrap();
    let wrong = env.run(&[
        "supervisors",
        "packages",
        other["partner"].as_str().unwrap(),
        other["supervisor"].as_str().unwrap(),
        "--date",
        r["date"].as_str().unwrap(),
        "--route",
        r["route_id"].as_str().unwrap(),
    ]);
    assert!(
        wrong.code != 0 && wrong.stderr.contains("no such route"),
        "{}",
        wrong.stderr
    );

    // Names: a bad phone is refused and nothing is saved; a good one shows.
    let bad = env.run(&[
        "supervisors",
        "name",
        p,
        s,
        "--name",
        "Asha",
        "--phone",
        "call me",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("phone"),
        "{}",
        bad.stderr
    );
    env.run(&[
        "supervisors",
        "name",
        p,
        s,
        "--name",
        "Asha Rao",
        "--phone",
        "+91 98450 12345",
    ])
    .ok();
    let unknown = env.run(&["supervisors", "name", p, "NOBODY", "--name", "X"]);
    assert!(
        unknown.code != 0 && unknown.stderr.contains("no such supervisor"),
        "{}",
        unknown.stderr
    );
    let after: Value = serde_json::from_str(
        &env.run(&["supervisors", "list", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let named = after["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["partner"] == p && x["supervisor"] == s)
        .unwrap();
    assert_eq!(
        (named["name"].as_str(), named["phone"].as_str()),
        (Some("Asha Rao"), Some("+91 98450 12345"))
    );
}
