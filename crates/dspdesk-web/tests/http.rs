//! The real application on a random port, a fresh database per test (SQLite, and
//! PostgreSQL where a server answers), a real HTTP client.

use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::{Kind, Progress, Workspace};
use dspdesk_core::Role;
use dspdesk_store::testing::TestStore;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::sync::Arc;

struct App {
    base: String,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

const PASSWORD: &str = "correct horse battery";

/// A week of rows (2026-W47) for SWFT at DEL4 and ZIPX at BOM1.
fn rows() -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    for day in 16..=22 {
        for (i, (station, partner)) in [("DEL4", "SWFT"), ("BOM1", "ZIPX")].iter().enumerate() {
            for p in 0..4 {
                let late = if p == 0 && i == 1 { "23:00" } else { "20:00" };
                s.push_str(&format!(
                    "P{day}{i}{p},R{i},2026-11-{day},{station},{partner},2026-11-{day}T21:00:00+05:30,delivered,2026-11-{day}T{late}:00+05:30,10,100,\n"
                ));
            }
        }
    }
    s
}

async fn spawn(t: &TestStore) -> App {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path(), Some(&t.url)).await.unwrap();
    let file = dir.path().join("d.csv");
    std::fs::write(&file, rows()).unwrap();
    let opts = IngestOptions {
        loaded_by: "test".into(),
        ..IngestOptions::default()
    };
    ingest(
        &ws,
        Kind::Deliveries,
        &file,
        &opts,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    let people: [(&str, Role, &[&str], &[&str]); 5] = [
        ("admin", Role::Admin, &[], &[]),
        ("program", Role::Program, &[], &[]),
        ("coach", Role::Coach, &["SWFT"], &[]),
        ("station", Role::Station, &[], &["BOM1"]),
        ("partner", Role::Partner, &["SWFT"], &[]),
    ];
    for (name, role, partners, stations) in people {
        let p: Vec<String> = partners.iter().map(|s| s.to_string()).collect();
        let s: Vec<String> = stations.iter().map(|s| s.to_string()).collect();
        let scopes = dspdesk_app::people::scopes_for(role, &p, &s).unwrap();
        dspdesk_app::people::create_user(&ws, "test", name, name, role, scopes, PASSWORD)
            .await
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(dspdesk_web::serve(
        listener,
        dspdesk_web::AppState::new(ws, false),
        async {
            let _ = stopped.await;
        },
    ));
    App {
        base,
        _dir: dir,
        stop: Some(stop),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

async fn login(app: &App, user: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let c = client();
    let form = c
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&form, "csrf");
    let resp = c
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", user),
            ("password", password),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    (c, resp)
}

async fn logged_in(app: &App, user: &str) -> reqwest::Client {
    let (c, resp) = login(app, user, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{user} logs in");
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn login_sessions_csrf_throttling_and_headers() {
    for t in TestStore::all().await {
        let app = spawn(&t).await;
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
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
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
        let page = c.get(format!("{}/", app.base)).send().await.unwrap();
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

/// Every route, as every role: a partner user sees only its own company, a station
/// manager only its stations, a coach only its portfolio; guessed codes are 404.
#[tokio::test(flavor = "multi_thread")]
async fn every_route_as_every_role_shows_only_what_the_role_may_see() {
    for t in TestStore::all().await {
        let app = spawn(&t).await;
        // (user, partners it may see, partners it may not)
        let cases = [
            ("admin", vec!["SWFT", "ZIPX"], vec![]),
            ("program", vec!["SWFT", "ZIPX"], vec![]),
            ("coach", vec!["SWFT"], vec!["ZIPX"]),
            ("station", vec!["ZIPX"], vec!["SWFT"]),
            ("partner", vec!["SWFT"], vec!["ZIPX"]),
        ];
        for (user, visible, hidden_codes) in cases {
            let c = logged_in(&app, user).await;
            for (path, _) in dspdesk_web::routes() {
                if matches!(path, "/login" | "/logout") {
                    continue;
                }
                let targets: Vec<(String, Option<&str>)> = if path.contains("{code}") {
                    ["SWFT", "ZIPX", "NOPE"]
                        .iter()
                        .map(|code| (path.replace("{code}", code), Some(*code)))
                        .collect()
                } else {
                    vec![(path.to_string(), None)]
                };
                for (url, code) in targets {
                    let r = c.get(format!("{}{url}", app.base)).send().await.unwrap();
                    let status = r.status();
                    let body = r.text().await.unwrap();
                    let where_ = format!("{} as {user} on {url}", t.backend());
                    match code {
                        Some(code) if visible.contains(&code) => {
                            assert_eq!(status, StatusCode::OK, "{where_}")
                        }
                        Some(_) => assert_eq!(status, StatusCode::NOT_FOUND, "{where_}"),
                        None => assert_eq!(status, StatusCode::OK, "{where_}"),
                    }
                    for hidden_code in &hidden_codes {
                        assert!(
                            !body.contains(hidden_code),
                            "{where_} shows {hidden_code}:\n{body}"
                        );
                    }
                }
            }
            let list: serde_json::Value = c
                .get(format!("{}/api/v1/partners", app.base))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let codes: Vec<&str> = list["partners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["partner"].as_str().unwrap())
                .collect();
            assert_eq!(codes, visible, "{user}");
        }
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_matches_the_numbers_and_reports_bad_input_in_one_shape() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t).await;
    let c = logged_in(&app, "admin").await;
    let v: serde_json::Value = c
        .get(format!("{}/api/v1/partners/ZIPX?week=2026-W47", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let week = &v["partner"]["week_counts"];
    assert_eq!(week["dispatched"], 28);
    assert_eq!(week["on_time"], 21, "one late package a day");
    assert_eq!(v["partner"]["by_station"][0][0], "BOM1");
    let r = c
        .get(format!("{}/api/v1/partners?week=W47", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["status"], 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("2026-W47"));
    let html = c
        .get(format!("{}/partners/ZIPX", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("75.00%"),
        "the page shows the API's DOT (21/28)"
    );
    drop(app);
    t.finish().await;
}
