//! Cached views follow the data: an ingest changes what the next request sees.

use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::network::views;
use dspdesk_app::{Actor, Kind, Progress, Workspace};
use dspdesk_core::{IsoWeek, Role, Scope};
use std::sync::Arc;

fn day(date: &str, packages: usize) -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    for p in 0..packages {
        s.push_str(&format!(
            "P{date}-{p},R1,{date},DEL4,SWFT,{date}T21:00:00+05:30,attempted,,0,0,\n"
        ));
    }
    s
}

#[tokio::test]
async fn an_ingest_invalidates_cached_views() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path(), None).await.unwrap();
    let opts = IngestOptions::default();
    let week = Some(IsoWeek::parse("2026-W47").unwrap());
    let load = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let a = load("a.csv", day("2026-11-16", 3));
    ingest(
        &ws,
        Kind::Deliveries,
        &a,
        &opts,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    let all = Actor::operator("test");
    let first = views::overview(&ws, &all, week).await.unwrap();
    assert_eq!(first.as_ref().as_ref().unwrap().week_counts.dispatched, 3);
    let again = views::overview(&ws, &all, week).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "the second request is served from the cache"
    );

    let b = load("b.csv", day("2026-11-17", 5));
    ingest(
        &ws,
        Kind::Deliveries,
        &b,
        &opts,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    let after = views::overview(&ws, &all, week).await.unwrap();
    assert_eq!(
        after.as_ref().as_ref().unwrap().week_counts.dispatched,
        8,
        "the new day is counted"
    );
    let zipx = Actor {
        username: "zipx".into(),
        audit: "test:zipx".into(),
        role: Role::Partner,
        scope: Scope::Partners(["ZIPX".to_string()].into()),
    };
    let scoped = views::overview(&ws, &zipx, week).await.unwrap();
    assert_eq!(
        scoped.as_ref().as_ref().unwrap().week_counts.dispatched,
        0,
        "another scope, another entry"
    );
}
