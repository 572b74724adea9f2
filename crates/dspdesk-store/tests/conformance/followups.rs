use chrono::{DateTime, Duration, TimeZone, Utc};
use dspdesk_core::Scope;
use dspdesk_core::cases::Line;
use dspdesk_core::followups::{Kind, Priority, State};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{Edit, FollowupFilter, NewFollowup, NewNotification, Value};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn case(key: Option<&str>, partner: &str, station: &str) -> NewFollowup {
    NewFollowup {
        kind: if key.is_some() {
            Kind::Cod
        } else {
            Kind::Point
        },
        key: key.map(str::to_owned),
        partner: partner.into(),
        station: station.into(),
        subject: String::new(),
        title: format!("about {partner}"),
        body: String::new(),
        owner: Some("coach".into()),
        priority: Priority::Normal,
        amount_minor: Some(12_345),
        data_date: None,
        as_of: None,
        opened_by: "test".into(),
        opened_at: t0(),
        clock: Kind::Cod.default_sla().clock(t0()),
        lines: vec![Line {
            reference: "P1".into(),
            date: t0().date_naive(),
            amount_minor: Some(12_345),
            detail: "lost".into(),
        }],
        lines_more: 0,
        watchers: vec!["asha".into()],
        closed: None,
    }
}

fn note(user: &str) -> NewNotification {
    NewNotification {
        username: user.into(),
        event: "assigned".into(),
        message: "m".into(),
        email: Some((format!("{user}@example.com"), "s".into(), "b".into())),
    }
}

#[tokio::test]
async fn followups_open_once_change_with_history_and_list_by_scope() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        let a = s
            .open_followup(
                &case(Some("cod|SWFT|DEL4|2026-11-20"), "SWFT", "DEL4"),
                &[note("coach")],
            )
            .await
            .unwrap()
            .unwrap();
        // The same key never opens twice.
        assert!(
            s.open_followup(&case(Some("cod|SWFT|DEL4|2026-11-20"), "SWFT", "DEL4"), &[])
                .await
                .unwrap()
                .is_none(),
            "{b}"
        );
        let z = s
            .open_followup(&case(None, "ZIPX", "BOM1"), &[])
            .await
            .unwrap()
            .unwrap();
        let row = s.followup(a).await.unwrap().unwrap();
        // Read at once by id: the same rows as one by one; an unknown id is left out.
        let both = s.followups_by_id(&[z, a, 999_999]).await.unwrap();
        assert_eq!(both.len(), 2, "{b}");
        assert_eq!(both[&a], row, "{b}");
        assert_eq!(both[&z], s.followup(z).await.unwrap().unwrap(), "{b}");
        assert_eq!(
            (row.state, row.amount_minor, row.owner.as_deref()),
            (State::Open, Some(12_345), Some("coach")),
            "{b}"
        );
        assert_eq!(row.resolve_by, t0() + Duration::hours(72), "{b}");
        assert_eq!(s.followup_lines(a).await.unwrap().len(), 1, "{b}");
        assert_eq!(s.followup_watchers(a).await.unwrap(), ["asha"], "{b}");
        // A change expecting another state changes nothing.
        let mut e = Edit::new(
            "web:asha",
            t0() + Duration::hours(1),
            "state",
            "open -> resolved".into(),
        );
        e.set.push(("state", Value::Text(Some("resolved".into()))));
        e.expect_state = Some(State::InProgress);
        e.comment = Some(("asha".into(), "program".into(), "done".into()));
        assert!(s.edit_followup(a, &e).await.is_err(), "{b}");
        assert!(
            s.followup_comments(a).await.unwrap().is_empty(),
            "{b}: nothing half-written"
        );
        e.expect_state = Some(State::Open);
        s.edit_followup(a, &e).await.unwrap();
        let row = s.followup(a).await.unwrap().unwrap();
        assert_eq!(row.state, State::Resolved, "{b}");
        assert_eq!(s.followup_comments(a).await.unwrap().len(), 1, "{b}");
        // The history: opened, then resolved, with who and when.
        let history = s
            .audit_search(&dspdesk_store::AuditFilter {
                entity: Some("followup".into()),
                entity_id: Some(a.to_string()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<(&str, &str)> = history
            .iter()
            .rev()
            .map(|h| (h.actor.as_str(), h.action.as_str()))
            .collect();
        assert_eq!(actions, [("test", "open"), ("web:asha", "state")], "{b}");
        // Escalation is conditional: a level is written once.
        let mut up = Edit::new("system:scheduler", t0(), "escalate", "level 1".into());
        up.set.push(("escalation", Value::Int(Some(1))));
        up.expect_escalation_below = Some(1);
        s.edit_followup(z, &up).await.unwrap();
        assert!(
            s.edit_followup(z, &up).await.is_err(),
            "{b}: a level escalates once"
        );
        // The queue by scope: a partner's scope sees only its own.
        let open = FollowupFilter {
            open_only: true,
            limit: 50,
            ..Default::default()
        };
        let all = FollowupFilter {
            limit: 50,
            ..Default::default()
        };
        let (rows, n) = s.followups(&Scope::All, &all).await.unwrap();
        assert_eq!((rows.len(), n), (2, 2), "{b}");
        let (rows, _) = s.followups(&Scope::All, &open).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [z], "{b}");
        let swft = Scope::Partners(["SWFT".to_string()].into());
        let (rows, n) = s.followups(&swft, &all).await.unwrap();
        assert_eq!(
            (rows.iter().map(|r| r.id).collect::<Vec<_>>(), n),
            (vec![a], 1),
            "{b}"
        );
        let bom1 = Scope::Stations(["BOM1".to_string()].into());
        assert_eq!(s.followups(&bom1, &all).await.unwrap().1, 1, "{b}");
        let none = Scope::Partners(Default::default());
        assert_eq!(
            s.followups(&none, &all).await.unwrap().1,
            0,
            "{b}: an empty scope sees nothing"
        );
        let overdue = FollowupFilter {
            overdue_at: Some(t0() + Duration::hours(73)),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(
            s.followups(&Scope::All, &overdue).await.unwrap().1,
            1,
            "{b}"
        );
        // Notifications and their e-mail.
        assert_eq!(s.unread_count("coach").await.unwrap(), 1, "{b}");
        let due = s.outbox_due(t0(), 10).await.unwrap();
        assert_eq!(due.len(), 1, "{b}");
        let next = t0() + Duration::minutes(2);
        assert!(
            s.outbox_result(due[0].id, t0(), Some(("refused", next)))
                .await
                .unwrap()
        );
        assert!(
            s.outbox_due(t0() + Duration::minutes(1), 10)
                .await
                .unwrap()
                .is_empty(),
            "{b}: waits for its next try"
        );
        assert!(s.outbox_result(due[0].id, next, None).await.unwrap());
        assert!(
            !s.outbox_result(due[0].id, next, None).await.unwrap(),
            "{b}: sent once"
        );
        assert_eq!(s.outbox(10).await.unwrap()[0].attempts, 2, "{b}");
        assert_eq!(
            s.mark_read("someone-else", None, t0()).await.unwrap(),
            0,
            "{b}"
        );
        assert_eq!(s.mark_read("coach", None, t0()).await.unwrap(), 1, "{b}");
        t.finish().await;
    }
}

#[tokio::test]
async fn one_process_at_a_time_holds_the_jobs_lock() {
    for t in TestStore::all().await {
        let first = t.store.try_jobs_lock().await.unwrap();
        assert!(first.is_some());
        if t.backend() == "postgres" {
            // A second server on the same database (its own pool) is refused while held.
            let other = dspdesk_store::Store::connect(&t.url).await.unwrap();
            assert!(
                other.try_jobs_lock().await.unwrap().is_none(),
                "held elsewhere"
            );
            first.unwrap().release().await.unwrap();
            let again = other.try_jobs_lock().await.unwrap();
            assert!(again.is_some(), "free once released");
            again.unwrap().release().await.unwrap();
            other.close().await;
        }
        t.finish().await;
    }
}

/// Open-only lists come from the open follow-ups kept per follow-ups version: the same
/// pages and counts as the database gives for every filter, and any write, through any
/// handle and any statement, is seen on the next read.
#[tokio::test]
async fn open_lists_from_the_kept_copy_equal_the_database_and_follow_every_write() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        let mut ids = Vec::new();
        for (i, (p, st)) in [
            ("SWFT", "DEL4"),
            ("ZIPX", "BOM1"),
            ("SWFT", "BOM1"),
            ("", "DEL4"),
            ("ZIPX", ""),
        ]
        .iter()
        .enumerate()
        {
            let mut c = case(None, p, st);
            c.kind = [Kind::Point, Kind::ActionItem, Kind::Nl][i % 3];
            c.owner = [Some("coach".to_string()), None, Some("asha".to_string())][i % 3].clone();
            c.subject = if i % 2 == 0 {
                "review:1".into()
            } else {
                String::new()
            };
            c.opened_at = t0() + Duration::hours(i as i64);
            c.clock = c.kind.default_sla().clock(c.opened_at);
            ids.push(s.open_followup(&c, &[]).await.unwrap().unwrap());
        }
        let scopes = [
            Scope::All,
            Scope::Partners(["SWFT".to_string()].into()),
            Scope::Stations(["BOM1".to_string()].into()),
        ];
        let filters = [
            FollowupFilter::default(),
            FollowupFilter {
                kind: Some(Kind::ActionItem),
                ..Default::default()
            },
            FollowupFilter {
                owner: Some("coach".into()),
                ..Default::default()
            },
            FollowupFilter {
                owners: Some(vec!["asha".into(), "coach".into()]),
                ..Default::default()
            },
            FollowupFilter {
                unassigned: true,
                subject: Some("review:1".into()),
                ..Default::default()
            },
            FollowupFilter {
                own_items_of: Some("asha".into()),
                partner: Some("ZIPX".into()),
                ..Default::default()
            },
            FollowupFilter {
                overdue_at: Some(t0() + Duration::hours(80)),
                station: Some("DEL4".into()),
                ..Default::default()
            },
            FollowupFilter {
                state: Some(State::Open),
                offset: 1,
                limit: 2,
                ..Default::default()
            },
        ];
        let check = |label: &str| format!("{label} ({b})");
        let compare = async |label: &str| {
            for scope in &scopes {
                for f in &filters {
                    for open_only in [true, false] {
                        let f = FollowupFilter {
                            open_only,
                            limit: if f.limit == 0 { 100 } else { f.limit },
                            ..f.clone()
                        };
                        let kept = s.followups(scope, &f).await.unwrap();
                        let db = s.followups_in_database(scope, &f).await.unwrap();
                        assert_eq!(kept, db, "{}", check(&format!("{label} {scope:?} {f:?}")));
                    }
                }
            }
        };
        compare("all open").await;
        // Some closed, some waiting: lists with the closed ones in the same order too.
        for (id, state) in [(ids[1], "resolved"), (ids[3], "waiting_on_partner")] {
            let mut e = Edit::new("web:asha", t0() + Duration::hours(3), "state", "x".into());
            e.set.push(("state", Value::Text(Some(state.into()))));
            s.edit_followup(id, &e).await.unwrap();
        }
        compare("mixed").await;
        let open = FollowupFilter {
            open_only: true,
            limit: 100,
            ..Default::default()
        };
        let (before, n) = s.followups(&Scope::All, &open).await.unwrap();
        assert_eq!(n, 4, "{b}");
        assert_eq!(before.len(), 4);
        // Another handle (another process) resolves one with a plain statement.
        let other = dspdesk_store::Store::connect(&t.url).await.unwrap();
        let mut e = Edit::new("web:asha", t0() + Duration::hours(2), "state", "x".into());
        e.set.push(("state", Value::Text(Some("resolved".into()))));
        other.edit_followup(ids[0], &e).await.unwrap();
        let (after, n) = s.followups(&Scope::All, &open).await.unwrap();
        assert_eq!(n, 3, "{b}");
        assert!(after.iter().all(|r| r.id != ids[0]));
        compare("two closed").await;
        other.close().await;
        t.finish().await;
    }
}
