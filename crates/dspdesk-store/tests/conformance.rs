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
            blocks: &[],
            remit_days: &[],
            remitted: &[],
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
                blocks: &[],
                remit_days: &[],
                remitted: &[],
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
            blocks: &[],
            remit_days: &[],
            remitted: &[],
        })
        .await
        .unwrap();
        s.replace_facts(&[("DXB1".into(), d(20))], &many, &[])
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
            .replace_facts(
                &[("DEL4".into(), d(20))],
                &[fact("SWFT", "DEL4", 20, 13)],
                &[],
            )
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

#[tokio::test]
async fn scorecard_tables_behave_alike() {
    use dspdesk_store::{NewFlag, NewGoal, RemitRow, ScoreSnapshot};
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        // Deposits are replaced per station-day and cached per data version.
        commit(
            s,
            "h1",
            &[file("DEL4", 20, "a")],
            &[fact("SWFT", "DEL4", 20, 10)],
        )
        .await;
        let r = |day, amount| RemitRow {
            partner: "SWFT".into(),
            station: "DEL4".into(),
            date: d(day),
            amount_minor: amount,
            deposits: 1,
        };
        s.replace_remitted(&[("DEL4".into(), d(21))], &[r(21, 500)])
            .await
            .unwrap();
        s.replace_remitted(&[("DEL4".into(), d(21))], &[r(21, 700)])
            .await
            .unwrap();
        let all = s.all_remitted().await.unwrap();
        assert_eq!(all.len(), 1, "{b}");
        assert_eq!(all[0].amount_minor, 700, "{b}");

        // A new configuration version pins the weeks already scored.
        let v1 = s
            .add_config_version("admin", "score", d(2), "a = 1", "first", &[])
            .await
            .unwrap();
        let v2 = s
            .add_config_version(
                "admin",
                "score",
                d(16),
                "a = 2",
                "second",
                &[("2026-W47".into(), v1)],
            )
            .await
            .unwrap();
        assert_eq!((v1, v2), (1, 2), "{b}");
        assert_eq!(s.config_versions("score").await.unwrap().len(), 2);
        assert_eq!(s.score_pins().await.unwrap()["2026-W47"], 1, "{b}");

        // A re-score keeps the earlier run and its scores.
        let snap = |score| ScoreSnapshot {
            partner: "SWFT".into(),
            station: String::new(),
            score: Some(score),
            tier: Some("great".into()),
            rank: Some(1),
            components: "{}".into(),
        };
        let first = s
            .record_score_run("admin", "2026-W47", 1, "scored", &[snap(71.0)])
            .await
            .unwrap();
        assert_eq!(first.previous_version, Some(1));
        let second = s
            .record_score_run("admin", "2026-W47", 2, "new weights", &[snap(64.5)])
            .await
            .unwrap();
        assert_eq!(second.previous_version, Some(1), "{b}");
        assert_eq!(s.score_pins().await.unwrap()["2026-W47"], 2, "{b}");
        let runs = s.score_runs("2026-W47").await.unwrap();
        assert_eq!(runs.len(), 2, "{b}");
        assert_eq!(
            s.score_snapshots(runs[0].id).await.unwrap()[0].score,
            Some(71.0),
            "history is kept"
        );
        let audit = s.audit_entries(10).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "score.rescore"), "{b}");

        // A goal replaces an overlapping one and is audited.
        let goal = |p50, from, to| NewGoal {
            partner: "SWFT".into(),
            station: "DEL4".into(),
            valid_from: d(from),
            valid_to: d(to),
            p50,
            p90: p50 + 2.0,
            source: "set".into(),
        };
        s.set_goals("coach", &[goal(4.0, 1, 30)]).await.unwrap();
        s.set_goals("coach", &[goal(5.0, 16, 22)]).await.unwrap();
        let goals = s.route_goals().await.unwrap();
        let periods: Vec<(NaiveDate, NaiveDate, f64)> = goals
            .iter()
            .map(|g| (g.valid_from, g.valid_to, g.p50))
            .collect();
        assert_eq!(
            periods,
            vec![(d(1), d(15), 4.0), (d(16), d(22), 5.0), (d(23), d(30), 4.0)],
            "the new goal cuts its period out of the old one ({b})"
        );

        // Flags open, stay open while shown, and clear when no longer shown.
        let flag = |partner: &str| NewFlag {
            kind: "defaulting".into(),
            partner: partner.into(),
            station: String::new(),
            subject: String::new(),
            reason: "DOT below 95% on 4 of the last 7 days".into(),
            numbers: "{}".into(),
            data_date: d(21),
        };
        let s1 = s.sync_flags(&[flag("SWFT"), flag("ZIPX")]).await.unwrap();
        assert_eq!((s1.opened, s1.kept, s1.cleared), (2, 0, 0), "{b}");
        let s2 = s.sync_flags(&[flag("SWFT")]).await.unwrap();
        assert_eq!((s2.opened, s2.kept, s2.cleared), (0, 1, 1), "{b}");
        let s3 = s.sync_flags(&[flag("SWFT"), flag("ZIPX")]).await.unwrap();
        assert_eq!(
            (s3.opened, s3.kept),
            (1, 1),
            "a cleared flag seen again is new"
        );
        assert_eq!(s.flags(false).await.unwrap().len(), 2, "{b}");
        assert_eq!(s.flags(true).await.unwrap().len(), 3, "{b}");
        t.finish().await;
    }
}
