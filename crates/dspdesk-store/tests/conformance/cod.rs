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
