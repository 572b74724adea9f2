//! The scorecard end to end on a simulated network whose bad partners are known
//! (`truth.json`): they must land on the right lists for the right reasons, and every
//! number must agree between the exports.

mod common;

use common::Env;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

const RATES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/config/rates.toml"
);
const SCORE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/config/score.toml"
);

struct Network {
    env: Env,
    traits: BTreeMap<String, BTreeSet<String>>,
    /// The last complete week and the one before.
    week: String,
    from: String,
    to: String,
}

fn load(env: Env) -> Network {
    let out = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "6",
        "--partners",
        "40",
        "--days",
        "63",
        "--volume",
        "500",
        "--seed",
        "7",
        "--start",
        "2026-09-21",
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
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap();
    let traits = truth["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["partner"].as_str().unwrap().to_owned(),
                p["traits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    // 21 Sep 2026 is a Monday; 63 days end on Sun 22 Nov (2026-W47).
    Network {
        env,
        traits,
        week: "2026-W47".into(),
        from: "2026-09-21".into(),
        to: "2026-11-22".into(),
    }
}

fn json(env: &Env, args: &[&str]) -> Vec<serde_json::Value> {
    let r = env.run(args).ok();
    serde_json::from_str::<serde_json::Value>(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
        .as_array()
        .unwrap()
        .clone()
}

fn with_trait<'a>(n: &'a Network, t: &str) -> BTreeSet<&'a str> {
    n.traits
        .iter()
        .filter(|(_, ts)| ts.contains(t))
        .map(|(p, _)| p.as_str())
        .collect()
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn planted_partners_land_on_the_right_lists_and_the_numbers_agree() {
    check_lists(Env::new());
}

#[test]
fn a_new_score_version_keeps_scored_weeks_until_a_rescore_and_explain_adds_up() {
    check_versions_and_goals(Env::new());
}

/// The same flows with the database on PostgreSQL (skipped loudly where none answers).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_runs_the_scorecard_the_same() {
    let checks: [fn(Env); 2] = [check_lists, check_versions_and_goals];
    for check in checks {
        let Some(pg) = dspdesk_store::testing::TestStore::postgres().await else {
            return;
        };
        let url = pg.url.clone();
        tokio::task::spawn_blocking(move || {
            let mut env = Env::new();
            env.database_url = Some(url);
            check(env);
        })
        .await
        .unwrap();
        pg.finish().await;
    }
}

fn check_lists(env: Env) {
    let n = load(env);
    let env = &n.env;
    assert!(
        env.run(&["config", "check", "rates", RATES])
            .ok()
            .stdout
            .contains("a valid rates configuration")
    );
    env.run(&["config", "load", "rates", RATES]).ok();
    let flags = json(env, &["export", "flags", "--format", "json"]);
    let flagged = |kind: &str| -> BTreeMap<String, String> {
        flags
            .iter()
            .filter(|f| f["kind"] == kind)
            .map(|f| {
                (
                    f["partner"].as_str().unwrap().to_owned(),
                    f["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    // Low on-time partners default on DOT, with the reason in words.
    let defaulting = flagged("defaulting");
    let low_dot = with_trait(&n, "low_dot");
    assert!(!low_dot.is_empty());
    for p in &low_dot {
        let reason = defaulting
            .get(*p)
            .unwrap_or_else(|| panic!("{p} (low_dot) is not defaulting: {defaulting:?}"));
        assert!(reason.starts_with("DOT below 95% on"), "{reason}");
    }

    // Late remitters and partners that stop remitting, and only they, have overdue COD.
    let overdue: BTreeSet<String> = flags
        .iter()
        .filter(|f| f["kind"] == "cod_overdue")
        .map(|f| f["partner"].as_str().unwrap().to_owned())
        .collect();
    let late: BTreeSet<String> = with_trait(&n, "late_remitter")
        .into_iter()
        .chain(with_trait(&n, "stops_remitting"))
        .map(str::to_owned)
        .collect();
    assert!(!late.is_empty());
    assert_eq!(overdue, late, "cod_overdue flags against truth.json");

    // The consistently bottom partners are planted ones.
    let bottom = flagged("bottom");
    assert!(!bottom.is_empty(), "somebody is consistently at the bottom");
    for (p, reason) in &bottom {
        assert!(
            n.traits.contains_key(p),
            "{p} is consistently bottom but planted nothing"
        );
        assert!(reason.contains("bottom 10%"), "{reason}");
    }

    // Scores: high-loss partners lose their NL points; degrading ones fall.
    let scores = json(
        env,
        &[
            "export", "scores", "--from", &n.from, "--to", &n.to, "--format", "json",
        ],
    );
    let mean = |ps: &BTreeSet<&str>, metric: &str| {
        let v: Vec<f64> = scores
            .iter()
            .filter(|s| ps.contains(s["partner"].as_str().unwrap()))
            .filter_map(|s| s[metric].as_f64())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    // truth.json lists the planted partners; the others are clean.
    let clean: BTreeSet<&str> = scores
        .iter()
        .map(|s| s["partner"].as_str().unwrap())
        .filter(|p| !n.traits.contains_key(*p))
        .collect();
    assert!(clean.len() > 20, "{clean:?}");
    let high_loss = with_trait(&n, "high_loss");
    assert!(
        mean(&high_loss, "nl_dpmo") > 3.0 * mean(&clean, "nl_dpmo"),
        "{high_loss:?} {} vs {}",
        mean(&high_loss, "nl_dpmo"),
        mean(&clean, "nl_dpmo")
    );
    assert!(mean(&low_dot, "score") < mean(&clean, "score") - 10.0);
    for p in with_trait(&n, "degrading") {
        let dot = |week: &str| {
            scores
                .iter()
                .find(|s| s["partner"] == p && s["week"] == week)
                .and_then(|s| s["dot_pct"].as_f64())
                .unwrap()
        };
        assert!(dot("2026-W47") < dot("2026-W39") - 5.0, "{p} degrades");
    }

    // The score's DOT is the week's DOT of export metrics, to the digit.
    let metrics = env
        .run(&[
            "export",
            "metrics",
            "--grain",
            "week",
            "--by",
            "partner",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
            "--format",
            "json",
        ])
        .ok();
    let metrics: Vec<serde_json::Value> = serde_json::from_str(&metrics.stdout).unwrap();
    for m in &metrics {
        let s = scores
            .iter()
            .find(|s| s["week"] == n.week && s["partner"] == m["partner"])
            .unwrap();
        assert_eq!(
            s["dot_pct"].as_f64(),
            m["dot_pct"].as_f64(),
            "{}",
            m["partner"]
        );
        assert_eq!(s["dispatched"], m["dispatched"]);
        assert_eq!(s["cod_due"], m["cod_due"]);
    }
    // Ranks: 1 is the best score, and ties share a rank.
    let week: Vec<&serde_json::Value> = scores.iter().filter(|s| s["week"] == n.week).collect();
    for a in &week {
        for b in &week {
            if a["score"].as_f64() > b["score"].as_f64() {
                assert!(a["rank"].as_i64() < b["rank"].as_i64());
            }
        }
    }

    // Profit: the same money whichever way it is sliced, and loss-making blocks flagged.
    let sum = |by: &str, col: &str| -> Decimal {
        json(
            env,
            &[
                "export", "profit", "--from", &n.from, "--to", &n.to, "--by", by, "--format",
                "json",
            ],
        )
        .iter()
        .map(|r| dec(&r[col]))
        .sum()
    };
    let by_block = sum("block,mot", "payout");
    assert!(by_block > Decimal::ZERO);
    // Each line is rounded to 2 places, so sums may differ by half a paisa a line.
    let by_partner = sum("partner", "payout");
    assert!(
        (by_block - by_partner).abs() <= Decimal::new(1, 0),
        "{by_block} vs {by_partner}"
    );
    let blocks = json(
        env,
        &[
            "export",
            "profit",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
            "--by",
            "station,block,mot",
            "--format",
            "json",
        ],
    );
    let losing: BTreeSet<(String, String)> = blocks
        .iter()
        .filter(|b| dec(&b["profit"]) < Decimal::ZERO)
        .map(|b| {
            (
                b["station"].as_str().unwrap().to_owned(),
                format!("{}h {}", b["block_hours"], b["mot"].as_str().unwrap()),
            )
        })
        .collect();
    let loss_flags: BTreeSet<(String, String)> = flags
        .iter()
        .filter(|f| f["kind"] == "loss_making_block")
        .map(|f| {
            (
                f["station"].as_str().unwrap().to_owned(),
                f["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        !losing.is_empty(),
        "the example rates make some blocks lose"
    );
    assert_eq!(losing, loss_flags);

    // The COD ledger: shortfall follows the contract from the ledger's own columns.
    let cod = json(
        env,
        &[
            "export", "cod", "--from", &n.from, "--to", &n.to, "--format", "json",
        ],
    );
    let mut running: BTreeMap<(String, String), (Decimal, Decimal)> = BTreeMap::new();
    let mut last_day: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in &cod {
        let key = (
            r["partner"].as_str().unwrap().to_owned(),
            r["station"].as_str().unwrap().to_owned(),
        );
        let date = r["date"].as_str().unwrap().to_owned();
        let e = running.entry(key.clone()).or_default();
        // shortfall(D) = due(<= D-1) - remitted(<= D); due(<= D-1) is the running due
        // before this row when the rows are consecutive days.
        if last_day.get(&key).is_some_and(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .unwrap()
                .succ_opt()
                .unwrap()
                .to_string()
                == date
        }) || !last_day.contains_key(&key)
        {
            e.1 += dec(&r["remitted"]);
            assert_eq!(dec(&r["shortfall"]), e.0 - e.1, "{key:?} {date}");
        } else {
            break;
        }
        e.0 += dec(&r["cod_due"]);
        last_day.insert(key, date);
    }
}

fn check_versions_and_goals(env: Env) {
    let n = load(env);
    let env = &n.env;
    let first = env.run(&["score", "--week", &n.week]).ok();
    assert!(
        first.stdout.contains("configuration version 0"),
        "{}",
        first.stdout
    );
    // A bad file names the key and changes nothing.
    let bad = env.write(
        "bad.toml",
        "[components.dot_pct]\nwieght = 40\nfloor = 85\ntarget = 98\n",
    );
    let r = env
        .run(&["config", "load", "score", bad.to_str().unwrap()])
        .fails_with(65);
    assert!(r.stderr.contains("wieght"), "{}", r.stderr);
    let heavier = std::fs::read_to_string(SCORE)
        .unwrap()
        .replace("weight = 30\nfloor = 85", "weight = 60\nfloor = 85");
    let file = env.write("score.toml", &heavier);
    env.run(&["config", "check", "score", file.to_str().unwrap()])
        .ok();
    env.run(&[
        "config",
        "load",
        "score",
        file.to_str().unwrap(),
        "--note",
        "DOT counts double",
    ])
    .ok();
    let csv = |week: &str| {
        env.run(&[
            "export", "scores", "--from", week, "--to", week, "--format", "json",
        ])
        .ok()
        .stdout
    };
    let before: Vec<serde_json::Value> = serde_json::from_str(&csv("2026-11-16")).unwrap();
    assert!(
        before.iter().all(|r| r["config_version"] == 0),
        "the week keeps its version"
    );
    let moved = env.run(&["score", "--week", &n.week, "--rescore"]).ok();
    assert!(
        moved.stdout.contains("version 1 (was version 0)"),
        "{}",
        moved.stdout
    );
    let after: Vec<serde_json::Value> = serde_json::from_str(&csv("2026-11-16")).unwrap();
    assert!(after.iter().all(|r| r["config_version"] == 1));
    assert_ne!(
        before
            .iter()
            .map(|r| r["score"].clone())
            .collect::<Vec<_>>(),
        after.iter().map(|r| r["score"].clone()).collect::<Vec<_>>()
    );
    let shown = env
        .run(&["config", "show", "score", "--config-version", "1"])
        .ok();
    assert!(shown.stdout.contains("weight = 60"), "{}", shown.stdout);
    let history = env.run(&["score", "--week", &n.week, "--history"]).ok();
    assert_eq!(history.stdout.lines().count(), 2, "{}", history.stdout);
    // A later week with no pin scores with the version in force.
    let r = env.run(&["score", "--week", "2026-W46", "--config-version", "1"]);
    assert_eq!(r.code, 2, "choosing a version is a re-score: --rescore");

    // explain: the components' shares of the change add up to the change.
    let p = n.traits.keys().next().unwrap();
    let e = env
        .run(&[
            "explain",
            "--partner",
            p,
            "--week",
            &n.week,
            "--format",
            "json",
        ])
        .ok();
    let e: serde_json::Value = serde_json::from_str(&e.stdout).unwrap();
    // The components add up to the change before rounding.
    let change = e["exact_now"].as_f64().unwrap() - e["exact_before"].as_f64().unwrap();
    let sum: f64 = e["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["delta"].as_f64().unwrap())
        .sum();
    assert!((change - sum).abs() < 1e-6, "{change} vs {sum}");
    assert!(!e["stations"].as_array().unwrap().is_empty());
    let text = env
        .run(&["explain", "--partner", p, "--week", &n.week])
        .ok();
    assert!(text.stdout.contains("dot_pct"), "{}", text.stdout);
    env.run(&["explain", "--partner", "NOPE", "--week", &n.week])
        .fails_with(1);

    // Goals: adopting the suggestion stores it (audited) and it is the goal in force.
    env.run(&[
        "goals",
        "adopt",
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-29",
    ])
    .ok();
    let goals = json(
        env,
        &[
            "export",
            "goals",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
            "--format",
            "json",
        ],
    );
    assert!(!goals.is_empty());
    assert!(goals.iter().all(|g| g["goal_source"] == "adopted"));
    let suggest = env.run(&["goals", "suggest", "--date", "2026-11-15"]).ok();
    let (pp, ss) = (
        goals[0]["partner"].as_str().unwrap(),
        goals[0]["station"].as_str().unwrap(),
    );
    let line = suggest
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{pp},{ss},")))
        .unwrap();
    let p50: f64 = line.split(',').nth(4).unwrap().parse().unwrap();
    assert_eq!(goals[0]["goal_p50"].as_f64().unwrap(), p50);
    env.run(&[
        "goals",
        "set",
        "--partner",
        pp,
        "--station",
        ss,
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-22",
        "--p50",
        "99",
        "--p90",
        "120",
    ])
    .ok();
    let goals = json(
        env,
        &[
            "export",
            "goals",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
            "--format",
            "json",
        ],
    );
    let g = goals
        .iter()
        .find(|g| g["partner"] == pp && g["station"] == ss)
        .unwrap();
    assert_eq!(g["goal_source"], "set");
    assert_eq!(
        g["goal_p50_met_pct"].as_f64(),
        Some(0.0),
        "nobody runs 99 routes"
    );
}
