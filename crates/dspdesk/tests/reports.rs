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
    let export: Value = exported(
        &env,
        &[
            "metrics", "--grain", "day", "--from", &date, "--to", &date, "--format", "json",
        ],
    );
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
            "trend",
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
    assert!(run.stdout.contains("8 sheets"), "{}", run.stdout);
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
            "trend",
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
    let scores: Value = exported(
        &env,
        &[
            "scores",
            "--from",
            "2026-09-14",
            "--to",
            "2026-09-20",
            "--format",
            "json",
        ],
    );
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

/// A number of a workbook cell as the independent reader (calamine) gives it.
fn number(c: &calamine::Data) -> Option<f64> {
    match c {
        calamine::Data::Float(f) => Some(*f),
        calamine::Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// A sheet's first row: its column names.
fn header_of(sheet: &calamine::Range<calamine::Data>) -> Vec<String> {
    sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// `dspdesk export …` as JSON.
fn exported(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    serde_json::from_str(&env.run(&all).ok().stdout).unwrap()
}

/// The names of the files inside a workbook (an xlsx is a zip).
fn parts(path: &std::path::Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    z.file_names().map(|n| n.unwrap().into_owned()).collect()
}

#[test]
fn the_workbooks_read_back_by_another_reader_hold_the_export_s_numbers_and_their_charts() {
    use calamine::{Reader, Xlsx, open_workbook};
    let env = Env::new();
    env.simulated(2, 5, 21, &["deliveries", "remittances", "routes"]);
    let now = "2026-09-28T03:00:00Z";
    let daily = env.path("daily.xlsx");
    let weekly = env.path("weekly.xlsx");
    env.run(&[
        "report",
        "daily",
        "--format",
        "xlsx",
        "--out",
        daily.to_str().unwrap(),
        "--now",
        now,
    ])
    .ok();
    env.run(&[
        "report",
        "weekly",
        "--format",
        "xlsx",
        "--out",
        weekly.to_str().unwrap(),
        "--now",
        now,
    ])
    .ok();

    // The daily trend: each of the last 14 days equals the export of that day.
    let mut book: Xlsx<_> = open_workbook(&daily).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[..2], ["headline", "trend"], "{names:?}");
    let trend = book.worksheet_range("trend").unwrap();
    let rows: Vec<_> = trend.rows().collect();
    assert_eq!(rows[0][0].to_string(), "date");
    assert_eq!(rows.len(), 15, "a header and 14 days");
    let export: Value = exported(
        &env,
        &[
            "metrics",
            "--grain",
            "day",
            "--by",
            "",
            "--from",
            "2026-09-14",
            "--to",
            "2026-09-27",
            "--format",
            "json",
        ],
    );
    let export = export.as_array().unwrap();
    assert_eq!(export.len(), 14, "{export:?}");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    for row in &rows[1..] {
        let day = row[0].to_string();
        let e = export
            .iter()
            .find(|e| e["date"] == day.as_str())
            .unwrap_or_else(|| panic!("no export for {day}"));
        for (k, name) in header.iter().enumerate().skip(1) {
            assert_eq!(
                number(&row[k]),
                e[name.as_str()].as_f64(),
                "{name} on {day}"
            );
        }
    }
    // The headline's numbers are numbers, and the day's equal the export's last day.
    let headline = book.worksheet_range("headline").unwrap();
    let dispatched = headline.rows().find(|r| r[0] == "dispatched").unwrap();
    assert_eq!(number(&dispatched[1]), export[13]["dispatched"].as_f64());

    // The pack: its ranking sheet is `export scores` for the week, to the digit.
    let mut pack: Xlsx<_> = open_workbook(&weekly).unwrap();
    let ranking = pack.worksheet_range("ranking").unwrap();
    let header = header_of(&ranking);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let scores: Value = exported(
        &env,
        &[
            "scores",
            "--from",
            "2026-09-21",
            "--to",
            "2026-09-27",
            "--format",
            "json",
        ],
    );
    let scores = scores.as_array().unwrap();
    let body: Vec<_> = ranking.rows().skip(1).collect();
    assert_eq!(body.len(), scores.len());
    for (row, s) in body.iter().zip(scores) {
        assert_eq!(
            row[col("partner")].to_string(),
            s["partner"].as_str().unwrap()
        );
        for k in ["rank", "score", "dot_pct"] {
            assert_eq!(
                number(&row[col(k)]),
                s[k].as_f64(),
                "{k} of {}",
                s["partner"]
            );
        }
    }
    let weeks = pack.worksheet_range("trend").unwrap();
    assert_eq!(
        weeks.rows().count(),
        4,
        "a header and the 3 weeks with data"
    );

    // Profitability: `export profit --by block,mot` for the week, every column.
    let profit = pack.worksheet_range("profit").unwrap();
    let header = header_of(&profit);
    let by_block: Value = exported(
        &env,
        &[
            "profit",
            "--by",
            "block,mot",
            "--from",
            "2026-09-21",
            "--to",
            "2026-09-27",
            "--format",
            "json",
        ],
    );
    let by_block = by_block.as_array().unwrap();
    let rows: Vec<_> = profit.rows().skip(1).collect();
    assert!(
        !rows.is_empty() && rows.len() == by_block.len(),
        "{by_block:?}"
    );
    for (row, e) in rows.iter().zip(by_block) {
        for (k, name) in header.iter().enumerate() {
            let want = match &e[name.as_str()] {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            let got = number(&row[k]).or_else(|| row[k].to_string().parse().ok());
            assert_eq!(got, want, "profit's {name} of {e}");
        }
    }
    // The COD ledger: each pair's due and remitted are the sums of `export cod`.
    let cod = pack.worksheet_range("cod").unwrap();
    let header = header_of(&cod);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let days: Value = exported(
        &env,
        &[
            "cod",
            "--from",
            "2026-09-21",
            "--to",
            "2026-09-27",
            "--format",
            "json",
        ],
    );
    let rows: Vec<_> = cod.rows().skip(1).collect();
    assert!(!rows.is_empty());
    for row in rows {
        let (p, st) = (
            row[col("partner")].to_string(),
            row[col("station")].to_string(),
        );
        for k in ["cod_due", "remitted"] {
            let sum: rust_decimal::Decimal = days
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["partner"] == p.as_str() && d["station"] == st.as_str())
                .map(|d| {
                    d[k].as_str()
                        .unwrap()
                        .parse::<rust_decimal::Decimal>()
                        .unwrap()
                })
                .sum();
            let want = rust_decimal::prelude::ToPrimitive::to_f64(&sum);
            assert_eq!(number(&row[col(k)]), want, "{k} of {p} at {st}");
        }
    }

    // Each trend sheet carries its two native charts.
    for path in [&daily, &weekly] {
        let files = parts(path);
        let charts = files
            .iter()
            .filter(|f| f.starts_with("xl/charts/chart"))
            .count();
        assert_eq!(charts, 2, "{files:?}");
    }
}

#[test]
fn the_daily_report_and_the_pack_read_as_they_did() {
    let env = Env::new();
    env.simulated(2, 4, 14, &["deliveries", "remittances"]);
    let now = "2026-09-21T03:00:00Z";
    let daily = env.run(&["report", "daily", "--now", now]).ok().stdout;
    insta::assert_snapshot!("daily_report", daily);
    let pack = env.run(&["report", "weekly", "--now", now]).ok().stdout;
    insta::assert_snapshot!("weekly_pack", pack);
    // As one page that prints: every section, each on its own page.
    let html = env
        .run(&["report", "weekly", "--format", "html", "--now", now])
        .ok()
        .stdout;
    assert!(html.starts_with("<!doctype html>"), "{html}");
    assert!(html.contains("break-before:page"));
    for id in ["ranking", "trend", "bottom", "cod", "vas", "launches"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
}
