//! A remittance reference is unique per partner across every stored deposit. Stored
//! references are looked up in the database; a database from before they were recorded
//! has them read from its lake once, by the next remittance load.

use chrono::NaiveDate;
use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::{Kind, Progress, Workspace};
use std::sync::Arc;

const HEAD: &str = "partner,station,date,amount,reference\n";

async fn load(ws: &Workspace, dir: &std::path::Path, name: &str, rows: &str) -> Result<(), String> {
    let path = dir.join(name);
    std::fs::write(&path, format!("{HEAD}{rows}")).unwrap();
    ingest(
        ws,
        Kind::Remittances,
        &path,
        &IngestOptions::default(),
        Arc::new(Progress::default()),
    )
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

#[tokio::test]
async fn references_stored_before_they_were_recorded_still_refuse_a_second_use() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path(), None).await.unwrap();
    load(
        &ws,
        dir.path(),
        "c1.csv",
        "SWFT,DEL4,2026-11-21,10,X1\nZIPX,DEL4,2026-11-21,5,X2\n",
    )
    .await
    .unwrap();
    // As an earlier version left it: the deposits are in the lake, their references
    // are not recorded.
    let day = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    ws.store
        .forget_references(&[("DEL4".into(), day)])
        .await
        .unwrap();
    assert_eq!(
        ws.store
            .unindexed_deposit_days(Kind::Remittances.as_str())
            .await
            .unwrap()
            .len(),
        1
    );

    let err = load(&ws, dir.path(), "c2.csv", "SWFT,BOM1,2026-11-22,10,X1\n")
        .await
        .unwrap_err();
    assert!(
        err.contains("\"X1\" of partner SWFT is already stored (a deposit at DEL4 on 2026-11-21)"),
        "{err}"
    );
    // The refused load recorded the old day's references; they are read no more.
    assert!(
        ws.store
            .unindexed_deposit_days(Kind::Remittances.as_str())
            .await
            .unwrap()
            .is_empty()
    );
    let keys = [("ZIPX".to_string(), "X2".to_string())];
    assert_eq!(ws.store.stored_references(&keys).await.unwrap().len(), 1);

    // Another partner's X1, and the stored day loaded again, are fine; after the
    // reload X1 of SWFT is stored at DEL4 on the 21st only once.
    load(&ws, dir.path(), "c3.csv", "ZIPX,BOM1,2026-11-22,10,X1\n")
        .await
        .unwrap();
    let replace = IngestOptions {
        mode: dspdesk_lake::DayMode::Replace,
        ..IngestOptions::default()
    };
    let path = dir.path().join("c4.csv");
    std::fs::write(&path, format!("{HEAD}SWFT,DEL4,2026-11-21,12,X1\n")).unwrap();
    ingest(
        &ws,
        Kind::Remittances,
        &path,
        &replace,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    let keys = [
        ("SWFT".to_string(), "X1".to_string()),
        ("ZIPX".to_string(), "X2".to_string()),
    ];
    let stored = ws.store.stored_references(&keys).await.unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}: X2 went with the replaced day");
    assert_eq!((stored[0].station.as_str(), stored[0].date), ("DEL4", day));
}
