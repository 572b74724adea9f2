//! Rows and commits the aggregates' tests build their data from.

use chrono::{NaiveDate, Utc};
use dspdesk_core::Counts;
use dspdesk_store::batches_api::{IngestCommit, NewBatch, Outcome};
use dspdesk_store::{DayRows, FactRow, LakeFileRow, Store};

pub fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

pub fn batch(hash: &str, days: i64, outcome: Outcome) -> NewBatch {
    NewBatch {
        kind: "deliveries".into(),
        file_name: "d.csv".into(),
        content_hash: hash.into(),
        reading_hash: hash.into(),
        rows_read: 10,
        rows_loaded: 10,
        rows_skipped: 0,
        rows_rejected: 0,
        station_days: days,
        loaded_by: "test".into(),
        started_at: Utc::now(),
        finished_at: Utc::now(),
        outcome,
        message: String::new(),
    }
}

pub fn fact(partner: &str, station: &str, day: u32, dispatched: i64) -> FactRow {
    FactRow {
        partner: partner.into(),
        station: station.into(),
        date: d(day),
        counts: Counts {
            dispatched,
            delivered: dispatched - 1,
            on_time: dispatched - 2,
            nl_value_minor: 12345,
            cod_due_minor: 9_999_999_999,
            routes: 2,
            packages_routed: dispatched,
            ..Counts::default()
        },
    }
}

pub fn file(station: &str, day: u32, path: &str) -> LakeFileRow {
    LakeFileRow {
        kind: "deliveries".into(),
        station: station.into(),
        date: d(day),
        path: path.into(),
        rows: 10,
    }
}

pub async fn commit(store: &Store, hash: &str, files: &[LakeFileRow], facts: &[FactRow]) -> i64 {
    let days: Vec<(String, NaiveDate)> =
        files.iter().map(|f| (f.station.clone(), f.date)).collect();
    let partners: Vec<String> = facts.iter().map(|f| f.partner.clone()).collect();
    let stations: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.station.clone(), "Asia/Kolkata".to_string()))
        .collect();
    store
        .commit_ingest(&IngestCommit {
            batch: batch(hash, files.len() as i64, Outcome::Loaded),
            stations: &stations,
            partners: &partners,
            files,
            fact_days: &days,
            rows: &DayRows {
                facts: facts.to_vec(),
                ..DayRows::default()
            },
            remit_days: &[],
            remitted: &[],
            references: &[],
        })
        .await
        .unwrap()
}
