//! The configuration screen.

use crate::support::*;

/// Score weights and rate cards from the configuration screen: checked with the key
/// named, loaded as versions, admins only.
#[tokio::test(flavor = "multi_thread")]
async fn an_admin_checks_and_loads_configuration_versions() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let admin = logged_in(&app, "admin").await;
    let page = admin
        .get(format!("{}/admin/config", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("the default rules apply"));
    let csrf = hidden(&page, "csrf");
    let post = |action: &str, text: &str| {
        admin
            .post(format!("{}/admin/config", app.base))
            .form(&[
                ("csrf", csrf.clone()),
                ("kind", "score".into()),
                ("action", action.into()),
                ("text", text.into()),
                ("note", "test".into()),
            ])
            .send()
    };
    let r = post("check", "[tiers]\nfantastik = 90\n").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("fantastik"));
    let good = "effective_from = \"2026-11-23\"\n[components.dot_pct]\nweight = 50\nfloor = 85\ntarget = 98\n";
    let r = post("check", good).await.unwrap();
    assert!(r.text().await.unwrap().contains("Nothing was saved"));
    let r = post("load", good).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Loaded as score version 1")
    );
    // The week with data kept version 0; the audit log says who loaded what.
    let scores: serde_json::Value = admin
        .get(format!("{}/api/v1/scores?week=2026-W47", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(scores["config_version"], 0);
    let audit = t.store.audit_entries(5).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "config.load" && a.actor == "web:admin")
    );
    let coach = logged_in(&app, "coach").await;
    let r = coach
        .post(format!("{}/admin/config", app.base))
        .form(&[
            ("csrf", "x"),
            ("kind", "score"),
            ("action", "load"),
            ("text", good),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    drop(app);
    t.finish().await;
}

/// The score's settings as a form: each field named by its setting, applied to the
/// newest version, checked or loaded as that version's TOML; a bad value names the
/// setting; only admins may send it.
#[tokio::test(flavor = "multi_thread")]
async fn an_admin_edits_the_score_as_a_form() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let admin = logged_in(&app, "admin").await;
    let page = text(&admin, format!("{}/admin/config", app.base)).await;
    assert!(
        page.contains("name=\"components.dot_pct.weight\" value=\"30\""),
        "the form shows the rules in force"
    );
    assert!(page.contains("name=\"tiers.fantastic\" value=\"85\""));
    let csrf = hidden(&page, "csrf");
    let post = |action: &str, weight: &str| {
        admin
            .post(format!("{}/admin/config/score", app.base))
            .form(&[
                ("csrf", csrf.clone()),
                ("action", action.into()),
                ("components.dot_pct.weight", weight.into()),
                ("tiers.fantastic", "86".into()),
                ("effective_from", "2026-11-30".into()),
                ("note", "DOT matters more".into()),
            ])
            .send()
    };
    let r = post("check", "forty").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("components.dot_pct.weight: &#34;forty&#34; is not a number"),
        "{body}"
    );
    let r = post("check", "40").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("Nothing was saved"), "{body}");
    assert!(
        body.contains("name=\"components.dot_pct.weight\" value=\"40\""),
        "the checked draft stays in the form"
    );
    assert!(
        t.store
            .config_versions(dspdesk_core::config::ConfigKind::Score)
            .await
            .unwrap()
            .is_empty()
    );
    let r = post("load", "40").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Loaded as score version 1")
    );
    let stored = t
        .store
        .config_versions(dspdesk_core::config::ConfigKind::Score)
        .await
        .unwrap();
    let cfg = dspdesk_core::health::ScoreConfig::from_toml(&stored[0].body).unwrap();
    assert_eq!(cfg.components["dot_pct"].weight, 40.0);
    assert_eq!(cfg.tiers.fantastic, 86.0);
    assert_eq!(
        cfg.components["dcr_pct"].weight, 20.0,
        "untouched settings stay"
    );
    assert_eq!(stored[0].note, "DOT matters more");
    let coach = logged_in(&app, "coach").await;
    let cpage = text(&coach, format!("{}/", app.base)).await;
    let r = coach
        .post(format!("{}/admin/config/score", app.base))
        .form(&[
            ("csrf", hidden(&cpage, "csrf")),
            ("action", "load".into()),
            ("components.dot_pct.weight", "90".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        t.store
            .config_versions(dspdesk_core::config::ConfigKind::Score)
            .await
            .unwrap()
            .len(),
        1
    );
    drop(app);
    t.finish().await;
}
