use crate::support::{commit, fact, file};
use dspdesk_store::testing::TestStore;

#[tokio::test]
async fn a_station_zone_is_set_and_changed_and_an_ingest_keeps_it() {
    for t in TestStore::all().await {
        let s = &t.store;
        s.set_station_zone("DXB1", "Asia/Dubai").await.unwrap();
        s.set_station_zone("DXB1", "Asia/Muscat").await.unwrap();
        assert_eq!(s.station_zones().await.unwrap()["DXB1"], "Asia/Muscat");
        commit(
            s,
            "h1",
            &[file("DXB1", 20, "a")],
            &[fact("SWFT", "DXB1", 20, 10)],
        )
        .await;
        assert_eq!(
            s.station_zones().await.unwrap()["DXB1"],
            "Asia/Muscat",
            "an ingest leaves a known station's zone as it is ({})",
            t.backend()
        );
        t.finish().await;
    }
}
