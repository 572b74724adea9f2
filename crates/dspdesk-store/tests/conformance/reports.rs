use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_store::testing::TestStore;
use dspdesk_store::{AuditFilter, NewSubscription, RunEnd};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn a_run_is_claimed_once_retried_after_a_failure_and_taken_over_when_its_claim_lapses() {
    for t_ in TestStore::all().await {
        let s = &t_.store;
        let at = t("2026-11-30T02:00:00Z");
        let id = s
            .add_subscription(
                &NewSubscription {
                    username: "asha".into(),
                    kind: "weekly".into(),
                    at_time: "07:30".into(),
                    weekday: Some(1),
                    station: Some("BOM1".into()),
                    coach: None,
                    partner: None,
                },
                "cli:operator",
                at,
            )
            .await
            .unwrap();
        let subs = s.subscriptions().await.unwrap();
        assert_eq!(subs.len(), 1, "{}", t_.backend());
        assert_eq!(
            (subs[0].weekday, subs[0].station.as_deref()),
            (Some(1), Some("BOM1"))
        );
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let until = at + Duration::minutes(15);
        let first = s
            .claim_report_run(id, day, at, false, "a", at, until)
            .await
            .unwrap();
        assert!(first.is_some(), "the first claim wins ({})", t_.backend());
        let second = s
            .claim_report_run(id, day, at, false, "b", at, until)
            .await
            .unwrap();
        assert_eq!(
            second,
            None,
            "a second runner gets nothing ({})",
            t_.backend()
        );
        // Failed: tried again only from its next try.
        let next = at + Duration::minutes(10);
        assert!(
            s.finish_report_run(
                first.unwrap(),
                at,
                &RunEnd::Failed {
                    to: "asha@example.com",
                    error: "connection refused",
                    next_try: Some(next),
                },
            )
            .await
            .unwrap()
        );
        let early = s
            .claim_report_run(id, day, at, false, "b", next - Duration::minutes(1), until)
            .await
            .unwrap();
        assert_eq!(early, None);
        let retry = s
            .claim_report_run(id, day, at, true, "b", next, next + Duration::minutes(15))
            .await
            .unwrap();
        assert_eq!(retry, first, "the same run, taken again");
        // Runner b dies: its claim lapses and c takes the run over; b's late answer
        // is not recorded over c's.
        let later = next + Duration::minutes(16);
        let taken = s
            .claim_report_run(id, day, at, true, "c", later, later + Duration::minutes(15))
            .await
            .unwrap();
        assert_eq!(taken, first);
        assert!(
            s.finish_report_run(
                first.unwrap(),
                later,
                &RunEnd::Sent {
                    to: "asha@example.com",
                    subject: "Weekly review pack, 2026-W48",
                },
            )
            .await
            .unwrap()
        );
        assert!(
            !s.finish_report_run(
                first.unwrap(),
                later,
                &RunEnd::Sent {
                    to: "asha@example.com",
                    subject: "again",
                },
            )
            .await
            .unwrap(),
            "a finished run is not finished twice"
        );
        let runs = s.report_runs(Some(id), 10).await.unwrap();
        assert_eq!(runs.len(), 1);
        let r = &runs[0];
        assert_eq!(
            (r.state.as_str(), r.runner.as_str(), r.attempts, r.late),
            ("sent", "c", 3, true),
            "{}",
            t_.backend()
        );
        assert_eq!(
            s.latest_report_runs().await.unwrap()[&id].subject,
            "Weekly review pack, 2026-W48"
        );
        // A sent run is never claimed again.
        let again = s
            .claim_report_run(
                id,
                day,
                at,
                false,
                "d",
                later + Duration::days(1),
                later + Duration::days(2),
            )
            .await
            .unwrap();
        assert_eq!(again, None);
        // Ending it keeps its runs and is audited, as is the subscribing.
        s.remove_subscription(id, "web:lead", later).await.unwrap();
        assert!(s.subscriptions().await.unwrap().is_empty());
        assert!(
            s.remove_subscription(id, "web:lead", later).await.is_err(),
            "ended once"
        );
        assert_eq!(s.report_runs(None, 10).await.unwrap().len(), 1);
        let audit = s
            .audit_search(&AuditFilter {
                entity: Some("report_subscription".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert!(
            actions.contains(&"subscribe") && actions.contains(&"unsubscribe"),
            "{actions:?}"
        );
        t_.finish().await;
    }
}
