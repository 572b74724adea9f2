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

/// Loads DEL4 on the 20th and 21st and BOM1 on the 20th with `rows(3)`; their keys.
async fn three_station_days(s: &Store) -> Vec<(String, chrono::NaiveDate)> {
    let files = [
        file("DEL4", 20, "a"),
        file("BOM1", 20, "b"),
        file("DEL4", 21, "c"),
    ];
    let first = rows(3);
    commit(s, "h1", &files, &first.facts).await;
    let days: Vec<_> = files.iter().map(|f| (f.station.clone(), f.date)).collect();
    s.replace_facts(&days, &first).await.unwrap();
    days
}

#[tokio::test]
async fn blocks_vas_and_supervisors_read_in_order_within_range_and_scope_and_follow_changes() {
    for t in TestStore::all().await {
        let s = &t.store;
        let days = three_station_days(s).await;
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

#[tokio::test]
async fn a_recompute_between_dates_replaces_those_dates_only_and_drops_stale_rows() {
    for t in TestStore::all().await {
        let s = &t.store;
        three_station_days(s).await;
        let remit = |day: u32, amount_minor: i64| dspdesk_store::RemitRow {
            partner: "SWFT".into(),
            station: "DEL4".into(),
            date: d(day),
            amount_minor,
            deposits: 1,
        };
        s.replace_remitted(
            &[("DEL4".into(), d(20)), ("DEL4".into(), d(21))],
            &[remit(20, 100), remit(21, 100)],
        )
        .await
        .unwrap();
        let all = Scope::All;

        // Day 20 recomputed: DEL4 changes, BOM1 is no longer in the lake's answer.
        let mut day20 = rows(7);
        day20
            .facts
            .retain(|f| f.date == d(20) && f.station == "DEL4");
        day20
            .blocks
            .retain(|b| b.date == d(20) && b.station == "DEL4");
        day20.vas.retain(|v| v.date == d(20) && v.station == "DEL4");
        day20
            .supervisors
            .retain(|x| x.date == d(20) && x.station == "DEL4");
        s.replace_derived_between(Some(d(20)), Some(d(20)), &day20, &[remit(20, 250)])
            .await
            .unwrap();
        let facts = s.facts_between(d(1), d(30)).await.unwrap();
        let keys: Vec<(&str, u32, i64)> = facts
            .iter()
            .map(|f| {
                (
                    f.station.as_str(),
                    chrono::Datelike::day(&f.date),
                    f.counts.dispatched,
                )
            })
            .collect();
        assert_eq!(
            keys,
            [("DEL4", 20, 10), ("DEL4", 21, 10)],
            "{}",
            t.backend()
        );
        let blocks = s.blocks_in_scope(d(1), d(30), &all).await.unwrap();
        let routes: Vec<(u32, i64)> = blocks
            .iter()
            .map(|b| (chrono::Datelike::day(&b.date), b.counts.routes))
            .collect();
        assert_eq!(
            routes,
            [(20, 7), (20, 7), (21, 3), (21, 3)],
            "{}",
            t.backend()
        );
        let sups = s
            .supervisors_in_scope(d(1), d(30), None, &all)
            .await
            .unwrap();
        assert_eq!(sups.len(), 4, "{}", t.backend());
        assert!(sups.iter().all(|x| x.station == "DEL4"));
        let vas = s.vas_in_scope(d(1), d(30), &all).await.unwrap();
        assert_eq!(vas.len(), 4, "{}", t.backend());
        let remitted: Vec<(u32, i64)> = s
            .all_remitted()
            .await
            .unwrap()
            .iter()
            .map(|r| (chrono::Datelike::day(&r.date), r.amount_minor))
            .collect();
        assert_eq!(remitted, [(20, 250), (21, 100)], "{}", t.backend());

        // With no dates, everything is what the lake says now.
        let only21 = {
            let mut r = rows(9);
            r.facts.retain(|f| f.date == d(21));
            r.blocks.retain(|b| b.date == d(21));
            r.vas.retain(|v| v.date == d(21));
            r.supervisors.retain(|x| x.date == d(21));
            r
        };
        s.replace_derived_between(None, None, &only21, &[])
            .await
            .unwrap();
        let facts = s.facts_between(d(1), d(30)).await.unwrap();
        assert_eq!(facts.len(), 1, "{}", t.backend());
        assert_eq!(facts[0].date, d(21));
        let blocks = s.blocks_in_scope(d(1), d(30), &all).await.unwrap();
        assert!(
            blocks
                .iter()
                .all(|b| b.counts.routes == 9 && b.date == d(21))
        );
        assert_eq!(blocks.len(), 2);
        assert!(s.all_remitted().await.unwrap().is_empty());
        t.finish().await;
    }
}

/// Sixty days of two partners at two stations, every kind of derived row, with
/// counts that differ by day so that a wrong day shows.
fn sixty_days() -> (Vec<(String, chrono::NaiveDate)>, DayRows) {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let mut days = Vec::new();
    let mut out = DayRows::default();
    for i in 0..60i64 {
        let date = start + chrono::Duration::days(i);
        for (p, st) in [("SWFT", "DEL4"), ("ZIPX", "BOM1")] {
            // ZIPX stops after day 40 and one supervisor of SWFT starts on day 20.
            if p == "ZIPX" && i > 40 {
                continue;
            }
            if !days.contains(&(st.to_string(), date)) {
                days.push((st.to_string(), date));
            }
            let mut f = fact(p, st, 1, 10 + i);
            f.date = date;
            out.facts.push(f);
            out.blocks.push(BlockRow {
                partner: p.into(),
                station: st.into(),
                date,
                block_hours: 8,
                mot: "EV2W".into(),
                counts: BlockCounts {
                    routes: i,
                    ..BlockCounts::default()
                },
            });
            out.vas.push(VasRow {
                partner: p.into(),
                station: st.into(),
                date,
                vas: "open_box".into(),
                counts: VasCounts {
                    dispatched: i,
                    delivered: 0,
                },
            });
            for sup in ["S1", "S2"] {
                if sup == "S2" && i < 20 {
                    continue;
                }
                out.supervisors.push(SupervisorRow {
                    partner: p.into(),
                    station: st.into(),
                    date,
                    supervisor: sup.into(),
                    counts: Counts {
                        routes: i,
                        ..Counts::default()
                    },
                });
            }
        }
    }
    (days, out)
}

#[tokio::test]
async fn the_window_of_recent_days_answers_as_the_whole_table_does() {
    for t in TestStore::all().await {
        let s = &t.store;
        let (days, all_rows) = sixty_days();
        // The partners and stations first, then exactly these rows.
        let files = [file("DEL4", 20, "a"), file("BOM1", 20, "b")];
        let partners = [fact("SWFT", "DEL4", 20, 1), fact("ZIPX", "BOM1", 20, 1)];
        commit(s, "h1", &files, &partners).await;
        s.replace_derived_between(None, None, &all_rows, &[])
            .await
            .unwrap();
        // The whole table kept (the old behaviour) beside a window of a week.
        let whole = Store::connect(&t.url).await.unwrap();
        whole.set_cache_window_days(10_000);
        let narrow = Store::connect(&t.url).await.unwrap();
        narrow.set_cache_window_days(7);
        let day = |n: i64| {
            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Duration::days(n)
        };
        let zipx = Scope::Partners(["ZIPX".to_string()].into());
        // Inside the window, straddling it, before it, the whole table, after the last
        // day, one day, and inside again once widened.
        let ranges = [
            (55, 59),
            (50, 59),
            (10, 20),
            (-5, 80),
            (61, 90),
            (30, 30),
            (56, 58),
            (0, 0),
        ];
        for round in 0..2 {
            for &(a, b) in &ranges {
                let (from, to) = (day(a), day(b));
                for scope in [&Scope::All, &zipx] {
                    let what = format!("{}..{} round {round} ({})", a, b, t.backend());
                    assert_eq!(
                        narrow.facts_in_scope(from, to, scope).await.unwrap(),
                        whole.facts_in_scope(from, to, scope).await.unwrap(),
                        "facts {what}"
                    );
                    assert_eq!(
                        narrow.blocks_in_scope(from, to, scope).await.unwrap(),
                        whole.blocks_in_scope(from, to, scope).await.unwrap(),
                        "blocks {what}"
                    );
                    assert_eq!(
                        narrow.vas_in_scope(from, to, scope).await.unwrap(),
                        whole.vas_in_scope(from, to, scope).await.unwrap(),
                        "VAS {what}"
                    );
                    assert_eq!(
                        narrow
                            .supervisors_in_scope(from, to, None, scope)
                            .await
                            .unwrap(),
                        whole
                            .supervisors_in_scope(from, to, None, scope)
                            .await
                            .unwrap(),
                        "supervisors {what}"
                    );
                }
                assert_eq!(
                    narrow.supervisor_spans(day(b)).await.unwrap(),
                    whole.supervisor_spans(day(b)).await.unwrap(),
                    "spans to {b} ({})",
                    t.backend()
                );
            }
            assert_eq!(
                narrow.facts_range().await.unwrap(),
                Some((day(0), day(59))),
                "{}",
                t.backend()
            );
            // A change through another handle: both read the new rows, the window
            // starts again from the default.
            let mut changed = all_rows.clone();
            for f in &mut changed.facts {
                f.counts.dispatched += 100;
            }
            s.replace_facts(&days, &changed).await.unwrap();
        }
        assert_eq!(
            narrow.every_fact().await.unwrap(),
            whole.facts_between(day(0), day(59)).await.unwrap(),
            "{}",
            t.backend()
        );
        let spans = narrow.supervisor_spans(day(59)).await.unwrap();
        let s2 = spans
            .iter()
            .find(|r| r.partner == "ZIPX" && r.supervisor == "S2")
            .unwrap();
        assert_eq!((s2.first, s2.last), (day(20), day(40)), "{}", t.backend());
        whole.close().await;
        narrow.close().await;
        t.finish().await;
    }
}
