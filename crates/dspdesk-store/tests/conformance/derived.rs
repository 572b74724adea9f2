//! Route blocks, VAS and supervisor rows are read through one copy per data version:
//! the same rows, in the same order, as the SQL range queries gave, and a change made
//! through another handle (another process) is seen on the next read.

use crate::support::{commit, d, fact, file};
use dspdesk_core::profit::BlockCounts;
use dspdesk_core::vas::VasCounts;
use dspdesk_core::{Counts, Scope};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{BlockRow, DayRows, Store, SupervisorRow, VasRow};

fn rows(routes: i64) -> DayRows {
    let pairs = [
        ("SWFT", "DEL4", 20),
        ("ZIPX", "BOM1", 20),
        ("SWFT", "DEL4", 21),
    ];
    let mut out = DayRows::default();
    for (p, st, day) in pairs {
        for mot in ["EV2W", "2W"] {
            out.blocks.push(BlockRow {
                partner: p.into(),
                station: st.into(),
                date: d(day),
                block_hours: 8,
                mot: mot.into(),
                counts: BlockCounts {
                    routes,
                    delivered: 10,
                    ..BlockCounts::default()
                },
            });
        }
        for vas in ["open_box", "install"] {
            out.vas.push(VasRow {
                partner: p.into(),
                station: st.into(),
                date: d(day),
                vas: vas.into(),
                counts: VasCounts {
                    dispatched: routes,
                    delivered: 1,
                },
            });
        }
        for sup in ["S2", "S1"] {
            out.supervisors.push(SupervisorRow {
                partner: p.into(),
                station: st.into(),
                date: d(day),
                supervisor: sup.into(),
                counts: Counts {
                    routes,
                    ..Counts::default()
                },
            });
        }
        out.facts.push(fact(p, st, day, 10));
    }
    out
}

#[tokio::test]
async fn blocks_vas_and_supervisors_read_in_order_within_range_and_scope_and_follow_changes() {
    for t in TestStore::all().await {
        let s = &t.store;
        let files = [
            file("DEL4", 20, "a"),
            file("BOM1", 20, "b"),
            file("DEL4", 21, "c"),
        ];
        let first = rows(3);
        commit(s, "h1", &files, &first.facts).await;
        let days: Vec<_> = files.iter().map(|f| (f.station.clone(), f.date)).collect();
        s.replace_facts(&days, &first).await.unwrap();
        let other = Store::connect(&t.url).await.unwrap();
        let all = Scope::All;
        let swft = Scope::Partners(["SWFT".to_string()].into());

        let blocks = other.blocks_in_scope(d(20), d(21), &all).await.unwrap();
        let keys: Vec<(String, u32, &str)> = blocks
            .iter()
            .map(|b| {
                (
                    b.station.clone(),
                    chrono::Datelike::day(&b.date),
                    b.mot.as_str(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("BOM1".to_string(), 20, "2W"),
                ("BOM1".to_string(), 20, "EV2W"),
                ("DEL4".to_string(), 20, "2W"),
                ("DEL4".to_string(), 20, "EV2W"),
                ("DEL4".to_string(), 21, "2W"),
                ("DEL4".to_string(), 21, "EV2W"),
            ],
            "by date, station, partner, block, MOT ({})",
            t.backend()
        );
        assert_eq!(
            other
                .blocks_in_scope(d(21), d(21), &all)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            other
                .blocks_in_scope(d(22), d(30), &all)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            other
                .blocks_in_scope(d(20), d(21), &swft)
                .await
                .unwrap()
                .iter()
                .all(|b| b.partner == "SWFT")
        );

        let vas = other.vas_in_scope(d(20), d(21), &all).await.unwrap();
        let keys: Vec<(&str, &str, u32)> = vas
            .iter()
            .map(|v| {
                (
                    v.partner.as_str(),
                    v.vas.as_str(),
                    chrono::Datelike::day(&v.date),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("SWFT", "install", 20),
                ("SWFT", "install", 21),
                ("SWFT", "open_box", 20),
                ("SWFT", "open_box", 21),
                ("ZIPX", "install", 20),
                ("ZIPX", "open_box", 20),
            ],
            "by partner, kind, station, date ({})",
            t.backend()
        );

        let sups = other
            .supervisors_in_scope(d(20), d(21), Some(("SWFT", "S1")), &all)
            .await
            .unwrap();
        assert_eq!(sups.len(), 2, "{}", t.backend());
        assert!(sups[0].date < sups[1].date && sups.iter().all(|x| x.supervisor == "S1"));
        let everyone = other
            .supervisors_in_scope(d(20), d(20), None, &swft)
            .await
            .unwrap();
        let keys: Vec<&str> = everyone.iter().map(|x| x.supervisor.as_str()).collect();
        assert_eq!(keys, ["S1", "S2"]);

        // Spans: the first and last day of each supervisor per station, up to a day.
        let span = |rows: &[dspdesk_store::SupervisorSpanRow], p: &str, st: &str| {
            rows.iter()
                .find(|r| r.partner == p && r.station == st && r.supervisor == "S1")
                .map(|r| {
                    (
                        chrono::Datelike::day(&r.first),
                        chrono::Datelike::day(&r.last),
                    )
                })
        };
        let spans = other.supervisor_spans(d(21)).await.unwrap();
        assert_eq!(spans.len(), 4, "{}", t.backend());
        assert_eq!(span(&spans, "SWFT", "DEL4"), Some((20, 21)));
        assert_eq!(span(&spans, "ZIPX", "BOM1"), Some((20, 20)));
        let spans = other.supervisor_spans(d(20)).await.unwrap();
        assert_eq!(span(&spans, "SWFT", "DEL4"), Some((20, 20)));
        assert!(other.supervisor_spans(d(19)).await.unwrap().is_empty());

        // A change through the first handle is what the second reads next.
        s.replace_facts(&days, &rows(5)).await.unwrap();
        let again = other.blocks_in_scope(d(20), d(21), &all).await.unwrap();
        assert!(
            again.iter().all(|b| b.counts.routes == 5),
            "{}",
            t.backend()
        );
        let again = other.vas_in_scope(d(20), d(21), &all).await.unwrap();
        assert!(again.iter().all(|v| v.counts.dispatched == 5));
        let again = other
            .supervisors_in_scope(d(20), d(21), None, &all)
            .await
            .unwrap();
        assert!(again.iter().all(|x| x.counts.routes == 5));
        other.close().await;
        t.finish().await;
    }
}
