//! Any network's export loads right, or says exactly why not: each test is a way a
//! new user got wrong numbers with exit code 0, now the right number or a clear error.

mod common;

use common::{Env, HEADER};

const BAD_DATA: i32 = 65;

fn file(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

/// Writes `bytes` gzip-compressed to `path`.
fn gzip(path: &std::path::Path, bytes: &[u8]) {
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut enc, bytes).unwrap();
    enc.finish().unwrap();
}

/// The value of one metric of the first exported row.
fn metric(rows: &[Vec<String>], name: &str) -> String {
    let i = rows[0].iter().position(|c| c == name).unwrap();
    rows[1][i].clone()
}

fn ingest(env: &Env, name: &str, text: &str, extra: &[&str]) -> common::Run {
    let f = env.write(name, text);
    let mut args = vec!["ingest", "deliveries", f.to_str().unwrap()];
    args.extend(extra);
    env.run(&args)
}

/// 1: a `[columns]` entry naming a column the file lacks was ignored (an optional
/// column became 0, or a constant was used).
#[test]
fn a_profile_naming_a_missing_column_is_an_error_that_suggests_the_closest() {
    let env = Env::new();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\n[columns]\ncod_amount = \"COD Amount\"\n[constants]\ncod_amount = \"0\"\n",
    );
    let text = file(&["P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,100,0,"])
        .replacen("cod_amount", "cod amount", 1);
    let r = ingest(
        &env,
        "d.csv",
        &text,
        &["--profile", env.path("p.toml").to_str().unwrap()],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("[columns] cod_amount = \"COD Amount\" names a column the file does not have (did you mean \"cod amount\"?)"),
        "{}",
        r.stderr
    );
    drop(profile);
}

/// 3: `end_of_day` replaced values that carry a time with the end of their date.
#[test]
fn end_of_day_applies_only_to_dates_without_a_time() {
    let env = Env::new();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\nend_of_day = [\"promised_by\"]\n",
    );
    let rows = [
        // A promise with a time: 18:00, delivered 19:00, late.
        "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T18:00:00+05:30,delivered,2026-11-20T19:00:00+05:30,0,0,",
        // A date alone: by the end of that day, delivered 23:00, on time.
        "P2,R1,2026-11-20,DEL4,SWFT,2026-11-20,delivered,2026-11-20T23:00:00+05:30,0,0,",
    ];
    ingest(
        &env,
        "d.csv",
        &file(&rows),
        &["--profile", profile.to_str().unwrap()],
    )
    .ok();
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(metric(&day, "on_time"), "1");
}

/// 4: a profile's `timezone` was silently ignored for a station stored earlier.
#[test]
fn a_profile_zone_that_differs_from_a_stored_station_is_refused_naming_both() {
    let env = Env::new();
    let row = "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00,delivered,2026-11-20T20:00:00,0,0,";
    ingest(&env, "a.csv", &file(&[row]), &[]).ok();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\ntimezone = \"Asia/Dubai\"\n",
    );
    let r = ingest(
        &env,
        "b.csv",
        &file(&[&row.replace("P1", "P2")]),
        &["--profile", profile.to_str().unwrap()],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("DEL4 is stored with Asia/Kolkata, the profile says Asia/Dubai"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("dspdesk stations set-zone DEL4 Asia/Dubai"),
        "{}",
        r.stderr
    );
}

/// 5: the end of a day whose next midnight the clocks skip (Brazil, 2018-11-04 00:00
/// became 01:00) was refused with "does not exist".
#[test]
fn the_end_of_a_day_before_a_skipped_midnight_exists() {
    let env = Env::new();
    env.run(&["stations", "set-zone", "SPO1", "America/Sao_Paulo"])
        .ok();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\nend_of_day = [\"promised_by\"]\n",
    );
    let rows = [
        "P1,R1,2018-11-03,SPO1,SWFT,2018-11-03,delivered,2018-11-03T23:59:00,0,0,",
        "P2,R1,2018-11-03,SPO1,SWFT,2018-11-03,delivered,2018-11-04T01:00:00,0,0,",
    ];
    ingest(
        &env,
        "d.csv",
        &file(&rows),
        &["--profile", profile.to_str().unwrap()],
    )
    .ok();
    let day = env.export("day", "", "2018-11-03", "2018-11-03");
    assert_eq!(
        metric(&day, "on_time"),
        "1",
        "23:59 is before the day's end; 01:00 is after"
    );
}

/// 6: `--grain week` with mid-week dates labelled part of a week as the whole week.
#[test]
fn a_weekly_export_counts_whole_weeks_and_says_so() {
    let env = Env::new();
    let rows: Vec<String> = (16..=22)
        .map(|d| format!("P{d},R1,2026-11-{d},DEL4,SWFT,2026-11-{d}T21:00:00+05:30,delivered,2026-11-{d}T20:00:00+05:30,0,0,"))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    ingest(&env, "d.csv", &file(&refs), &[]).ok();
    let r = env
        .run(&[
            "export",
            "metrics",
            "--grain",
            "week",
            "--from",
            "2026-11-18",
            "--to",
            "2026-11-19",
        ])
        .ok();
    assert!(
        r.stderr
            .contains("counts whole ISO weeks: 2026-11-16 to 2026-11-22"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("2026-W47,7,"),
        "the whole week's 7: {}",
        r.stdout
    );
}

/// 7: a date taken from a timestamp with an offset was the UTC day.
#[test]
fn a_date_from_a_timestamp_with_an_offset_is_the_stations_day() {
    let env = Env::new();
    // 20:00Z is 01:30 the next day in India.
    let rows = [
        "P1,R1,2026-11-20T20:00:00Z,DEL4,SWFT,2026-11-21T21:00:00+05:30,delivered,2026-11-21T20:00:00+05:30,0,0,",
    ];
    ingest(&env, "d.csv", &file(&rows), &[]).ok();
    assert_eq!(env.export("day", "", "2026-11-21", "2026-11-21").len(), 2);
    // The same through a profile's date format.
    let env = Env::new();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\n[formats]\ndate = \"%Y-%m-%d %H:%M:%S%z\"\n",
    );
    let rows = [
        "P1,R1,2026-11-20 20:00:00+0000,DEL4,SWFT,2026-11-21T21:00:00+05:30,delivered,2026-11-21T20:00:00+05:30,0,0,",
    ];
    ingest(
        &env,
        "d.csv",
        &file(&rows),
        &["--profile", profile.to_str().unwrap()],
    )
    .ok();
    assert_eq!(env.export("day", "", "2026-11-21", "2026-11-21").len(), 2);
    assert_eq!(env.export("day", "", "2026-11-20", "2026-11-20").len(), 1);
}

/// Exports that needed a script: a semicolon file with decimal commas, gzip.
#[test]
fn delimiter_decimal_comma_and_gzip_are_read_by_the_profile() {
    let env = Env::new();
    let text = file(&["P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,1.234|56,0,"])
        .replace(',', ";")
        .replace('|', ",");
    let r = ingest(&env, "semi.csv", &text, &[]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("looks separated by \";\": set delimiter = \";\""),
        "{}",
        r.stderr
    );
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\ndelimiter = \";\"\ndecimal = \",\"\n",
    );
    ingest(
        &env,
        "semi.csv",
        &text,
        &["--profile", profile.to_str().unwrap()],
    )
    .ok();
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(metric(&day, "cod_due"), "1234.56");

    let env = Env::new();
    let plain = file(&[
        "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,7.50,0,",
    ]);
    let gz = env.path("d.csv.gz");
    gzip(&gz, plain.as_bytes());
    env.run(&["ingest", "deliveries", gz.to_str().unwrap()])
        .ok();
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(metric(&day, "cod_due"), "7.50");
}

/// Small things a new user hit: what is loaded, exports of everything by default,
/// error texts that say what is wrong.
#[test]
fn data_shows_what_is_loaded_and_errors_say_what_is_wrong() {
    let env = Env::new();
    let r = env.run(&["data"]).ok();
    assert!(r.stdout.contains("nothing is loaded yet"), "{}", r.stdout);
    let rows = [
        "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,0,0,",
        "P2,R1,2026-11-22,BOM1,SWFT,2026-11-22T21:00:00+05:30,delivered,2026-11-22T20:00:00+05:30,0,0,",
    ];
    ingest(&env, "d.csv", &file(&rows), &[]).ok();
    let r = env.run(&["data"]).ok();
    assert!(
        r.stdout.contains("deliveries")
            && r.stdout.contains("2026-11-20")
            && r.stdout.contains("2026-11-22"),
        "{}",
        r.stdout
    );
    let all = env.run(&["export", "metrics", "--grain", "day"]).ok();
    assert_eq!(all.stdout.lines().count(), 3, "{}", all.stdout);

    let bad =
        "P3,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,20/11/2026 20:00,0,0,";
    let r = ingest(&env, "bad.csv", &file(&[bad]), &[]).fails_with(BAD_DATA);
    assert!(
        r.stderr
            .contains("column delivered_at: \"20/11/2026 20:00\" is not an ISO 8601 timestamp")
            && !r.stderr.contains("is empty"),
        "{}",
        r.stderr
    );
    let bad = "P3,R1,20/11/2026,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,0,0,";
    let r = ingest(&env, "bad.csv", &file(&[bad]), &[]).fails_with(BAD_DATA);
    assert!(r.stderr.contains("[formats]"), "{}", r.stderr);
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\n[[skip]]\ncolumn = \"Order Status\"\nvalues = [\"canceled\"]\n",
    );
    let r = ingest(
        &env,
        "d.csv",
        &file(&rows),
        &["--profile", profile.to_str().unwrap()],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("the import profile's [[skip]] rule reads the column \"Order Status\", which the file does not have"),
        "{}",
        r.stderr
    );
    let help = env.run(&["export", "--help"]).ok();
    assert!(help.stdout.contains("CSV or JSON"), "{}", help.stdout);
}

/// 2: changing a station's zone offers to re-read its stored rows.
#[test]
fn a_new_station_zone_names_the_files_to_load_again() {
    let env = Env::new();
    let row = "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00,delivered,2026-11-20T20:00:00,0,0,";
    let f = env.write("d.csv", &file(&[row]));
    env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    let r = env
        .run(&["stations", "set-zone", "DEL4", "Asia/Dubai"])
        .ok();
    assert!(
        r.stdout
            .contains("1 stored station-days of DEL4 were read in Asia/Kolkata")
            && r.stdout
                .contains(&format!("dspdesk ingest deliveries {}", f.display())),
        "{}",
        r.stdout
    );
    let again = env.run(&["ingest", "deliveries", f.to_str().unwrap()]).ok();
    assert!(!again.stdout.contains("unchanged"), "{}", again.stdout);
}

/// A wall-clock midnight is how spreadsheets write a date: `end_of_day` reads it as
/// the end of that day (Olist's estimated delivery dates), never one with an offset.
#[test]
fn end_of_day_reads_a_wall_clock_midnight_as_a_date() {
    let env = Env::new();
    let profile = env.write(
        "p.toml",
        "kind = \"deliveries\"\nend_of_day = [\"promised_by\"]\n",
    );
    let rows = [
        "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20 00:00:00,delivered,2026-11-20T23:00:00+05:30,0,0,",
        "P2,R1,2026-11-20,DEL4,SWFT,2026-11-20T00:00:00+05:30,delivered,2026-11-20T23:00:00+05:30,0,0,",
    ];
    ingest(
        &env,
        "d.csv",
        &file(&rows),
        &["--profile", profile.to_str().unwrap()],
    )
    .ok();
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(
        metric(&day, "on_time"),
        "1",
        "only the midnight without an offset is a date"
    );
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/amazon")
        .join(name)
}

/// JSON of the shape of the Amazon Last Mile Routing Research Challenge: routes keyed
/// by route id, flattened by a profile, the key a column; no preparation script.
#[test]
fn routes_keyed_by_id_in_json_load_with_a_profile() {
    let env = Env::new();
    let r = env
        .run(&[
            "ingest",
            "routes",
            fixture("route_data.json").to_str().unwrap(),
            "--profile",
            fixture("routes.toml").to_str().unwrap(),
        ])
        .ok();
    assert!(r.stdout.contains("loaded 3 routes rows"), "{}", r.stdout);
    let days = env.export("day", "station", "2018-07-27", "2018-07-28");
    let routes = days[0].iter().position(|c| c == "routes").unwrap();
    let by: Vec<(String, String)> = days[1..]
        .iter()
        .map(|r| (r[1].clone(), r[routes].clone()))
        .collect();
    assert_eq!(
        by,
        [
            ("DLA3".to_string(), "2".to_string()),
            ("DSE4".into(), "1".into())
        ]
    );
    // The same as JSON Lines, gzip-compressed: one route a line.
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("route_data.json")).unwrap())
            .unwrap();
    let mut lines = String::new();
    for (id, route) in doc.as_object().unwrap() {
        let one: serde_json::Map<String, serde_json::Value> =
            std::iter::once((id.clone(), route.clone())).collect();
        lines.push_str(&serde_json::Value::Object(one).to_string());
        lines.push('\n');
    }
    let env = Env::new();
    let gz = env.path("routes.jsonl.gz");
    gzip(&gz, lines.as_bytes());
    env.run(&[
        "ingest",
        "routes",
        gz.to_str().unwrap(),
        "--profile",
        fixture("routes.toml").to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        env.export("day", "station", "2018-07-27", "2018-07-28"),
        days
    );
}

/// The first thing a new network's analyst runs: a suggested profile, then a check of
/// how each column fills and what a load would do, with nothing loaded.
#[test]
fn profile_suggest_and_check_show_how_a_file_would_load_before_it_does() {
    let env = Env::new();
    let export = env.write(
        "acme.csv",
        "AWB,Hub,DSP,Dispatch Date,Promise,Status,Delivered At,COD\n\
         A1,DEL4,SWFT,2026-11-20,2026-11-20T21:00:00+05:30,DELIVERED,2026-11-20T20:00:00+05:30,12.5\n\
         A2,DEL4,SWFT,2026-11-20,2026-11-20T21:00:00+05:30,DELIVERED,2026-11-20T22:00:00+05:30,0\n",
    );
    let file = export.to_str().unwrap();
    let suggested = env
        .run(&["profile", "suggest", file, "--kind", "deliveries"])
        .ok()
        .stdout;
    for line in [
        "package_id = \"AWB\"",
        "station = \"Hub\"",
        "partner = \"DSP\"",
        "date = \"Dispatch Date\"",
        "promised_by = \"Promise\"",
        "delivered_at = \"Delivered At\"",
        "cod_amount = \"COD\"",
    ] {
        assert!(suggested.contains(line), "{line} in\n{suggested}");
    }
    let profile = env.write("acme.toml", &suggested);
    let p = profile.to_str().unwrap();
    let r = env
        .run(&[
            "profile",
            "check",
            file,
            "--kind",
            "deliveries",
            "--profile",
            p,
        ])
        .fails_with(BAD_DATA);
    assert!(
        r.stdout.contains("status (required) <- column \"Status\"")
            && r.stdout.contains("row 2: \"DELIVERED\" !! is not a status"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("the file is refused"), "{}", r.stdout);
    env.write(
        "acme.toml",
        &format!("{suggested}\n[values.status]\nDELIVERED = \"delivered\"\n"),
    );
    let r = env
        .run(&[
            "profile",
            "check",
            file,
            "--kind",
            "deliveries",
            "--profile",
            p,
        ])
        .ok();
    assert!(
        r.stdout.contains("cod_amount <- column \"COD\"")
            && r.stdout.contains("row 2: \"12.5\" -> 12.50")
            && r.stdout.contains("2 would load and 0 be skipped, into 1 station-days at 1 stations, 2026-11-20 to 2026-11-20. Nothing was loaded."),
        "{}",
        r.stdout
    );
    assert!(
        env.run(&["data"])
            .ok()
            .stdout
            .contains("nothing is loaded yet")
    );
}

/// Derived columns: a timestamp from a date and a time column, the first non-empty of
/// several columns, a value only where a cell is empty, timestamps without an offset
/// declared UTC, and a zone per station.
#[test]
fn derived_columns_are_made_by_the_profile() {
    let env = Env::new();
    let export = env.write(
        "acme.csv",
        "AWB,Hub,DSP,Day,Slot End,Status,POD Time,Delivered At,COD\n\
         A1,DXB1,SWFT,2026-11-20,21:00,delivered,2026-11-20T16:30:00,2026-11-20T23:59:00,\n\
         A2,DXB1,SWFT,2026-11-20,21:00,delivered,,2026-11-20T17:30:00,10\n",
    );
    let profile = env.write(
        "acme.toml",
        r#"kind = "deliveries"
naive_utc = ["delivered_at"]
[columns]
package_id = "AWB"
station = "Hub"
partner = "DSP"
date = "Day"
status = "Status"
cod_amount = "COD"
[derive.promised_by]
date = "Day"
time = "Slot End"
[derive.delivered_at]
first_of = ["POD Time", "Delivered At"]
[defaults]
cod_amount = "5"
[zones]
DXB1 = "Asia/Dubai"
"#,
    );
    env.run(&[
        "ingest",
        "deliveries",
        export.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
    ])
    .ok();
    // The promise is 21:00 in Dubai (17:00Z); A1 was delivered 16:30Z (on time), A2
    // 17:30Z (late). Read in India, or the delivery times as Dubai time, both differ.
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(metric(&day, "on_time"), "1");
    assert_eq!(
        metric(&day, "cod_due"),
        "15.00",
        "5 where the cell was empty, and 10"
    );
    let stations = env.run(&["stations", "list"]).ok().stdout;
    assert!(
        stations.contains("DXB1") && stations.contains("Asia/Dubai"),
        "{stations}"
    );
    // A derive that names a column the file lacks is an error that names it.
    let typo = std::fs::read_to_string(&profile)
        .unwrap()
        .replace("\"Slot End\"", "\"Slot end time\"");
    env.write("typo.toml", &typo);
    let r = env.run(&[
        "ingest",
        "deliveries",
        export.to_str().unwrap(),
        "--profile",
        env.path("typo.toml").to_str().unwrap(),
    ]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("[derive] promised_by reads the column \"Slot end time\", which the file does not have (did you mean \"Slot End\"?)"),
        "{}",
        r.stderr
    );
}

/// The Amazon packages, keyed by route, stop and package id, take their station and
/// date from the routes file by route id. The public data has no delivery times, so
/// a delivered package is refused as the contract says, naming why; the others load.
#[test]
fn packages_take_their_station_and_date_from_the_routes_file() {
    let env = Env::new();
    let r = env.run(&[
        "ingest",
        "deliveries",
        fixture("package_data.json").to_str().unwrap(),
        "--profile",
        fixture("packages.toml").to_str().unwrap(),
    ]);
    assert_eq!(r.code, BAD_DATA, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "row 1, column delivered_at: is empty; a delivered package needs its delivery time"
        ),
        "{}",
        r.stderr
    );
    // With the delivered package set aside, the attempted and rejected ones load at
    // their route's station and day.
    let dir = Env::new();
    for name in ["package_data.json", "route_data.json"] {
        std::fs::copy(fixture(name), dir.path(name)).unwrap();
    }
    dir.run(&[
        "ingest",
        "deliveries",
        dir.path("package_data.json").to_str().unwrap(),
        "--profile",
        fixture("packages.toml").to_str().unwrap(),
        "--skip-bad-rows",
    ])
    .ok();
    let day = dir.export("day", "station", "2018-07-27", "2018-07-27");
    assert_eq!(day[1][1], "DLA3");
    assert_eq!(metric(&day, "dispatched"), "2");
    assert_eq!(metric(&day, "attempted"), "1");
    assert_eq!(metric(&day, "rejected"), "1");
}

/// `decimal = ","` is for numbers written as text: a workbook's numeric cells are
/// typed, and their decimal point must not be read as a thousands separator.
#[test]
fn a_decimal_comma_profile_leaves_typed_numbers_alone() {
    let env = Env::new();
    let path = env.path("d.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let row = "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,,0,";
    for (r, line) in [HEADER, row].iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    sheet.write_number(1, 8, 12.5).unwrap();
    book.save(&path).unwrap();
    let profile = env.write("p.toml", "kind = \"deliveries\"\ndecimal = \",\"\n");
    env.run(&[
        "ingest",
        "deliveries",
        path.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
    ])
    .ok();
    let day = env.export("day", "", "2026-11-20", "2026-11-20");
    assert_eq!(metric(&day, "cod_due"), "12.50", "not 125.00");
}
