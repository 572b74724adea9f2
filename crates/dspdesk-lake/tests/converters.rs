//! Records are converted by several threads at once and merged in file order: the lake,
//! the counts, the errors and the rejects file must be exactly what one thread makes.

use dspdesk_lake::{
    DayMode, ImportProfile, IngestError, Kind, Lake, Progress, StageOptions, Zones, finalize, stage,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// 600 deliveries over three stations and two days, the station-days interleaved, many
/// packages to a route (rows the lake's sort leaves tied), and, when `flawed`, keys used
/// twice (once within a batch, once far apart) and rows that do not convert.
fn csv_text(flawed: bool) -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    let stations = ["DEL4", "BOM1", "BLR2"];
    let partners = ["SWFT", "ZIPX", "ACME", "BOLT"];
    for i in 0..600usize {
        let station = stations[(i * 7) % 3];
        let day = 20 + (i / 5) % 2;
        let partner = partners[(i * 5) % 4];
        let route = format!("R{}", i % 9);
        let mut key = format!("P{i}");
        if flawed && (i == 4 || i == 520) {
            // Row 3's key on row 3's date: in the same batch of seven, and far after.
            key = "P3".into();
        }
        let status = ["delivered", "attempted", "rts", "lost", "delivered"][i % 5];
        let delivered = if status == "delivered" {
            format!("2026-11-{day}T1{}:30:00+05:30", i % 8)
        } else {
            String::new()
        };
        let cod = if flawed && i == 250 { "12x" } else { "10.50" };
        s.push_str(&format!(
            "{key},{route},2026-11-{day},{station},{partner},2026-11-{day}T18:00:00+05:30,{status},{delivered},{cod},99.00,{}\n",
            if i % 4 == 0 { "open_box" } else { "" }
        ));
    }
    s
}

struct Outcome {
    days: Vec<(
        String,
        chrono::NaiveDate,
        Vec<arrow::record_batch::RecordBatch>,
    )>,
    counts: (u64, u64, u64),
    partners: Vec<String>,
    rejects: Option<String>,
}

fn load(dir: &Path, input: &Path, opts: &StageOptions) -> Result<Outcome, IngestError> {
    let lake = Lake::open(&dir.join("lake")).unwrap();
    let zones = Zones {
        by_station: HashMap::new(),
        default: chrono_tz::Asia::Kolkata,
    };
    let staged = stage(
        input,
        Kind::Deliveries,
        &ImportProfile::default(),
        &zones,
        &lake.staging_dir("t"),
        opts,
        Arc::new(Progress::default()),
    )?;
    let written = finalize(&staged, &lake, "t", &HashMap::new(), DayMode::Strict)?;
    let mut days = Vec::new();
    for d in written {
        let batch = dspdesk_lake::finalize::read_all(&lake.absolute(&d.path))?;
        days.push((d.station, d.date, vec![batch]));
    }
    days.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let rejects = staged
        .rejects_path
        .as_ref()
        .map(|p| std::fs::read_to_string(p).unwrap());
    Ok(Outcome {
        days,
        counts: (staged.rows_read, staged.rows_loaded, staged.rows_rejected),
        partners: staged.partners.iter().cloned().collect(),
        rejects,
    })
}

/// One converter and batches larger than the file, against three converters taking
/// seven records at a time and spilling every forty rows.
fn both(
    flawed: bool,
    skip_bad_rows: bool,
) -> (Result<Outcome, IngestError>, Result<Outcome, IngestError>) {
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    let run = |dir: &Path, opts: StageOptions| {
        let input = dir.join("d.csv");
        std::fs::write(&input, csv_text(flawed)).unwrap();
        load(dir, &input, &opts)
    };
    let serial = run(
        one.path(),
        StageOptions {
            skip_bad_rows,
            converters: 1,
            batch_rows: 10_000,
            ..StageOptions::default()
        },
    );
    let parallel = run(
        many.path(),
        StageOptions {
            skip_bad_rows,
            converters: 3,
            batch_rows: 7,
            spill_rows: 40,
            ..StageOptions::default()
        },
    );
    (serial, parallel)
}

#[test]
fn many_converters_write_the_lake_one_would() {
    let (serial, parallel) = both(false, false);
    let (serial, parallel) = (serial.unwrap(), parallel.unwrap());
    assert_eq!(serial.days.len(), 6, "three stations, two days");
    assert_eq!(serial.counts, (600, 600, 0));
    assert_eq!(parallel.counts, serial.counts);
    assert_eq!(parallel.partners, serial.partners);
    for (s, p) in serial.days.iter().zip(&parallel.days) {
        assert_eq!((&s.0, s.1), (&p.0, p.1));
        assert_eq!(
            s.2, p.2,
            "station-day {} {}: rows or their order differ",
            s.0, s.1
        );
    }
}

#[test]
fn many_converters_reject_and_skip_the_rows_one_would() {
    let (serial, parallel) = both(true, true);
    let (serial, parallel) = (serial.unwrap(), parallel.unwrap());
    // Row numbers count the header as row 1: rows 6 and 522 reuse row 5's key on its
    // date, and row 252 has an amount that is not a number.
    assert_eq!(serial.counts, (600, 597, 3));
    assert_eq!(parallel.counts, serial.counts);
    let rejects = serial.rejects.clone().unwrap();
    assert!(rejects.contains("first at row 5"), "{rejects}");
    assert_eq!(parallel.rejects, serial.rejects);
    for (s, p) in serial.days.iter().zip(&parallel.days) {
        assert_eq!(s.2, p.2, "station-day {} {}", s.0, s.1);
    }

    let (serial, parallel) = both(true, false);
    let (
        IngestError::Rows {
            errors: s,
            total: st,
            ..
        },
        IngestError::Rows {
            errors: p,
            total: pt,
            ..
        },
    ) = (serial.err().unwrap(), parallel.err().unwrap())
    else {
        panic!("a file with bad rows is refused");
    };
    assert_eq!(st, 3);
    assert_eq!(pt, st);
    assert_eq!(p, s, "the same errors, in the same order");
}
