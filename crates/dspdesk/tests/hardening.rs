//! Regression tests for what an attacker and a chaos test found: each names the defect
//! it repairs, and fails on the code that had it.

mod common;

use common::{Env, HEADER};

/// Exit code of a file with bad rows (see `main.rs`).
const BAD_DATA: i32 = 65;

const GOOD: [&str; 2] = [
    "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,100.50,2000,",
    "P2,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:01+05:30,10,1500,",
];

fn file(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

fn dispatched(env: &Env) -> String {
    let rows = env.export("day", "", "2026-11-20", "2026-11-20");
    let i = rows[0].iter().position(|c| c == "dispatched").unwrap();
    rows.get(1).map_or("0".into(), |r| r[i].clone())
}

/// A workbook of the header and `GOOD`, plus `extra` cells (row, column, text).
fn workbook(env: &Env, name: &str, extra: &[(u32, u16, &str)]) -> std::path::PathBuf {
    let path = env.path(name);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in std::iter::once(HEADER).chain(GOOD).enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    for (r, c, v) in extra {
        sheet.write_string(*r, *c, *v).unwrap();
    }
    book.save(&path).unwrap();
    path
}

/// High 1: a 1.5 KB sheet with cells at A1 and XFD1048576 made the reader allocate
/// 512 GiB and abort; a sheet spanning A1:Z200000 took 350 MB. Sheets are read by
/// their cells: both load their real rows, and the stray cell is a blank row.
#[test]
fn a_sheet_with_a_far_cell_loads_its_real_rows_instead_of_taking_the_process_down() {
    let env = Env::new();
    let bomb = workbook(&env, "bomb.xlsx", &[(1_048_575, 16_383, "x")]);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 10_000);
    env.run(&["ingest", "deliveries", bomb.to_str().unwrap()])
        .ok();
    assert_eq!(dispatched(&env), "2");

    let env = Env::new();
    let wide = workbook(&env, "wide.xlsx", &[(199_999, 25, "z")]);
    env.run(&["ingest", "deliveries", wide.to_str().unwrap()])
        .ok();
    assert_eq!(dispatched(&env), "2");
}

/// Medium 4: a remittance reference stored by another file (another day) loaded
/// again and was counted twice.
#[test]
fn a_remittance_reference_already_stored_is_refused_across_files() {
    let env = Env::new();
    let head = "partner,station,date,amount,reference\n";
    let first = env.write("c1.csv", &format!("{head}SWFT,DEL4,2026-11-21,10,X1\n"));
    env.run(&["ingest", "remittances", first.to_str().unwrap()])
        .ok();
    let again = env.write("c2.csv", &format!("{head}SWFT,DEL4,2026-11-22,10,X1\n"));
    let r = env
        .run(&["ingest", "remittances", again.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("\"X1\" of partner SWFT is already stored")
            && r.stderr.contains("DEL4 on 2026-11-21"),
        "{}",
        r.stderr
    );
    // Another partner may use the same reference; the same day may be reloaded.
    let other = env.write("c3.csv", &format!("{head}ZIPX,DEL4,2026-11-22,10,X1\n"));
    env.run(&["ingest", "remittances", other.to_str().unwrap()])
        .ok();
    let same_day = env.write("c4.csv", &format!("{head}SWFT,DEL4,2026-11-21,12,X1\n"));
    env.run(&[
        "ingest",
        "remittances",
        same_day.to_str().unwrap(),
        "--replace",
    ])
    .ok();
}

/// Medium 5: `cod_amount 50000000000000000` made `cod_due` negative and
/// `distance_km 1e308` a cost of -2.3e16: such rows are refused, naming the column.
#[test]
fn amounts_and_distances_beyond_what_is_stored_are_refused() {
    let env = Env::new();
    let big = GOOD[0].replace(",100.50,", ",50000000000000000,");
    let f = env.write("d.csv", &file(&[&big, GOOD[1]]));
    let r = env
        .run(&["ingest", "deliveries", f.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("row 2, column cod_amount: \"50000000000000000\" is larger than"),
        "{}",
        r.stderr
    );
    let routes = env.write(
        "r.csv",
        "route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost\nR1,2026-11-20,DEL4,SWFT,8,2W,1e308,,,,\n",
    );
    let r = env
        .run(&["ingest", "routes", routes.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("row 2, column distance_km: \"1e308\" is more than 20000 km"),
        "{}",
        r.stderr
    );
    assert_eq!(dispatched(&env), "0");
}

/// Low 16: a header with the same column twice loaded silently using the first.
#[test]
fn a_header_naming_a_column_twice_is_refused() {
    let env = Env::new();
    let text = file(&GOOD).replacen("vas", "status", 1);
    let f = env.write("d.csv", &text);
    let r = env.run(&["ingest", "deliveries", f.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("the header names the column `status` twice (columns 7 and 11)"),
        "{}",
        r.stderr
    );
}

/// Low 18: a year-0001 date was accepted; `--week 262143-W01` panicked.
#[test]
fn dates_and_weeks_outside_the_supported_years_are_clear_errors() {
    let env = Env::new();
    let old = GOOD[0].replace(",2026-11-20,DEL4", ",0001-11-20,DEL4");
    let f = env.write("d.csv", &file(&[&old]));
    let r = env
        .run(&["ingest", "deliveries", f.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("column date: \"0001-11-20\" is outside the years 2000 to 2199"),
        "{}",
        r.stderr
    );
    let r = env.run(&["score", "--week", "262143-W01"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("outside the years"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let r = env.run(&[
        "export",
        "metrics",
        "--from",
        "0001-01-01",
        "--to",
        "2026-01-01",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("outside the years"), "{}", r.stderr);
}

/// Medium 9: "unchanged" compared only the file's hash, so the same file with
/// `--replace` after `--merge`, another profile, or after a station's zone changed
/// did nothing.
#[test]
fn the_same_file_read_another_way_loads_again() {
    let env = Env::new();
    let f = env.write("d.csv", &file(&GOOD));
    let path = f.to_str().unwrap();
    env.run(&["ingest", "deliveries", path]).ok();
    let r = env.run(&["ingest", "deliveries", path]).ok();
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);

    let r = env.run(&["ingest", "deliveries", path, "--merge"]).ok();
    assert!(!r.stdout.contains("unchanged"), "--merge: {}", r.stdout);
    let r = env.run(&["ingest", "deliveries", path, "--replace"]).ok();
    assert!(!r.stdout.contains("unchanged"), "--replace: {}", r.stdout);
    let r = env.run(&["ingest", "deliveries", path, "--replace"]).ok();
    assert!(r.stdout.contains("unchanged"), "again: {}", r.stdout);

    // A station's new zone changes what local times mean.
    env.run(&["stations", "set-zone", "DEL4", "Asia/Dubai"])
        .ok();
    let r = env.run(&["ingest", "deliveries", path, "--replace"]).ok();
    assert!(!r.stdout.contains("unchanged"), "new zone: {}", r.stdout);

    // Another profile reads the file another way.
    let profile = env.write("p.toml", "kind = \"deliveries\"\n");
    let r = env
        .run(&[
            "ingest",
            "deliveries",
            path,
            "--replace",
            "--profile",
            profile.to_str().unwrap(),
        ])
        .ok();
    assert!(!r.stdout.contains("unchanged"), "profile: {}", r.stdout);
}

/// Low 18: ingest output into a closed pipe panicked and skipped the remaining files;
/// `stations list | head` must end quietly.
#[test]
fn output_to_a_closed_pipe_ends_quietly_and_loading_goes_on() {
    use std::process::{Command, Stdio};
    let env = Env::new();
    let a = env.write("a.csv", &file(&GOOD[..1]));
    let b_text = file(&GOOD[1..]).replace("2026-11-20", "2026-11-21");
    let b = env.write("b.csv", &b_text);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dspdesk"))
        .arg("--data-dir")
        .arg(env.data_dir())
        .args(["ingest", "deliveries"])
        .arg(&a)
        .arg(&b)
        .env_remove("DSPDESK_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
    let rows = env.export("day", "", "2026-11-20", "2026-11-21");
    assert_eq!(rows.len(), 3, "both files loaded: {rows:?}");
}

/// Low 12: JSON numbers differed from the CSV's in the last digits (98.14814814814817
/// against 98.14814814814815): the JSON was parsed back from the CSV's text. Both are
/// written from one table now; these ratios are ones that came out wrong.
#[test]
fn json_and_csv_exports_write_the_same_digits() {
    let env = Env::new();
    let mut rows = Vec::new();
    // (partner, packages, on time): 53/54, 33/35 and 196/201 of 100.
    for (partner, n, on_time) in [("AAAA", 54, 53), ("BBBB", 35, 33), ("CCCC", 201, 196)] {
        for i in 0..n {
            let at = if i < on_time { "20:00" } else { "22:00" };
            rows.push(format!(
                "{partner}{i},R{partner},2026-11-20,DEL4,{partner},2026-11-20T21:00:00+05:30,delivered,2026-11-20T{at}:00+05:30,0,0,"
            ));
        }
    }
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let f = env.write("d.csv", &file(&refs));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let csv = env.export("day", "partner", "2026-11-20", "2026-11-20");
    let json = env
        .run(&[
            "export",
            "metrics",
            "--grain",
            "day",
            "--by",
            "partner",
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-20",
            "--format",
            "json",
        ])
        .ok()
        .stdout;
    let dot = csv[0].iter().position(|c| c == "dot_pct").unwrap();
    for row in &csv[1..] {
        let want = format!("\"dot_pct\": {}", row[dot]);
        assert!(json.contains(&want), "{want} in\n{json}");
    }
    assert!(json.contains("\"dot_pct\": 98.14814814814815"), "{json}");
}

/// `--skip-bad-rows` failed outright when a rejected row had another number of fields
/// than the header: the rejects file's writer refused the row.
#[test]
fn a_rejected_row_of_another_width_goes_to_the_rejects_file() {
    let env = Env::new();
    let f = env.write("d.csv", &file(&[GOOD[0], "P9,R1,2026-11-20,DEL4", GOOD[1]]));
    let r = env
        .run(&[
            "ingest",
            "deliveries",
            f.to_str().unwrap(),
            "--skip-bad-rows",
        ])
        .ok();
    assert!(
        r.stdout.contains("loaded 2 deliveries rows, 1 rejected"),
        "{}",
        r.stdout
    );
    let rejects = std::fs::read_to_string(env.path("d.csv.rejects.csv")).unwrap();
    assert!(
        rejects.contains("\n3,") && rejects.contains("P9,R1,2026-11-20,DEL4"),
        "{rejects}"
    );
}

/// A merge matched remittances by reference alone: partner B's reference 123 replaced
/// partner A's 123 on the same day. And a merge that keeps a stored deposit could store
/// its reference twice (the file carrying it again on another day).
#[test]
fn merged_remittances_match_by_partner_and_reference_and_never_store_one_twice() {
    let env = Env::new();
    let head = "partner,station,date,amount,reference\n";
    let load = |name: &str, rows: &str, extra: &[&str]| {
        let f = env.write(name, &format!("{head}{rows}"));
        let mut args = vec!["ingest", "remittances", f.to_str().unwrap()];
        args.extend(extra);
        env.run(&args)
    };
    load(
        "a.csv",
        "SWFT,DEL4,2026-11-21,10,R123\nZIPX,DEL4,2026-11-21,20,R900\n",
        &[],
    )
    .ok();
    load("b.csv", "ZIPX,DEL4,2026-11-21,30,R123\n", &["--merge"]).ok();
    let cod = env
        .run(&[
            "export",
            "cod",
            "--from",
            "2026-11-21",
            "--to",
            "2026-11-21",
            "--format",
            "json",
        ])
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&cod).unwrap();
    let remitted = |p: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["partner"] == p)
            .map(|r| r["remitted"].clone())
    };
    assert_eq!(remitted("SWFT"), Some("10.00".into()), "{cod}");
    assert_eq!(remitted("ZIPX"), Some("50.00".into()), "{cod}");

    let r = load(
        "c.csv",
        "SWFT,DEL4,2026-11-21,5,R777\nSWFT,DEL4,2026-11-22,10,R123\n",
        &["--merge"],
    )
    .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("\"R123\" of partner SWFT would be stored twice"),
        "{}",
        r.stderr
    );
}
