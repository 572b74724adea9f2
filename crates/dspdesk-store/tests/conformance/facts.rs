use crate::support::{commit, d, fact, file};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{DayRows, Store};

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
                &DayRows {
                    facts: vec![fact("SWFT", "DEL4", 20, 13)],
                    ..DayRows::default()
                },
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
