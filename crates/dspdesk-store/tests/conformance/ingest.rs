use crate::support::{batch, commit, d, fact, file};
use dspdesk_store::batches_api::{IngestCommit, Outcome};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{DayRows, FactRow};

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
                rows: &DayRows {
                    facts: vec![fact("NOPE", "DEL4", 20, 1)],
                    ..DayRows::default()
                },
                remit_days: &[],
                remitted: &[],
                references: &[],
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
async fn the_batch_log_and_recompute_behave_alike() {
    for t in TestStore::all().await {
        let s = &t.store;
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
            rows: &DayRows::default(),
            remit_days: &[],
            remitted: &[],
            references: &[],
        })
        .await
        .unwrap();
        s.replace_facts(
            &[("DXB1".into(), d(20))],
            &DayRows {
                facts: many,
                ..DayRows::default()
            },
        )
        .await
        .unwrap();
        let facts = s.facts_between(d(20), d(20)).await.unwrap();
        assert_eq!(facts.len(), 1203, "{}", t.backend());
        assert!(facts.iter().all(|f| f.partner != "SWFT"));
        assert_eq!(s.partner_codes().await.unwrap().len(), 1204);
        t.finish().await;
    }
}
