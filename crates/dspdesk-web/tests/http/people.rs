//! Logging in, sessions, CSRF, throttling and headers; API tokens; the users screen.

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn login_sessions_csrf_throttling_and_headers() {
    for t in TestStore::all().await {
        let app = spawn(&t, 4).await;
        // Pages send strangers to the login page; the API answers 401 in its format.
        let anon = client();
        let r = anon
            .get(format!("{}/partners", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login");
        let r = anon
            .get(format!("{}/api/v1/partners", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["status"], 401);

        // A login form posted without its token is refused.
        let r = anon
            .post(format!("{}/login", app.base))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let (_, r) = login(&app, "admin", "wrong password!").await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the form again, with its message"
        );
        assert!(
            r.headers()
                .get("set-cookie")
                .is_none_or(|c| !c.to_str().unwrap().contains("dspdesk_session="))
        );
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Wrong username or password")
        );

        let (c, r) = login(&app, "admin", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let page = c
            .get(format!("{}/overview", app.base))
            .send()
            .await
            .unwrap();
        let h = page.headers().clone();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("2026-W47") && html.contains(">56<"),
            "the week's 56 packages:\n{html}"
        );

        // Logging out needs the session's CSRF token, and ends the session.
        let r = c
            .post(format!("{}/logout", app.base))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let csrf = hidden(&html, "csrf");
        let r = c
            .post(format!("{}/logout", app.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = c
            .get(format!("{}/api/v1/overview", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        // Five failures lock the username out for a while, even with the right password.
        for _ in 0..5 {
            login(&app, "program", "not the password").await;
        }
        let (_, r) = login(&app, "program", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{}", t.backend());

        let r = anon
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.text().await.unwrap(), "ok\n");
        let m = anon
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            m.contains(
                "dspdesk_http_requests_total{method=\"GET\",route=\"/partners\",status=\"303\"}"
            ),
            "{m}"
        );
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bearer_tokens_act_as_their_user_until_revoked() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let dir = tempfile::tempdir().unwrap();
    let ws = dspdesk_app::Workspace::open(dir.path(), Some(&t.url))
        .await
        .unwrap();
    let (id, token) = dspdesk_app::people::create_token(
        &ws,
        &dspdesk_app::Actor::operator("test"),
        "partner",
        "script",
    )
    .await
    .unwrap();
    let c = reqwest::Client::new();
    let get = |auth: String| {
        c.get(format!("{}/api/v1/partners", app.base))
            .header("authorization", auth)
            .send()
    };
    let r = get(format!("Bearer {token}")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    let codes: Vec<&str> = v["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partner"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SWFT"], "a token has its user's scope");
    assert_eq!(
        get("Bearer dspd_nope".into()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    ws.store.revoke_token("test", id).await.unwrap();
    assert_eq!(
        get(format!("Bearer {token}")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let doc: serde_json::Value = c
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/partners/{code}"].is_object());
    drop(app);
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_adds_and_disables_users_from_the_browser() {
    for t in TestStore::all().await {
        let app = spawn(&t, 4).await;
        let admin = logged_in(&app, "admin").await;
        let page = admin
            .get(format!("{}/admin/users", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "csrf");
        let add = |form: Vec<(&'static str, String)>| {
            admin
                .post(format!("{}/admin/users", app.base))
                .form(&form)
                .send()
        };
        let html = add(vec![
            ("csrf", csrf.clone()),
            ("username", "zed".into()),
            ("name", "Zed".into()),
            ("role", "partner".into()),
            ("partners", "ZIPX".into()),
            ("stations", "".into()),
        ])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
        let password = html
            .split("shown once: ")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .trim()
            .to_string();
        let (zed, r) = login(&app, "zed", &password).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "the new user logs in with the shown password"
        );
        let list: serde_json::Value = zed
            .get(format!("{}/api/v1/partners", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["partners"][0]["partner"], "ZIPX");
        let html = add(vec![
            ("csrf", csrf.clone()),
            ("username", "two".into()),
            ("name", "".into()),
            ("role", "partner".into()),
            ("partners", "SWFT, ZIPX".into()),
            ("stations", "".into()),
        ])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
        assert!(html.contains("exactly one partner"), "{html}");
        let r = add(vec![
            ("csrf", "forged".into()),
            ("username", "x".into()),
            ("name", "".into()),
            ("role", "admin".into()),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let html = admin
            .post(format!("{}/admin/users/zed/disable", app.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Disabled zed"), "{html}");
        let r = zed
            .get(format!("{}/api/v1/partners", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "a disabled user's session ends at once"
        );

        let coach = logged_in(&app, "coach").await;
        let page = coach
            .get(format!("{}/", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = coach
            .post(format!("{}/admin/users/partner/disable", app.base))
            .form(&[("csrf", hidden(&page, "csrf").as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{}", t.backend());
        drop(app);
        t.finish().await;
    }
}
