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
