use crate::support::{commit, d, fact, file};
use dspdesk_store::RemitRow;
use dspdesk_store::testing::TestStore;

#[tokio::test]
async fn deposits_are_replaced_per_station_day_and_cached() {
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
        t.finish().await;
    }
}

/// A deposit's reference is found where it is stored, by partner and reference; the
/// commit that replaces a station-day replaces its references; remittance days stored
/// without references (an older database) are listed until they are indexed.
#[tokio::test]
async fn deposit_references_are_kept_with_their_station_days() {
    const KIND: &str = "cod_remittances";
    use chrono::Utc;
    use dspdesk_store::batches_api::{IngestCommit, NewBatch, Outcome};
    use dspdesk_store::{DayRows, DepositRef, LakeFileRow};
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        let dep = |partner: &str, reference: &str, station: &str, day| DepositRef {
            partner: partner.into(),
            reference: reference.into(),
            station: station.into(),
            date: d(day),
        };
        let remit = |station: &str, day, path: &str, hash: &str, refs: &[DepositRef]| {
            let files = vec![LakeFileRow {
                kind: KIND.into(),
                station: station.into(),
                date: d(day),
                path: path.into(),
                rows: 1,
            }];
            let days = vec![(station.to_string(), d(day))];
            let batch = NewBatch {
                kind: KIND.into(),
                file_name: "c.csv".into(),
                content_hash: hash.into(),
                reading_hash: hash.into(),
                rows_read: 1,
                rows_loaded: 1,
                rows_skipped: 0,
                rows_rejected: 0,
                station_days: 1,
                loaded_by: "test".into(),
                started_at: Utc::now(),
                finished_at: Utc::now(),
                outcome: Outcome::Loaded,
                message: String::new(),
            };
            let refs = refs.to_vec();
            let stations = vec![(station.to_string(), "Asia/Kolkata".to_string())];
            let partners: Vec<String> = refs.iter().map(|r| r.partner.clone()).collect();
            async move {
                s.commit_ingest(&IngestCommit {
                    batch,
                    stations: &stations,
                    partners: &partners,
                    files: &files,
                    fact_days: &[],
                    rows: &DayRows::default(),
                    remit_days: &days,
                    remitted: &[],
                    references: &refs,
                })
                .await
                .unwrap()
            }
        };
        remit("DEL4", 20, "r1", "c1", &[dep("SWFT", "X1", "DEL4", 20)]).await;
        remit(
            "BOM1",
            21,
            "r2",
            "c2",
            &[dep("ZIPX", "X1", "BOM1", 21), dep("SWFT", "Y2", "BOM1", 21)],
        )
        .await;
        let key = |p: &str, r: &str| (p.to_string(), r.to_string());
        assert_eq!(
            s.stored_references(&[key("SWFT", "X1"), key("SWFT", "Q")])
                .await
                .unwrap(),
            [dep("SWFT", "X1", "DEL4", 20)],
            "{b}: by partner and reference, not reference alone"
        );
        // The day loaded again without X1: X1 is no longer stored anywhere.
        remit("DEL4", 20, "r3", "c3", &[dep("SWFT", "X9", "DEL4", 20)]).await;
        assert!(
            s.stored_references(&[key("SWFT", "X1")])
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        assert!(
            s.unindexed_deposit_days(KIND).await.unwrap().is_empty(),
            "{b}"
        );

        // A database from before references were recorded: its days are listed, with
        // their files, until their references are.
        s.forget_references(&[("BOM1".into(), d(21))])
            .await
            .unwrap();
        assert_eq!(
            s.unindexed_deposit_days(KIND).await.unwrap(),
            [("BOM1".to_string(), d(21), "r2".to_string())],
            "{b}"
        );
        s.index_references(&[("BOM1".into(), d(21))], &[dep("ZIPX", "X1", "BOM1", 21)])
            .await
            .unwrap();
        assert!(
            s.unindexed_deposit_days(KIND).await.unwrap().is_empty(),
            "{b}"
        );
        assert_eq!(
            s.stored_references(&[key("ZIPX", "X1"), key("SWFT", "Y2")])
                .await
                .unwrap(),
            [dep("ZIPX", "X1", "BOM1", 21)],
            "{b}"
        );

        // The manifest of some station-days only: exactly those that have a file.
        let on = s
            .current_files_on(
                KIND,
                &[
                    ("DEL4".into(), d(20)),
                    ("DEL4".into(), d(21)),
                    ("BOM1".into(), d(21)),
                ],
            )
            .await
            .unwrap();
        let mut on: Vec<_> = on.into_iter().collect();
        on.sort();
        assert_eq!(
            on,
            [
                (("BOM1".to_string(), d(21)), "r2".to_string()),
                (("DEL4".to_string(), d(20)), "r3".to_string())
            ],
            "{b}"
        );
        assert!(
            s.current_files_on(KIND, &[("BOM1".into(), d(20))])
                .await
                .unwrap()
                .is_empty(),
            "{b}: BOM1 on the 20th has no file, though BOM1 and the 20th each do"
        );
        t.finish().await;
    }
}
