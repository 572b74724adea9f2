//! Route goals from the goals screen.

use crate::support::*;

/// Goals from the goals screen: a coach sets goals for its portfolio only, the
/// program team adopts the suggestions, a partner may not; the form needs its token.
#[tokio::test(flavor = "multi_thread")]
async fn goals_are_set_and_adopted_from_the_goals_screen() {
    for t in TestStore::all().await {
        let app = spawn(&t, 4).await;
        let coach = logged_in(&app, "coach").await;
        let page = coach
            .get(format!("{}/goals?week=2026-W47", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Set goal") && !page.contains("Adopt suggestions"));
        let csrf = hidden(&page, "csrf");
        let set = |c: &reqwest::Client, csrf: &str, partner: &str, station: &str, p50: &str| {
            c.post(format!("{}/goals", app.base))
                .form(&[
                    ("csrf", csrf.to_string()),
                    ("action", "set".into()),
                    ("from", "2026-11-16".into()),
                    ("to", "2026-11-22".into()),
                    ("partner", partner.into()),
                    ("station", station.into()),
                    ("p50", p50.into()),
                    ("p90", "9".into()),
                ])
                .send()
        };
        let r = set(&coach, &csrf, "swft", "del4", "1").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("Set SWFT at DEL4: P50 1, P90 9"), "{html}");
        let r = set(&coach, &csrf, "ZIPX", "BOM1", "1").await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "outside the portfolio");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("ZIPX at BOM1 is not in your scope")
        );
        let r = set(&coach, &csrf, "SWFT", "BOM1", "1").await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "SWFT has no data at BOM1"
        );
        assert!(r.text().await.unwrap().contains("check the station code"));
        let r = set(&coach, &csrf, "SWFT", "DEL4", "many").await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("is not a number of routes")
        );
        let r = set(&coach, "forged", "SWFT", "DEL4", "1").await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let partner = logged_in(&app, "partner").await;
        let r = set(&partner, &csrf, "SWFT", "DEL4", "1").await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let goals: serde_json::Value = coach
            .get(format!("{}/api/v1/goals?week=2026-W47", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let g = &goals["goals"][0];
        assert_eq!(
            (g["partner"].as_str(), g["goal_source"].as_str()),
            (Some("SWFT"), Some("set"))
        );
        assert_eq!(g["goal_p50"].as_f64(), Some(1.0));
        assert_eq!(
            g["goal_p50_met_pct"].as_f64(),
            Some(100.0),
            "one route a day meets P50 1"
        );

        let program = logged_in(&app, "program").await;
        let page = program
            .get(format!("{}/goals", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = program
            .post(format!("{}/goals", app.base))
            .form(&[
                ("csrf", hidden(&page, "csrf")),
                ("action", "adopt".into()),
                ("from", "2026-11-23".into()),
                ("to", "2026-12-20".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Adopted the suggested goals of 2 partner-station pairs")
        );
        drop(app);
        t.finish().await;
    }
}
