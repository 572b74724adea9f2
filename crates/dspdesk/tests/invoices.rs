//! Invoices with the real binary: the simulator's invoices are checked on arrival and
//! exactly the ones it padded or mis-taxed open a dispute or a GST case; a bad file is
//! refused whole with every error by row and column; a dispute is settled by a note.

mod common;

use common::Env;
use serde_json::Value;
use std::collections::BTreeMap;

const RATES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/config/rates.toml"
);
const NOW: [&str; 2] = ["--now", "2026-11-05T09:00:00Z"];

fn list(env: &Env) -> Vec<Value> {
    let out = env
        .run(&[&["invoices", "list", "--format", "json"][..], &NOW[..]].concat())
        .ok();
    serde_json::from_str(&out.stdout).unwrap()
}

fn loaded(env: &Env) -> std::path::PathBuf {
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "12",
        "--days",
        "40",
        "--start",
        "2026-09-10",
        "--volume",
        "150",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    for kind in ["deliveries", "routes"] {
        let f = sim.join(format!("{kind}.csv"));
        env.run(&["ingest", kind, f.to_str().unwrap()]).ok();
    }
    env.run(&["config", "load", "rates", RATES]).ok();
    sim
}

#[test]
fn exactly_the_padded_and_mis_taxed_invoices_are_caught() {
    let env = Env::new();
    let sim = loaded(&env);
    let file = sim.join("invoices.csv");
    let out = env
        .run(&[&["invoices", "load", file.to_str().unwrap()][..], &NOW[..]].concat())
        .ok();
    let truth: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(sim.join("invoices_truth.json")).unwrap())
            .unwrap();
    let fault: BTreeMap<(String, String), String> = truth
        .iter()
        .map(|t| {
            (
                (
                    t["partner"].as_str().unwrap().to_owned(),
                    t["number"].as_str().unwrap().to_owned(),
                ),
                t["fault"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let planted = |f: &str| fault.values().filter(|v| *v == f).count();
    assert!(
        planted("padded") > 0 && planted("wrong_kind") > 0 && planted("wrong_amount") > 0,
        "{fault:?}"
    );
    assert!(planted("none") > planted("padded"), "most are clean");
    let views = list(&env);
    assert_eq!(views.len(), fault.len(), "{}", out.stdout);
    for v in &views {
        let key = (
            v["partner"].as_str().unwrap().to_owned(),
            v["number"].as_str().unwrap().to_owned(),
        );
        let f = fault[&key].as_str();
        let gst = !v["gst_case"].is_null();
        let dispute = !v["dispute"].is_null();
        assert_eq!(
            gst,
            matches!(f, "wrong_kind" | "wrong_amount"),
            "{key:?} {f}: {v}"
        );
        assert_eq!(dispute, f == "padded", "{key:?} {f}: {v}");
        if f == "wrong_kind" {
            assert_eq!(v["tax_difference"], 0, "only the kind is wrong: {v}");
        }
        if f == "padded" {
            // 4% over the routes' payout, claimed as the difference.
            let (exp, inv) = (
                v["expected_payout"].as_i64().unwrap(),
                v["taxable"].as_i64().unwrap(),
            );
            assert!(exp > 0 && (inv - exp - exp * 4 / 100).abs() <= 1, "{v}");
            assert_eq!(v["dispute"]["claimed"].as_i64().unwrap(), inv - exp);
        }
    }
    assert!(
        out.stdout.contains(&format!(
            "{} GST cases and {} disputes opened",
            planted("wrong_kind") + planted("wrong_amount"),
            planted("padded")
        )),
        "{}",
        out.stdout
    );
    // The same file again: every number is used already in its year; nothing stored.
    let again = env.run(&[&["invoices", "load", file.to_str().unwrap()][..], &NOW[..]].concat());
    assert!(
        again.code != 0
            && again.stderr.contains("used")
            && again.stderr.contains("already in 2026-27"),
        "{}",
        again.stderr
    );
    assert_eq!(list(&env).len(), fault.len());

    // Settle a dispute: ₹100 of the padding accepted, the rest back by a credit note.
    let padded = views.iter().find(|v| !v["dispute"].is_null()).unwrap();
    let id = padded["id"].as_i64().unwrap().to_string();
    let claimed = padded["dispute"]["claimed"].as_i64().unwrap();
    let over = env.run(
        &[
            &[
                "invoices",
                "settle",
                &id,
                "--accepted",
                "99999999",
                "--note-number",
                "CN-1",
                "--note-date",
                "2026-11-04",
            ][..],
            &NOW[..],
        ]
        .concat(),
    );
    assert!(
        over.code != 0 && over.stderr.contains("lies between"),
        "{}",
        over.stderr
    );
    let no_note = env.run(
        &[
            &["invoices", "settle", &id, "--accepted", "100"][..],
            &NOW[..],
        ]
        .concat(),
    );
    assert!(
        no_note.code != 0 && no_note.stderr.contains("note"),
        "{}",
        no_note.stderr
    );
    env.run(
        &[
            &[
                "invoices",
                "settle",
                &id,
                "--accepted",
                "100",
                "--note-number",
                "CN-1",
                "--note-date",
                "2026-11-04",
            ][..],
            &NOW[..],
        ]
        .concat(),
    )
    .ok();
    let after = list(&env);
    let settled = after.iter().find(|v| v["id"] == padded["id"]).unwrap();
    assert_eq!(settled["dispute"]["note_kind"], "credit");
    assert_eq!(
        settled["dispute"]["note_amount"].as_i64().unwrap(),
        claimed - 10_000
    );
    assert_eq!(settled["dispute"]["followup"]["state"], "resolved");
    let twice = env.run(
        &[
            &[
                "invoices",
                "settle",
                &id,
                "--accepted",
                "100",
                "--note-number",
                "CN-2",
                "--note-date",
                "2026-11-04",
            ][..],
            &NOW[..],
        ]
        .concat(),
    );
    assert!(
        twice.code != 0 && twice.stderr.contains("settled already"),
        "{}",
        twice.stderr
    );
}

#[test]
fn a_bad_invoice_file_names_every_row_and_column_and_stores_nothing() {
    let env = Env::new();
    let sim = loaded(&env);
    let good = std::fs::read_to_string(sim.join("invoices.csv")).unwrap();
    let mut lines = good.lines();
    let header = lines.next().unwrap();
    let first = lines.next().unwrap().to_owned();
    let second = lines.next().unwrap().to_owned();
    let cols: Vec<&str> = first.split(',').collect();
    let with = |i: usize, v: &str| {
        let mut c: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
        c[i] = v.to_owned();
        c.join(",")
    };
    // Row 2 is fine, row 3 a bad GSTIN check character, row 4 a negative amount, row 5
    // the number of row 2 again, row 6 an unknown partner.
    let gstin = cols[6];
    let last = gstin.chars().last().unwrap();
    let wrong = if last == 'A' { 'B' } else { 'A' };
    let bad_gstin = format!("{}{wrong}", &gstin[..14]);
    let file = env.path("bad.csv");
    std::fs::write(
        &file,
        [
            header.to_owned(),
            second.clone(),
            with(6, &bad_gstin),
            with(10, "-5.00"),
            second.clone(),
            with(0, "NOPE"),
        ]
        .join("\n"),
    )
    .unwrap();
    let r = env.run(&[&["invoices", "load", file.to_str().unwrap()][..], &NOW[..]].concat());
    assert!(r.code != 0, "{}", r.stdout);
    for says in [
        "row 3, column supplier_gstin",
        "row 4, column cgst",
        "row 5, column invoice_number",
        "row 6, column partner",
        "nothing stored",
    ] {
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("row 2,"), "row 2 is fine: {}", r.stderr);
    assert!(list(&env).is_empty(), "nothing stored");
    // One invoice by hand: an intra-state partner charged IGST opens a GST case.
    let intra: Vec<&str> = good
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[6].starts_with("29") && c[12] == "0.00")
        .unwrap();
    let taxable: f64 = intra[9].parse().unwrap();
    let igst = format!("{:.2}", (taxable * 0.18 * 100.0).round() / 100.0);
    let total = format!("{:.2}", taxable + igst.parse::<f64>().unwrap());
    let stations = intra[5];
    let out = env
        .run(
            &[
                &[
                    "invoices",
                    "add",
                    "--partner",
                    intra[0],
                    "--number",
                    "HAND-1",
                    "--date",
                    intra[2],
                    "--from",
                    intra[3],
                    "--to",
                    intra[4],
                    "--stations",
                    stations,
                    "--supplier-gstin",
                    intra[6],
                    "--recipient-gstin",
                    intra[7],
                    "--place",
                    "29",
                    "--taxable",
                    intra[9],
                    "--igst",
                    &igst,
                    "--total",
                    &total,
                ][..],
                &NOW[..],
            ]
            .concat(),
        )
        .ok();
    assert!(
        out.stdout
            .contains("GST case opened: the wrong kind of tax (intra-state"),
        "{}",
        out.stdout
    );
    let v = list(&env);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["gst_case"]["kind"], "gst");
    assert_eq!(v[0]["tax_difference"], 0);
}

#[test]
fn the_gst_rate_is_the_rates_configurations() {
    let env = Env::new();
    let sim = loaded(&env);
    // The network moves to 12%: invoices taxed at 18% now fail the GST check.
    let twelve = env.path("rates-12.toml");
    let rates = std::fs::read_to_string(RATES).unwrap();
    std::fs::write(&twelve, format!("gst_rate_pct = \"12\"\n{rates}")).unwrap();
    env.run(&["config", "load", "rates", twelve.to_str().unwrap()])
        .ok();
    let file = sim.join("invoices.csv");
    env.run(&[&["invoices", "load", file.to_str().unwrap()][..], &NOW[..]].concat())
        .ok();
    let all = list(&env);
    assert!(!all.is_empty());
    let failed = all
        .iter()
        .filter(|i| i["gst_problem"].as_str().is_some_and(|p| !p.is_empty()))
        .count();
    assert_eq!(failed, all.len(), "{:?}", all.first());
    let bad = env.path("rates-odd.toml");
    std::fs::write(&bad, format!("gst_rate_pct = \"12.25\"\n{rates}")).unwrap();
    let refused = env.run(&["config", "load", "rates", bad.to_str().unwrap()]);
    assert!(
        refused.code != 0 && refused.stderr.contains("gst_rate_pct"),
        "{}",
        refused.stderr
    );
}
