use crate::support::d;
use dspdesk_core::config::ConfigKind;
use dspdesk_store::ScoreSnapshot;
use dspdesk_store::testing::TestStore;

#[tokio::test]
async fn a_new_config_version_pins_scored_weeks_and_a_rescore_keeps_history() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        // A new configuration version pins the weeks already scored.
        let v1 = s
            .add_config_version("admin", ConfigKind::Score, d(2), "a = 1", "first", &[])
            .await
            .unwrap();
        let v2 = s
            .add_config_version(
                "admin",
                ConfigKind::Score,
                d(16),
                "a = 2",
                "second",
                &[("2026-W47".into(), v1)],
            )
            .await
            .unwrap();
        assert_eq!((v1, v2), (1, 2), "{b}");
        assert_eq!(s.config_versions(ConfigKind::Score).await.unwrap().len(), 2);
        assert_eq!(s.score_pins().await.unwrap()["2026-W47"], 1, "{b}");

        // A re-score keeps the earlier run and its scores.
        let snap = |score| ScoreSnapshot {
            partner: "SWFT".into(),
            station: String::new(),
            score: Some(score),
            tier: Some("great".into()),
            rank: Some(1),
            components: "{}".into(),
        };
        let first = s
            .record_score_run("admin", "2026-W47", 1, "scored", &[snap(71.0)])
            .await
            .unwrap();
        assert_eq!(first.previous_version, Some(1));
        let second = s
            .record_score_run("admin", "2026-W47", 2, "new weights", &[snap(64.5)])
            .await
            .unwrap();
        assert_eq!(second.previous_version, Some(1), "{b}");
        assert_eq!(s.score_pins().await.unwrap()["2026-W47"], 2, "{b}");
        let runs = s.score_runs("2026-W47").await.unwrap();
        assert_eq!(runs.len(), 2, "{b}");
        assert_eq!(
            s.score_snapshots(runs[0].id).await.unwrap()[0].score,
            Some(71.0),
            "history is kept"
        );
        let audit = s.audit_entries(10).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "score.rescore"), "{b}");
        t.finish().await;
    }
}
