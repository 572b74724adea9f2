//! One suite, both backends: every repository behaves the same on SQLite and PostgreSQL.

use chrono::{NaiveDate, Utc};
use dspdesk_core::Counts;
use dspdesk_store::batches_api::{IngestCommit, NewBatch, Outcome};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{FactRow, LakeFileRow, Store};

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

fn batch(hash: &str, days: i64, outcome: Outcome) -> NewBatch {
    NewBatch {
        kind: "deliveries".into(),
        file_name: "d.csv".into(),
        content_hash: hash.into(),
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

fn fact(partner: &str, station: &str, day: u32, dispatched: i64) -> FactRow {
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

fn file(station: &str, day: u32, path: &str) -> LakeFileRow {
    LakeFileRow {
        kind: "deliveries".into(),
        station: station.into(),
        date: d(day),
        path: path.into(),
        rows: 10,
    }
}

async fn commit(store: &Store, hash: &str, files: &[LakeFileRow], facts: &[FactRow]) -> i64 {
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
            facts,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn an_ingest_commit_replaces_the_station_days_it_touches() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b1 = commit(
            s,
            "h1",
            &[file("DEL4", 20, "a"), file("BOM1", 20, "b")],
            &[
                fact("SWFT", "DEL4", 20, 10),
                fact("ZIPX", "DEL4", 20, 5),
                fact("SWFT", "BOM1", 20, 7),
            ],
        )
        .await;
        assert_eq!(
            s.facts_between(d(20), d(20)).await.unwrap().len(),
            3,
            "{}",
            t.backend()
        );
        assert_eq!(
            s.unchanged_batch("deliveries", "h1").await.unwrap(),
            Some(b1)
        );

        // DEL4 again: its facts are replaced whole (ZIPX is gone), BOM1 is untouched.
        commit(
            s,
            "h2",
            &[file("DEL4", 20, "c")],
            &[fact("SWFT", "DEL4", 20, 11)],
        )
        .await;
        let facts = s.facts_between(d(1), d(30)).await.unwrap();
        let got: Vec<(&str, &str, i64)> = facts
            .iter()
            .map(|f| (f.station.as_str(), f.partner.as_str(), f.counts.dispatched))
            .collect();
        assert_eq!(
            got,
            [("BOM1", "SWFT", 7), ("DEL4", "SWFT", 11)],
            "{}",
            t.backend()
        );
        assert_eq!(
            facts[1].counts,
            fact("SWFT", "DEL4", 20, 11).counts,
            "every count round-trips, money included"
        );
        // h1 no longer owns all its station-days.
        assert_eq!(s.unchanged_batch("deliveries", "h1").await.unwrap(), None);
        let current = s.current_files("deliveries").await.unwrap();
        assert_eq!(current[&("DEL4".to_string(), d(20))], "c");
        assert_eq!(current[&("BOM1".to_string(), d(20))], "b");
        let mut paths: Vec<String> = s.all_lake_paths().await.unwrap().into_iter().collect();
        paths.sort();
        assert_eq!(paths, ["b", "c"]);
        assert_eq!(s.facts_range().await.unwrap(), Some((d(20), d(20))));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_failed_commit_changes_nothing() {
    for t in TestStore::all().await {
        let s = &t.store;
        commit(
            s,
            "h1",
            &[file("DEL4", 20, "a")],
            &[fact("SWFT", "DEL4", 20, 10)],
        )
        .await;
        // A fact whose partner is not known breaks a foreign key half-way through.
        let days = [("DEL4".to_string(), d(20))];
        let err = s
            .commit_ingest(&IngestCommit {
                batch: batch("h2", 1, Outcome::Loaded),
                stations: &[],
                partners: &[],
                files: &[file("DEL4", 20, "z")],
                fact_days: &days,
                facts: &[fact("NOPE", "DEL4", 20, 1)],
            })
            .await;
        assert!(err.is_err(), "{}", t.backend());
        assert_eq!(
            s.current_files("deliveries").await.unwrap()[&("DEL4".to_string(), d(20))],
            "a"
        );
        let facts = s.facts_between(d(20), d(20)).await.unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].counts.dispatched, 10);
        assert_eq!(
            s.batches(10).await.unwrap().len(),
            1,
            "the failed batch row was rolled back too"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn stations_batches_and_recompute_behave_alike() {
    for t in TestStore::all().await {
        let s = &t.store;
        s.set_station_zone("DXB1", "Asia/Dubai").await.unwrap();
        s.set_station_zone("DXB1", "Asia/Muscat").await.unwrap();
        assert_eq!(s.station_zones().await.unwrap()["DXB1"], "Asia/Muscat");
        let id = s
            .record_batch(&batch("hx", 0, Outcome::Rejected))
            .await
            .unwrap();
        let log = s.batches(5).await.unwrap();
        assert_eq!((log[0].id, log[0].outcome.as_str()), (id, "rejected"));

        commit(
            s,
            "h1",
            &[file("DXB1", 20, "a")],
            &[fact("SWFT", "DXB1", 20, 10)],
        )
        .await;
        // Many facts at once cross the insert chunk size.
        let many: Vec<FactRow> = (0..1203)
            .map(|i| fact("SWFT", "DXB1", 20, i + 3))
            .enumerate()
            .map(|(i, mut f)| {
                f.partner = format!("P{i:04}");
                f
            })
            .collect();
        let partners: Vec<String> = many.iter().map(|f| f.partner.clone()).collect();
        s.commit_ingest(&IngestCommit {
            batch: batch("h2", 0, Outcome::Loaded),
            stations: &[],
            partners: &partners,
            files: &[],
            fact_days: &[],
            facts: &[],
        })
        .await
        .unwrap();
        s.replace_facts(&[("DXB1".into(), d(20))], &many)
            .await
            .unwrap();
        let facts = s.facts_between(d(20), d(20)).await.unwrap();
        assert_eq!(facts.len(), 1203, "{}", t.backend());
        assert!(facts.iter().all(|f| f.partner != "SWFT"));
        assert_eq!(s.partner_codes().await.unwrap().len(), 1204);
        t.finish().await;
    }
}

#[tokio::test]
async fn cached_facts_follow_changes_made_by_another_process() {
    for t in TestStore::all().await {
        let reader = &t.store;
        let writer = Store::connect(&t.url).await.unwrap();
        commit(
            &writer,
            "h1",
            &[file("DEL4", 20, "a")],
            &[fact("SWFT", "DEL4", 20, 10)],
        )
        .await;
        assert_eq!(
            reader.facts_between(d(1), d(30)).await.unwrap()[0]
                .counts
                .dispatched,
            10
        );
        commit(
            &writer,
            "h2",
            &[file("DEL4", 20, "b")],
            &[fact("SWFT", "DEL4", 20, 12)],
        )
        .await;
        assert_eq!(
            reader.facts_between(d(1), d(30)).await.unwrap()[0]
                .counts
                .dispatched,
            12,
            "{}",
            t.backend()
        );
        writer
            .replace_facts(&[("DEL4".into(), d(20))], &[fact("SWFT", "DEL4", 20, 13)])
            .await
            .unwrap();
        assert_eq!(
            reader.facts_between(d(1), d(30)).await.unwrap()[0]
                .counts
                .dispatched,
            13,
            "{}",
            t.backend()
        );
        let scoped = reader
            .facts_in_scope(
                d(1),
                d(30),
                &dspdesk_core::Scope::Partners(["ZIPX".to_string()].into()),
            )
            .await
            .unwrap();
        assert!(scoped.is_empty(), "the scope filters cached rows too");
        writer.close().await;
        t.finish().await;
    }
}
