//! Fuzzing the readers: arbitrary bytes, and valid files with bytes changed, given to
//! the CSV, spreadsheet, Parquet and import-profile readers end as a load or an error,
//! never a panic. A fixed number of cases runs with the tests (`PROPTEST_CASES` sets
//! more for a longer run).

use dspdesk_lake::{ImportProfile, Kind, Progress, StageOptions, Zones, stage};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

const HEADER: &str = "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas";
const ROW: &str = "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T20:00:00+05:30,100.50,2000,";

/// Stages the bytes as a file of the extension; any outcome but a panic is fine.
fn read(ext: &str, bytes: &[u8], profile: &ImportProfile) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("in.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let zones = Zones {
        by_station: HashMap::new(),
        default: chrono_tz::Asia::Kolkata,
    };
    let _ = stage(
        &path,
        Kind::Deliveries,
        profile,
        &zones,
        &dir.path().join("staging"),
        &StageOptions::default(),
        Arc::new(Progress::default()),
    );
}

fn valid_csv() -> Vec<u8> {
    let second = ROW.replacen("P1", "P2", 1);
    format!("{HEADER}\n{ROW}\n{second}\n").into_bytes()
}

fn valid_xlsx(dir: &Path) -> Vec<u8> {
    let path = dir.join("v.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in [HEADER, ROW].iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    book.save(&path).unwrap();
    std::fs::read(path).unwrap()
}

/// A lake file of the valid CSV: a Parquet input the reader knows.
fn valid_parquet(dir: &Path) -> Vec<u8> {
    let csv = dir.join("v.csv");
    std::fs::write(&csv, valid_csv()).unwrap();
    let zones = Zones {
        by_station: HashMap::new(),
        default: chrono_tz::Asia::Kolkata,
    };
    let staged = stage(
        &csv,
        Kind::Deliveries,
        &ImportProfile::default(),
        &zones,
        &dir.join("staging"),
        &StageOptions::default(),
        Arc::new(Progress::default()),
    )
    .unwrap();
    let lake = dspdesk_lake::Lake::open(&dir.join("lake")).unwrap();
    let written = dspdesk_lake::finalize(
        &staged,
        &lake,
        "t",
        &HashMap::new(),
        dspdesk_lake::DayMode::Strict,
    )
    .unwrap();
    std::fs::read(lake.absolute(&written[0].path)).unwrap()
}

/// A valid file with some bytes replaced, inserted or cut.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, op, value) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = at % bytes.len();
        match op % 3 {
            0 => bytes[i] = value,
            1 => bytes.insert(i, value),
            _ => bytes.truncate(i.max(1)),
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)
}

/// 64 cases with the tests; `PROPTEST_CASES=N` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_a_reader(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for ext in ["csv", "xlsx", "xls", "ods", "parquet"] {
            read(ext, &bytes, &ImportProfile::default());
        }
    }

    #[test]
    fn a_changed_csv_never_panics(edits in edits()) {
        read("csv", &mutate(valid_csv(), &edits), &ImportProfile::default());
    }

    #[test]
    fn a_changed_workbook_never_panics(edits in edits()) {
        static VALID: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let valid = VALID.get_or_init(|| valid_xlsx(tempfile::tempdir().unwrap().path()));
        read("xlsx", &mutate(valid.clone(), &edits), &ImportProfile::default());
    }

    #[test]
    fn a_changed_parquet_file_never_panics(edits in edits()) {
        static VALID: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let valid = VALID.get_or_init(|| valid_parquet(tempfile::tempdir().unwrap().path()));
        read("parquet", &mutate(valid.clone(), &edits), &ImportProfile::default());
    }

    #[test]
    fn any_profile_text_is_read_or_refused(text in "[a-z_=\\[\\]\".,0-9 \\n/+-]{0,200}") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, format!("kind = \"deliveries\"\n{text}")).unwrap();
        if let Ok(profile) = ImportProfile::load(&path) {
            read("csv", &valid_csv(), &profile);
        }
    }
}
