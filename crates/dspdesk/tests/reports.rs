//! `dspdesk report daily` with the real binary on a simulated network: the headline
//! agrees with `export metrics` to the digit; a partner's report holds no other
//! partner's code, for every partner; the workbook is written; a partner outside the
//! caller's sight is refused.

mod common;

use common::Env;
use serde_json::Value;

#[test]
fn the_daily_report_agrees_with_the_export_and_keeps_each_partner_to_itself() {
    let env = Env::new();
    let sim = env.simulated(2, 5, 14, &["deliveries", "remittances"]);
    let now = "2026-09-21T03:00:00Z";
    let report = |extra: &[&str]| -> Value {
        let mut args = vec!["report", "daily", "--format", "json", "--now", now];
        args.extend_from_slice(extra);
        serde_json::from_str(&env.run(&args).ok().stdout).unwrap()
    };
    let r = report(&[]);
    let date = r["date"].as_str().unwrap().to_owned();
    assert_eq!(date, "2026-09-20", "the last day with data");
    let export: Value = serde_json::from_str(
        &env.run(&[
            "export", "metrics", "--grain", "day", "--from", &date, "--to", &date, "--format",
            "json",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let headline = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "headline")
        .unwrap()["rows"]
        .as_array()
        .unwrap()
        .clone();
    let row = |m: &str| headline.iter().find(|x| x["metric"] == m).unwrap().clone();
    for m in [
        "dispatched",
        "dot_pct",
        "dcr_pct",
        "nl_dpmo",
        "cod_due",
        "routes",
    ] {
        assert_eq!(row(m)["day"], export[0][m], "{m} agrees with the export");
    }
    let ids: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "headline",
            "defaulting",
            "unusual",
            "cod",
            "cases",
            "documents",
            "launches"
        ]
    );

    // Every partner's report names no other partner.
    let partners = Env::partners_of(&sim);
    assert!(partners.len() >= 4, "{partners:?}");
    for p in &partners {
        let mine = report(&["--partner", p]).to_string();
        for other in partners.iter().filter(|o| *o != p) {
            assert!(!mine.contains(other.as_str()), "{p}'s report names {other}");
        }
    }

    // The workbook: one sheet per section.
    let out = env.path("daily.xlsx");
    let run = env
        .run(&[
            "report",
            "daily",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
            "--now",
            now,
        ])
        .ok();
    assert!(run.stdout.contains("7 sheets"), "{}", run.stdout);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");

    // The weekly pack: its ranking is `export scores` for the week, to the digit.
    let pack = |extra: &[&str]| -> Value {
        let mut args = vec!["report", "weekly", "--format", "json", "--now", now];
        args.extend_from_slice(extra);
        serde_json::from_str(&env.run(&args).ok().stdout).unwrap()
    };
    let w = pack(&[]);
    assert_eq!(w["week"], "2026-W38", "the last complete week");
    let ids: Vec<&str> = w["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "ranking",
            "bottom",
            "consistently_bottom",
            "plans",
            "action_items",
            "profit",
            "cod",
            "ev",
            "vas",
            "launches"
        ]
    );
    let scores: Value = serde_json::from_str(
        &env.run(&[
            "export",
            "scores",
            "--from",
            "2026-09-14",
            "--to",
            "2026-09-20",
            "--format",
            "json",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let ranking = w["sections"][0]["rows"].as_array().unwrap();
    let scores = scores.as_array().unwrap();
    assert_eq!(ranking.len(), scores.len());
    for (a, b) in ranking.iter().zip(scores) {
        for k in [
            "partner",
            "rank",
            "score",
            "tier",
            "dot_pct",
            "cod_shortfall",
        ] {
            assert_eq!(a[k], b[k], "{k} of {}", a["partner"]);
        }
    }
    for p in &partners {
        let mine = pack(&["--partner", p]).to_string();
        for other in partners.iter().filter(|o| *o != p) {
            assert!(!mine.contains(other.as_str()), "{p}'s pack names {other}");
        }
    }

    let refused = env
        .run(&["report", "daily", "--partner", "NOPE", "--now", now])
        .fails_with(1);
    assert!(refused.stderr.contains("partner"), "{}", refused.stderr);
}
