//! The binary on real files: numbers, bad input, replacement rules, crash safety.

mod common;

use chrono::{DateTime, NaiveDate};
use common::{Env, HEADER};
use dspdesk_core::{Counts, IsoWeek, Outcome, Status};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

const BAD_DATA: i32 = 65;

/// Recounts daily facts straight from the CSV rows, the way a spreadsheet would.
fn recount(
    deliveries: &Path,
    routes: Option<&Path>,
) -> BTreeMap<(NaiveDate, String, String), Counts> {
    let mut facts: BTreeMap<(NaiveDate, String, String), Counts> = BTreeMap::new();
    let mut seen_routes: HashSet<(NaiveDate, String, String, String)> = HashSet::new();
    let mut rd = csv::Reader::from_path(deliveries).unwrap();
    for rec in rd.records() {
        let r = rec.unwrap();
        let date = NaiveDate::parse_from_str(&r[2], "%Y-%m-%d").unwrap();
        let key = (date, r[4].to_string(), r[3].to_string());
        let status = Status::parse(&r[6]).unwrap();
        let in_time = !r[7].is_empty()
            && DateTime::parse_from_rfc3339(&r[7]).unwrap()
                <= DateTime::parse_from_rfc3339(&r[5]).unwrap();
        let money = |s: &str| -> i64 {
            if s.is_empty() {
                0
            } else {
                (s.parse::<rust_decimal::Decimal>().unwrap() * rust_decimal::Decimal::from(100))
                    .try_into()
                    .unwrap()
            }
        };
        let c = facts.entry(key.clone()).or_default();
        c.add_outcome(&Outcome {
            status,
            delivered_in_time: in_time,
            declared_value_minor: money(&r[9]),
            cod_amount_minor: money(&r[8]),
            has_vas: !r[10].is_empty(),
            has_route: !r[1].is_empty(),
        });
        if routes.is_none()
            && !r[1].is_empty()
            && seen_routes.insert((date, key.1.clone(), key.2.clone(), r[1].to_string()))
        {
            c.routes += 1;
        }
    }
    if let Some(routes) = routes {
        let mut rd = csv::Reader::from_path(routes).unwrap();
        for rec in rd.records() {
            let r = rec.unwrap();
            let date = NaiveDate::parse_from_str(&r[1], "%Y-%m-%d").unwrap();
            facts
                .entry((date, r[3].to_string(), r[2].to_string()))
                .or_default()
                .routes += 1;
        }
    }
    facts
}

fn values(c: &Counts) -> Vec<String> {
    dspdesk_app::network::export::metric_values(c)
}

fn simulate(
    env: &Env,
    stations: &str,
    partners: &str,
    days: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let out = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        stations,
        "--partners",
        partners,
        "--days",
        days,
        "--volume",
        "150",
        "--seed",
        "11",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    (out.join("deliveries.csv"), out.join("routes.csv"))
}

pub fn check_simulated_network(env: &Env) {
    let (deliveries, routes) = simulate(env, "4", "12", "15");
    env.run(&["ingest", "deliveries", deliveries.to_str().unwrap()])
        .ok();
    // Without a routes file, routes are the distinct route ids of the deliveries.
    let expected = recount(&deliveries, None);
    let day = env.export("day", "partner,station", "2026-07-27", "2026-08-10");
    assert_eq!(day.len() - 1, expected.len());
    for (row, ((date, partner, station), c)) in day[1..].iter().zip(&expected) {
        assert_eq!(
            row[..3],
            [date.to_string(), partner.clone(), station.clone()]
        );
        assert_eq!(row[3..], values(c)[..], "{date} {partner} {station}");
    }
    env.run(&["ingest", "routes", routes.to_str().unwrap()])
        .ok();
    let expected = recount(&deliveries, Some(&routes));
    // Weekly by partner: counts summed, ratios recomputed from the sums.
    let mut weekly: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut network = Counts::default();
    for ((date, partner, _), c) in &expected {
        *weekly
            .entry((IsoWeek::of(*date).to_string(), partner.clone()))
            .or_default() += *c;
        network += *c;
    }
    let week = env.export("week", "partner", "2026-07-27", "2026-08-10");
    assert_eq!(week.len() - 1, weekly.len());
    for (row, ((w, partner), c)) in week[1..].iter().zip(&weekly) {
        assert_eq!(row[..2], [w.clone(), partner.clone()]);
        assert_eq!(row[2..], values(c)[..], "{w} {partner}");
    }
    let all = env.export("day", "", "2026-07-27", "2026-08-10");
    let sum: Counts = all[1..]
        .iter()
        .map(|r| Counts {
            dispatched: r[1].parse().unwrap(),
            on_time: r[3].parse().unwrap(),
            ..Counts::default()
        })
        .sum();
    assert_eq!(
        (sum.dispatched, sum.on_time),
        (network.dispatched, network.on_time)
    );
    assert_eq!(all[0][0], "date");
}

#[test]
fn a_simulated_network_matches_a_recount_from_its_rows() {
    check_simulated_network(&Env::new());
}

fn one_day(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

const GOOD: [&str; 3] = [
    "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T21:00:00+05:30,100.50,2000,",
    "P2,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T21:00:01+05:30,0,1500,open_box",
    "P3,R2,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,lost,,0,999.99,",
];

#[test]
fn a_delivery_exactly_at_the_promise_is_on_time_and_ratios_follow_the_contract() {
    let env = Env::new();
    let f = env.write("d.csv", &one_day(&GOOD));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let rows = env.export("day", "partner", "2026-11-20", "2026-11-20");
    let h = &rows[0];
    let get = |name: &str| rows[1][h.iter().position(|c| c == name).unwrap()].clone();
    assert_eq!(get("dispatched"), "3");
    assert_eq!(get("on_time"), "1");
    assert_eq!(get("dot_pct"), (100.0 / 3.0).to_string());
    assert_eq!(get("lost"), "1");
    assert_eq!(get("nl_value"), "999.99");
    assert_eq!(get("cod_due"), "100.50");
    assert_eq!(get("routes"), "2");
    assert_eq!(get("packages_per_route"), "1.5");
    assert_eq!(get("vas_delivered"), "1");
    // A day without rows is absent, not zero.
    assert_eq!(
        env.export("day", "partner", "2026-11-21", "2026-11-21")
            .len(),
        1
    );
}

#[test]
fn bad_files_load_nothing_and_say_where_and_what_to_do() {
    let env = Env::new();
    let good = env.write("good.csv", &one_day(&GOOD));
    env.run(&["ingest", "deliveries", good.to_str().unwrap()])
        .ok();
    let before_lake = env.lake_files();
    let before = env.export("day", "partner,station", "2026-11-01", "2026-11-30");

    let other_day = |s: &str| s.replace("2026-11-20,", "2026-11-21,");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("wrong_type.csv", one_day(&[&other_day(GOOD[0]), "P9,R1,2026-11-21,DEL4,SWFT,2026-11-21T21:00:00+05:30,attempted,,abc,0,"]), vec!["row 3, column cod_amount: \"abc\" is not a number", "--skip-bad-rows"]),
        ("unknown_status.csv", one_day(&["P9,R1,2026-11-21,DEL4,SWFT,2026-11-21T21:00:00+05:30,shipped,,0,0,"]), vec!["row 2, column status: \"shipped\" is not a status", "[values.status]"]),
        ("missing_column.csv", "package_id,date,station,partner,promised_by\nP1,2026-11-21,DEL4,SWFT,2026-11-21T21:00:00Z\n".into(), vec!["missing required column status", "the file has package_id, date, station, partner, promised_by"]),
        ("malformed.csv", format!("{HEADER}\nP1,R1,2026-11-21,DEL4,\"SWFT,2026-11-21T21:00:00Z,delivered\n"), vec!["row 2, column (row)", "the header has 11"]),
        ("bad_date.csv", one_day(&["P9,R1,21/11/2026,DEL4,SWFT,2026-11-21T21:00:00+05:30,attempted,,0,0,"]), vec!["column date: \"21/11/2026\" is not a date in the form YYYY-MM-DD"]),
        ("negative.csv", one_day(&["P9,R1,2026-11-21,DEL4,SWFT,2026-11-21T21:00:00+05:30,lost,,0,-5,"]), vec!["column declared_value: \"-5\" is negative"]),
        ("no_delivery_time.csv", one_day(&["P9,R1,2026-11-21,DEL4,SWFT,2026-11-21T21:00:00+05:30,delivered,,0,0,"]), vec!["column delivered_at: is empty; a delivered package needs its delivery time"]),
        ("empty.csv", String::new(), vec!["the file is empty (0 bytes)"]),
        ("header_only.csv", format!("{HEADER}\n"), vec!["no data rows"]),
        ("empty.xlsx", String::new(), vec!["empty.xlsx: the file is empty (0 bytes)"]),
        ("not_really.xlsx", "this is text".into(), vec!["not a readable spreadsheet"]),
        ("data.xml", "<a/>".into(), vec!["name the file .csv, .xlsx, .parquet, .json or .jsonl"]),
    ];
    for (name, text, expected) in cases {
        let f = env.write(name, &text);
        let r = env
            .run(&["ingest", "deliveries", f.to_str().unwrap()])
            .fails_with(BAD_DATA);
        for e in expected {
            assert!(
                r.stderr.contains(e),
                "{name}: expected {e:?} in:\n{}",
                r.stderr
            );
        }
        assert!(
            r.stderr.contains(name),
            "{name}: the message names the file:\n{}",
            r.stderr
        );
        assert_eq!(env.lake_files(), before_lake, "{name} changed the lake");
        assert_eq!(
            env.export("day", "partner,station", "2026-11-01", "2026-11-30"),
            before,
            "{name} changed the facts"
        );
    }
    let log = env.run(&["batches", "--limit", "50"]).ok().stdout;
    assert!(log.matches("rejected").count() >= 12, "{log}");
}

#[test]
fn parquet_with_another_schema_is_refused_by_column() {
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let env = Env::new();
    let schema = Arc::new(Schema::new(vec![
        Field::new("package_id", DataType::Utf8, false),
        Field::new("date", DataType::Utf8, false),
        Field::new("station", DataType::Utf8, false),
        Field::new("partner", DataType::Utf8, false),
        Field::new("promised_by", DataType::Utf8, false),
        Field::new("status", DataType::Int64, false),
    ]));
    let text = |v: &str| Arc::new(StringArray::from(vec![v])) as arrow::array::ArrayRef;
    let batch = arrow::record_batch::RecordBatch::try_new(
        schema.clone(),
        vec![
            text("P1"),
            text("2026-11-20"),
            text("DEL4"),
            text("SWFT"),
            text("2026-11-20T21:00:00Z"),
            Arc::new(Int64Array::from(vec![3])),
        ],
    )
    .unwrap();
    let path = env.path("other.parquet");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let r = env
        .run(&["ingest", "deliveries", path.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("column `status` is Int64 in this Parquet file"),
        "{}",
        r.stderr
    );
    assert!(env.lake_files().is_empty());
}

#[test]
fn skip_bad_rows_loads_the_rest_and_writes_the_rejects_beside_the_input() {
    let env = Env::new();
    let f = env.write(
        "d.csv",
        &one_day(&[
            GOOD[0],
            "P9,R1,2026-11-20,DEL4,SWFT,soon,delivered,,0,0,",
            GOOD[1],
        ]),
    );
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
    let mut rd = csv::Reader::from_reader(rejects.as_bytes());
    let header: Vec<&str> = rd.headers().unwrap().iter().take(3).collect();
    assert_eq!(header, ["row", "errors", "package_id"]);
    let mut rd = csv::Reader::from_reader(rejects.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "3");
    assert!(rows[0][1].contains("column promised_by"), "{:?}", rows[0]);
    assert!(rows[0][1].contains("column delivered_at"), "{:?}", rows[0]);
    assert_eq!(&rows[0][2], "P9");
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(day[1][1], "2");
}

#[test]
fn duplicate_keys_in_one_file_are_errors_that_name_both_rows() {
    let env = Env::new();
    let f = env.write("d.csv", &one_day(&[GOOD[0], GOOD[1], GOOD[0]]));
    let r = env
        .run(&["ingest", "deliveries", f.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr.contains(
            "row 4, column package_id: \"P1\" appears again for this date (first at row 2)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_replaces_whole_station_days_and_refuses_to_drop_rows_silently() {
    check_station_day_replacement(&Env::new());
}

fn check_station_day_replacement(env: &Env) {
    let other_station = GOOD[2].replace("DEL4", "BOM1").replace("P3,", "P7,");
    let first = env.write(
        "first.csv",
        &one_day(&[GOOD[0], GOOD[1], GOOD[2], &other_station]),
    );
    env.run(&["ingest", "deliveries", first.to_str().unwrap()])
        .ok();
    let total = |env: &Env| env.export("day", "", "2026-11-20", "2026-11-20")[1][1].clone();
    assert_eq!(total(env), "4");

    // A whole day again, with P2 now attempted: DEL4 is replaced, BOM1 untouched.
    let corrected = GOOD[1].replace("delivered,2026-11-20T21:00:01+05:30", "attempted,");
    let whole = env.write("whole.csv", &one_day(&[GOOD[0], &corrected, GOOD[2]]));
    env.run(&["ingest", "deliveries", whole.to_str().unwrap()])
        .ok();
    let by_station = env.export("day", "station", "2026-11-20", "2026-11-20");
    assert_eq!(by_station[1][1..4], ["BOM1", "1", "0"]);
    assert_eq!(by_station[2][1..4], ["DEL4", "3", "1"]);
    assert_eq!(env.lake_files().len(), 2, "old versions are removed");

    // Only part of DEL4's day: refused, with the way out.
    let part = env.write("part.csv", &one_day(&[GOOD[0]]));
    let r = env
        .run(&["ingest", "deliveries", part.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr.contains("a file carries whole station-days"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "DEL4 2026-11-20: 3 rows stored, 1 in the file, 2 stored rows not in the file"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--merge") && r.stderr.contains("--replace"));
    assert_eq!(total(env), "4");

    // --merge keeps the stored rows the file lacks and replaces the one it carries.
    let late = GOOD[0].replace("delivered_at_placeholder", "").replace(
        "2026-11-20T21:00:00+05:30,100.50",
        "2026-11-20T23:00:00+05:30,100.50",
    );
    let fix = env.write("fix.csv", &one_day(&[&late]));
    env.run(&["ingest", "deliveries", fix.to_str().unwrap(), "--merge"])
        .ok();
    let del4 = &env.export("day", "station", "2026-11-20", "2026-11-20")[2];
    assert_eq!(
        del4[1..5],
        ["DEL4", "3", "1", "0"],
        "P1 is now late (delivered, not on time) and nothing was dropped"
    );

    // --replace drops them.
    env.run(&["ingest", "deliveries", part.to_str().unwrap(), "--replace"])
        .ok();
    assert_eq!(total(env), "2");
}

#[test]
fn loading_the_same_file_twice_changes_nothing() {
    let env = Env::new();
    let f = env.write("d.csv", &one_day(&GOOD));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let lake = env.lake_files();
    let before = env.export("day", "partner,station", "2026-11-20", "2026-11-20");
    let r = env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);
    assert_eq!(env.lake_files(), lake);
    assert_eq!(
        env.export("day", "partner,station", "2026-11-20", "2026-11-20"),
        before
    );
}

#[test]
fn a_process_killed_mid_ingest_leaves_the_previous_state_and_a_retry_succeeds() {
    for point in ["after_lake_write", "before_commit"] {
        let env = Env::new();
        let f = env.write("d.csv", &one_day(&GOOD));
        env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
        let lake = env.lake_files();
        let before = env.export("day", "partner", "2026-11-20", "2026-11-20");

        let changed = GOOD.map(|r| {
            r.replace(",delivered,", ",attempted,")
                .replace("+05:30,100.50", ",100.50")
        });
        let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
        let g = env.write("changed.csv", &one_day(&changed));
        let r = env.run_with(
            &["ingest", "deliveries", g.to_str().unwrap()],
            &[("DSPDESK_CRASH_AT", point)],
        );
        assert_ne!(r.code, 0, "{point}: the process was meant to die");
        assert_eq!(
            env.export("day", "partner", "2026-11-20", "2026-11-20"),
            before,
            "{point}: previous numbers"
        );
        for file in &lake {
            assert!(file.exists(), "{point}: {} is still there", file.display());
        }
        env.run(&["ingest", "deliveries", g.to_str().unwrap()]).ok();
        let after = env.export("day", "partner", "2026-11-20", "2026-11-20");
        assert_eq!(
            after[1][3], "0",
            "{point}: the retry loaded the new rows (none delivered)"
        );
        assert_eq!(env.lake_files().len(), 1, "{point}: orphans were removed");
    }
}

#[test]
fn local_times_are_read_in_the_station_zone() {
    let env = Env::new();
    env.run(&["stations", "set-zone", "DXB1", "Asia/Dubai"])
        .ok();
    // 16:45Z is 20:45 in Dubai (before a 21:00 promise) and 22:15 in India (after it).
    let rows = [
        "P1,R1,2026-11-20,DXB1,SWFT,2026-11-20T21:00:00,delivered,2026-11-20T16:45:00Z,0,0,",
        "P2,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00,delivered,2026-11-20T16:45:00Z,0,0,",
    ];
    let f = env.write("d.csv", &one_day(&rows));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let by_station = env.export("day", "station", "2026-11-20", "2026-11-20");
    assert_eq!(by_station[1][1..4], ["DEL4", "1", "1"]);
    assert_eq!(by_station[1][4], "0", "late in India");
    assert_eq!(
        by_station[2][1..5],
        ["DXB1", "1", "1", "1"],
        "on time in Dubai"
    );
    let stations = env.run(&["stations", "list"]).ok().stdout;
    assert!(
        stations.contains("DEL4")
            && stations.contains("Asia/Kolkata")
            && stations.contains("Asia/Dubai"),
        "{stations}"
    );
    let r = env.run(&["stations", "set-zone", "DXB1", "Dubai"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not an IANA time zone"), "{}", r.stderr);
}

#[test]
fn xlsx_and_parquet_files_load_the_same_numbers_as_csv() {
    let env = Env::new();
    let csv_path = env.write("d.csv", &one_day(&GOOD));
    env.run(&["ingest", "deliveries", csv_path.to_str().unwrap()])
        .ok();
    let expected = env.export("day", "partner,station", "2026-11-20", "2026-11-20");

    // The same rows as a workbook.
    let xlsx = Env::new();
    let path = xlsx.path("d.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in std::iter::once(HEADER).chain(GOOD).enumerate() {
        for (c, v) in line.split(',').enumerate() {
            match v.parse::<f64>() {
                Ok(n) if r > 0 && c >= 8 => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                _ => sheet.write_string(r as u32, c as u16, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(&path).unwrap();
    xlsx.run(&["ingest", "deliveries", path.to_str().unwrap()])
        .ok();
    assert_eq!(
        xlsx.export("day", "partner,station", "2026-11-20", "2026-11-20"),
        expected
    );

    // The lake's own file is a valid Parquet input too.
    let pq = Env::new();
    let lake_file = env.lake_files().remove(0);
    let copy = pq.path("d.parquet");
    std::fs::copy(lake_file, &copy).unwrap();
    pq.run(&["ingest", "deliveries", copy.to_str().unwrap()])
        .ok();
    assert_eq!(
        pq.export("day", "partner,station", "2026-11-20", "2026-11-20"),
        expected
    );
}

#[test]
fn an_import_profile_maps_another_export() {
    let env = Env::new();
    let profile = env.write(
        "acme.toml",
        r#"
kind = "deliveries"
timezone = "Asia/Dubai"
skip_lines = 1
end_of_day = ["promised_by"]
[columns]
package_id = "AWB"
date = "Dispatch Date"
station = "Hub"
partner = "DSP"
promised_by = "Promise"
status = "Status"
delivered_at = "Delivered At"
[values.status]
DELIVERED = "delivered"
RTO = "rts"
[formats]
date = "%d/%m/%Y"
timestamp = "%d/%m/%Y %H:%M"
[[skip]]
column = "Status"
values = ["CANCELLED"]
"#,
    );
    let data = env.write(
        "acme.csv",
        "Exported by ACME TMS\nAWB,Dispatch Date,Hub,DSP,Promise,Status,Delivered At\nA1,20/11/2026,DXB1,FAST,20/11/2026,DELIVERED,20/11/2026 23:59\nA2,20/11/2026,DXB1,FAST,20/11/2026,RTO,\nA3,20/11/2026,DXB1,FAST,20/11/2026,CANCELLED,\n",
    );
    let r = env
        .run(&[
            "ingest",
            "deliveries",
            data.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
        ])
        .ok();
    assert!(
        r.stdout
            .contains("loaded 2 deliveries rows, 1 skipped by the profile"),
        "{}",
        r.stdout
    );
    let day = env.export("day", "partner", "2026-11-20", "2026-11-20");
    assert_eq!(
        day[1][1..6],
        ["FAST", "2", "1", "1", "0"],
        "23:59 is within an end-of-day promise"
    );
    assert!(
        env.run(&["stations", "list"])
            .ok()
            .stdout
            .contains("Asia/Dubai")
    );

    let bad = env.write("bad.toml", "[columns]\nstatuss = \"Status\"\n");
    let r = env
        .run(&[
            "ingest",
            "deliveries",
            data.to_str().unwrap(),
            "--profile",
            bad.to_str().unwrap(),
        ])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr.contains("bad.toml") && r.stderr.contains("`statuss` is not a deliveries column"),
        "{}",
        r.stderr
    );
}

#[test]
fn routes_and_remittances_are_validated_too() {
    let env = Env::new();
    let routes = env.write(
        "r.csv",
        "route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost\nR1,2026-11-20,DEL4,SWFT,8,5W,12.5,,,,\nR2,2026-11-20,DEL4,SWFT,eight,2W,-1,,,,\n",
    );
    let r = env
        .run(&["ingest", "routes", routes.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("row 2, column mot: \"5W\" is not a mode of transport"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("row 3, column block_hours: \"eight\" is not a whole number of hours"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("row 3, column distance_km"),
        "{}",
        r.stderr
    );
    let rem = env.write(
        "c.csv",
        "partner,station,date,amount,reference\nSWFT,DEL4,2026-11-21,0,X1\nSWFT,DEL4,2026-11-21,10,X2\nSWFT,DEL5,2026-11-22,10,X2\n",
    );
    let r = env
        .run(&["ingest", "remittances", rem.to_str().unwrap()])
        .fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("row 2, column amount: \"0\" is 0; it must be more than 0"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "row 4, column reference: \"X2\" is used again by this partner (first at row 3)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn export_writes_json_and_refuses_bad_arguments() {
    let env = Env::new();
    let f = env.write("d.csv", &one_day(&GOOD));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let out = env.path("w.json");
    env.run(&[
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
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json[0]["week"], "2026-W47");
    assert_eq!(json[0]["partner"], "SWFT");
    assert_eq!(json[0]["dispatched"], 3);
    assert_eq!(json[0]["nl_value"], "999.99");
    assert!(json[0]["dot_pct"].as_f64().is_some());
    let r = env.run(&[
        "export",
        "metrics",
        "--grain",
        "week",
        "--by",
        "dsp",
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-22",
    ]);
    assert!(
        r.code != 0 && r.stderr.contains("--by \"dsp\""),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "export",
        "metrics",
        "--grain",
        "day",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-16",
    ]);
    assert!(
        r.code != 0 && r.stderr.contains("is after --to"),
        "{}",
        r.stderr
    );
}

/// The same flows with the database on PostgreSQL (skipped loudly where none answers).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_gives_the_same_numbers_and_rules() {
    let checks: [fn(&Env); 2] = [check_simulated_network, check_station_day_replacement];
    for check in checks {
        let Some(pg) = dspdesk_store::testing::TestStore::postgres().await else {
            return;
        };
        let url = pg.url.clone();
        tokio::task::spawn_blocking(move || {
            let mut env = Env::new();
            env.database_url = Some(url);
            check(&env);
        })
        .await
        .unwrap();
        pg.finish().await;
    }
}
