//! Compliance documents with the real binary: a lapsed mandatory document caps that
//! week's tier at fair and lowers the compliance component exactly as metrics.md says;
//! the renewal restores it; bad files and numbers are refused; renewal reminders go out
//! once.

mod common;

use common::Env;
use serde_json::Value;

/// The partner's row of a week's scores.
fn row(env: &Env, week: &str, partner: &str) -> Value {
    let v: Value = serde_json::from_str(
        &env.run(&["score", "--week", week, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    v["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["partner"] == partner)
        .unwrap()
        .clone()
}

#[test]
fn a_lapsed_document_caps_the_tier_until_it_is_renewed() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "4",
        "--days",
        "21",
        "--start",
        "2026-02-02",
        "--volume",
        "200",
        "--seed",
        "3",
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
    let partner = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_owned();
    let before = row(&env, "2026-W07", &partner);
    assert!(
        before["values"]["compliance_pct"].is_null(),
        "no documents: left out"
    );
    let now = ["--now", "2026-02-20T09:00:00Z"];
    for (code, label, optional) in [
        ("trade_licence", "Trade licence", false),
        ("pan", "PAN", false),
        ("vehicle_papers", "Vehicle papers", true),
    ] {
        let mut args = vec!["documents", "type", code, label];
        if optional {
            args.push("--optional");
        }
        env.run(&args).ok();
    }
    let pdf = env.write("licence.pdf", "%PDF-1.4 licence");
    let png = env.path("pan.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\nthe card").unwrap();
    let add =
        |t: &str, number: &str, issued: &str, expires: Option<&str>, file: &std::path::Path| {
            let mut args = vec![
                "documents",
                "add",
                "--partner",
                &partner,
                "--type",
                t,
                "--number",
                number,
                "--issued",
                issued,
                "--file",
                file.to_str().unwrap(),
            ];
            if let Some(e) = expires {
                args.extend(["--expires", e]);
            }
            args.extend(now);
            env.run(&args)
        };
    // Refused with the reason: a wrong PAN, an executable named .pdf, a type not
    // configured, a file too large.
    let elf = env.path("run.pdf");
    std::fs::write(&elf, b"\x7fELF\x02\x01\x01").unwrap();
    let big = env.path("big.pdf");
    std::fs::write(
        &big,
        [b"%PDF-".to_vec(), vec![b'x'; 11 * 1024 * 1024]].concat(),
    )
    .unwrap();
    for (t, number, file, says) in [
        ("pan", "AAPF10939F", &png, "not a PAN"),
        ("trade_licence", "TL-1", &elf, "not a PDF"),
        ("insurance", "I-1", &pdf, "not a document type"),
        ("trade_licence", "TL-1", &big, "MiB"),
    ] {
        let r = add(t, number, "2026-01-01", None, file);
        assert!(
            r.code != 0 && r.stderr.contains(says),
            "{says}: {}",
            r.stderr
        );
    }
    // The licence runs out on Saturday 14 February, inside W07; the PAN never does.
    let out = add(
        "trade_licence",
        "TL-1",
        "2025-02-15",
        Some("2026-02-14"),
        &pdf,
    )
    .ok();
    assert!(
        out.stdout.contains("document #1 uploaded"),
        "{}",
        out.stdout
    );
    add("pan", "aapfu0939f", "2020-01-01", None, &png).ok();
    let unverified = row(&env, "2026-W06", &partner);
    assert!(
        unverified["values"]["compliance_pct"].is_null(),
        "uploads waiting to be checked change nothing"
    );
    env.run(&["documents", "verify", "1"]).ok();
    env.run(&["documents", "verify", "2"]).ok();
    let again = env.run(&["documents", "verify", "1"]);
    assert!(
        again.code != 0 && again.stderr.contains("verified already"),
        "{}",
        again.stderr
    );
    // W06 ends on 8 February: both valid, 100%, no cap; the score as without documents
    // but for the compliance component at its target.
    let w06 = row(&env, "2026-W06", &partner);
    assert_eq!(w06["values"]["compliance_pct"], 100.0);
    assert_eq!(w06["lapsed"].as_array().unwrap().len(), 0);
    // W07 ends on 15 February: the licence lapsed. 1 of 2 mandatory types: 50%, under
    // the floor of 80 (0 points), and the tier at most fair.
    let w07 = row(&env, "2026-W07", &partner);
    assert_eq!(w07["values"]["compliance_pct"], 50.0);
    assert_eq!(w07["lapsed"], serde_json::json!(["trade_licence"]));
    let tier = w07["tier"].as_str().unwrap();
    assert!(matches!(tier, "fair" | "poor"), "{tier}");
    assert_eq!(w07["contributions"]["compliance_pct"], 0.0, "{w07}");
    let status = env
        .run(&[
            "documents",
            "status",
            "--partner",
            &partner,
            "--on",
            "2026-02-15",
        ])
        .ok();
    assert!(
        status
            .stdout
            .contains("compliance 50.0%; lapsed: trade_licence"),
        "{}",
        status.stdout
    );
    // Renewed from 15 February and verified: W07 is whole again.
    add(
        "trade_licence",
        "TL-2",
        "2026-02-15",
        Some("2027-02-14"),
        &pdf,
    )
    .ok();
    env.run(&["documents", "verify", "3"]).ok();
    let renewed = row(&env, "2026-W07", &partner);
    assert_eq!(renewed["values"]["compliance_pct"], 100.0);
    assert_eq!(renewed["lapsed"].as_array().unwrap().len(), 0);
    // The compliance component at 100 joins the others with its weight of 10 of 100.
    let (was, now_score) = (
        before["score"].as_f64().unwrap(),
        renewed["score"].as_f64().unwrap(),
    );
    assert!(
        (now_score - (was * 90.0 + 10.0 * 100.0) / 100.0).abs() < 1e-9,
        "{was} -> {now_score}"
    );
    // A bank guarantee that ended on 10 February lapses with none after it.
    let bad = env.run(&[
        "documents",
        "guarantee",
        "--partner",
        &partner,
        "--bank",
        "HDFC",
        "--number",
        "BG-1",
        "--amount=-5",
        "--from",
        "2025-02-11",
        "--to",
        "2026-02-10",
        "--claims-until",
        "2026-05-10",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("amount in rupees above 0"),
        "{}",
        bad.stderr
    );
    env.run(&[
        "documents",
        "guarantee",
        "--partner",
        &partner,
        "--bank",
        "HDFC",
        "--number",
        "BG-1",
        "--amount",
        "500000",
        "--from",
        "2025-02-11",
        "--to",
        "2026-02-10",
        "--claims-until",
        "2026-05-10",
        "--now",
        "2026-02-20T09:00:00Z",
    ])
    .ok();
    let status = env
        .run(&[
            "documents",
            "status",
            "--partner",
            &partner,
            "--on",
            "2026-02-15",
        ])
        .ok();
    assert!(
        status
            .stdout
            .contains("compliance 100.0%; lapsed: bank_guarantee"),
        "{}",
        status.stdout
    );
    assert_eq!(
        row(&env, "2026-W07", &partner)["lapsed"],
        serde_json::json!(["bank_guarantee"])
    );
    // Renewal reminders: 60 days before 14 February 2027 the partner's people hear once.
    let first = env
        .run(&["jobs", "run", "--now", "2026-12-16T06:00:00Z"])
        .ok();
    assert!(
        first.stdout.contains("; 1 renewal reminders"),
        "{}",
        first.stdout
    );
    // The quarter's compliance checks opened with the first round, once.
    let opened: usize = first
        .stdout
        .split("; ")
        .find_map(|p| {
            p.strip_suffix(" compliance checks opened\n")
                .or(p.strip_suffix(" compliance checks opened"))
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(opened >= 1, "{}", first.stdout);
    let checks: Value = serde_json::from_str(
        &env.run(&[
            "cases",
            "list",
            "--kind",
            "compliance_check",
            "--format",
            "json",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let mine = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["partner"] == partner.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine["subject"], "2026Q4");
    let detail: Value = serde_json::from_str(
        &env.run(&["cases", "show", &mine["id"].to_string(), "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let lines: Vec<String> = detail["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["reference"].as_str().unwrap(),
                l["detail"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Trade licence in order: valid to 2027-02-14")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Bank guarantee to do")),
        "{lines:?}"
    );
    let second = env
        .run(&["jobs", "run", "--now", "2026-12-17T06:00:00Z"])
        .ok();
    assert!(
        second.stdout.contains("; 0 compliance checks opened"),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains("; 0 renewal reminders"),
        "{}",
        second.stdout
    );
    // Renewed early: no reminder for the one it replaces.
    add(
        "trade_licence",
        "TL-3",
        "2027-02-01",
        Some("2028-01-31"),
        &pdf,
    )
    .ok();
    env.run(&["documents", "verify", "4"]).ok();
    let after = env
        .run(&["jobs", "run", "--now", "2027-01-15T06:00:00Z"])
        .ok();
    assert!(
        after.stdout.contains("; 0 renewal reminders"),
        "{}",
        after.stdout
    );
    // 2027Q1: the 2026Q4 checks are still open, so no second check opens beside them.
    assert!(
        after.stdout.contains("; 0 compliance checks opened"),
        "{}",
        after.stdout
    );
    let list = env
        .run(&[
            "documents",
            "list",
            "--partner",
            &partner,
            "--format",
            "json",
        ])
        .ok();
    let v: Value = serde_json::from_str(&list.stdout).unwrap();
    let renewed_doc = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == 3)
        .unwrap()
        .clone();
    assert_eq!(renewed_doc["reminded"], serde_json::json!([60]));
    assert_eq!(
        v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == 2)
            .unwrap()["number"],
        "AAPFU0939F",
        "a PAN kept in capitals"
    );
}
