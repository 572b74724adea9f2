//! The real application on a random port, a fresh database per test (SQLite, and
//! PostgreSQL where a server answers), a real HTTP client.

mod common;

use common::{App, PASSWORD, spawn};
use dspdesk_store::testing::TestStore;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

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
        let app = spawn(&t, 4).await;
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
                // Form posts are tested on their own; the walk reads.
                if matches!(
                    path,
                    "/login" | "/logout" | "/admin/users/{username}/disable"
                ) {
                    continue;
                }
                // Each subject: a partner, its station and one of its routes (NOPE exists nowhere).
                let subjects = [
                    ("SWFT", "DEL4", "R0"),
                    ("ZIPX", "BOM1", "R1"),
                    ("NOPE", "NOPE1", "RX"),
                ];
                let targets: Vec<(String, Option<&str>)> = if path.contains('{') {
                    subjects
                        .iter()
                        .map(|(code, station, route)| {
                            let url = path
                                .replace("{code}", code)
                                .replace("{station}", station)
                                .replace("{route}", route)
                                .replace("{date}", "2026-11-20");
                            (url, Some(*code))
                        })
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
                        None if matches!(url.as_str(), "/admin/users" | "/admin/config")
                            && user != "admin" =>
                        {
                            assert_eq!(status, StatusCode::FORBIDDEN, "{where_}")
                        }
                        None if url == "/upload" && !matches!(user, "admin" | "program") => {
                            assert_eq!(status, StatusCode::FORBIDDEN, "{where_}")
                        }
                        None => assert_eq!(status, StatusCode::OK, "{where_}"),
                    }
                    for hidden_code in &hidden_codes {
                        assert!(
                            !body.contains(hidden_code),
                            "{where_} shows {hidden_code}:\n{body}"
                        );
                    }
                    // A page's downloads show no more than the page.
                    let page = status == StatusCode::OK
                        && ![
                            "/api", "/static", "/favicon", "/upload", "/metrics", "/healthz",
                        ]
                        .iter()
                        .any(|p| url.starts_with(p));
                    if page {
                        let csv = c
                            .get(format!("{}{url}?download=csv", app.base))
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(csv.status(), StatusCode::OK, "{where_} download");
                        let text = csv.text().await.unwrap();
                        for hidden_code in &hidden_codes {
                            assert!(
                                !text.contains(hidden_code),
                                "{where_} download shows {hidden_code}:\n{text}"
                            );
                        }
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
    let app = spawn(&t, 4).await;
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
    let st: serde_json::Value = c
        .get(format!("{}/api/v1/stations", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: Vec<(String, i64)> = st["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["station"].as_str().unwrap().to_string(),
                l["counts"]["dispatched"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("BOM1".to_string(), 28), ("DEL4".to_string(), 28)]);
    let one: serde_json::Value = c
        .get(format!("{}/api/v1/stations/BOM1", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["station"]["partners"][0]["partner"], "ZIPX");
    assert_eq!(one["station"]["week_counts"]["on_time"], 21);
    // Downloads carry the same numbers, with the contract's column names.
    let csv = c
        .get(format!("{}/partners?week=2026-W47&download=csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("partners-2026-W47.csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("partner,dispatched,delivered,on_time,dot_pct,dcr_pct,"),
        "{text}"
    );
    assert!(text.contains("\nZIPX,28,28,21,75,100,"), "{text}");
    let xlsx = c
        .get(format!(
            "{}/partners/ZIPX?table=weeks&download=xlsx",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert_eq!(
        &xlsx.bytes().await.unwrap()[..4],
        b"PK\x03\x04",
        "an .xlsx is a zip"
    );
    let packages = c
        .get(format!(
            "{}/stations/BOM1/days/2026-11-20/routes/R1?download=csv",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        packages.lines().count(),
        5,
        "a header and four packages: {packages}"
    );
    let r = c
        .get(format!("{}/partners?download=pdf", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p2: serde_json::Value = c
        .get(format!("{}/api/v1/partners?per_page=1&page=2", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p2["partners"][0]["partner"], "ZIPX");
    assert_eq!(p2["pagination"]["total"], 2);
    assert_eq!(p2["pagination"]["pages"], 2);
    let past: serde_json::Value = c
        .get(format!("{}/api/v1/stations?per_page=5&page=9", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        past["stations"].as_array().unwrap().len(),
        0,
        "past the end: an empty page"
    );
    let r = c
        .get(format!("{}/api/v1/partners?per_page=0", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
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

#[tokio::test(flavor = "multi_thread")]
async fn the_program_team_uploads_files_and_sees_every_error() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let upload = |c: reqwest::Client, csrf: String, name: &'static str, text: &'static str| {
        let url = format!("{}/upload", app.base);
        async move {
            let form = reqwest::multipart::Form::new()
                .text("kind", "deliveries")
                .text("csrf", csrf)
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name),
                );
            c.post(url).multipart(form).send().await.unwrap()
        }
    };
    let header = "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n";
    let bad: &'static str = Box::leak(
        format!("{header}X1,R9,2026-11-23,DEL4,SWFT,2026-11-23T21:00:00+05:30,shipped,,0,0,\n")
            .into_boxed_str(),
    );
    let good: &'static str = Box::leak(
        format!("{header}X1,R9,2026-11-23,DEL4,SWFT,2026-11-23T21:00:00+05:30,attempted,,0,0,\n")
            .into_boxed_str(),
    );

    let admin = logged_in(&app, "admin").await;
    let page = admin
        .get(format!("{}/upload", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "csrf");
    let r = upload(admin.clone(), "forged".into(), "bad.csv", bad).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = upload(admin.clone(), csrf.clone(), "bad.csv", bad)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("bad.csv: 1 row has errors; nothing was loaded."),
        "{html}"
    );
    assert!(
        html.contains("row 2, column status: &#34;shipped&#34; is not a status"),
        "{html}"
    );
    assert!(
        html.contains("tick “Load the good rows”") && !html.contains("--skip-bad-rows"),
        "web wording: {html}"
    );
    let html = upload(admin.clone(), csrf, "good.csv", good)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("good.csv: loaded 1 deliveries rows") && html.contains("Flags: "),
        "the upload loads and refreshes the flags: {html}"
    );
    let day: serde_json::Value = admin
        .get(format!("{}/api/v1/partners/SWFT/days/2026-11-23", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        day["routes"][0]["route_id"], "R9",
        "the uploaded day is there"
    );

    let partner = logged_in(&app, "partner").await;
    let page = partner
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "csrf");
    assert!(!page.contains("/upload"), "no upload link for a partner");
    let r = upload(partner, csrf, "good.csv", good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    drop(app);
    t.finish().await;
}

#[test]
fn the_openapi_document_lists_exactly_the_api_routes_of_the_router() {
    let doc = dspdesk_web::openapi_document();
    let mut documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let mut routed: Vec<String> = dspdesk_web::routes()
        .into_iter()
        .map(|(p, _)| p.to_string())
        .filter(|p| p.starts_with("/api/v1"))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    for path in &routed {
        assert!(
            dspdesk_web::describe_api_route(path).is_some(),
            "{path} has no description in openapi.rs"
        );
        let params: Vec<&str> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for p in &params {
            assert!(path.contains(&format!("{{{p}}}")), "{path}: {p}");
        }
        assert_eq!(
            params.len(),
            path.matches('{').count(),
            "{path}: every path parameter is declared"
        );
    }
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test(flavor = "multi_thread")]
async fn bearer_tokens_act_as_their_user_until_revoked() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let dir = tempfile::tempdir().unwrap();
    let ws = dspdesk_app::Workspace::open(dir.path(), Some(&t.url))
        .await
        .unwrap();
    let (id, token) = dspdesk_app::people::create_token(&ws, "test", "partner", "script")
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

/// The ranking as a partner: every rank, score and tier, but only its own name and
/// numbers; the API, the page's download and the scorecard agree.
#[tokio::test(flavor = "multi_thread")]
async fn partners_see_their_rank_among_anonymous_peers() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 20).await;
    let admin = logged_in(&app, "admin").await;
    let all: serde_json::Value = admin
        .get(format!("{}/api/v1/scores?week=2026-W47", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all = all["scores"].as_array().unwrap().clone();
    assert_eq!(all.len(), 2);
    // ZIPX's first package each day is late: SWFT ranks first.
    assert_eq!(all[0]["partner"], "SWFT");
    assert_eq!(all[0]["rank"], 1);
    assert!(all[0]["score"].as_f64() > all[1]["score"].as_f64());

    let partner = logged_in(&app, "partner").await;
    let mine: serde_json::Value = partner
        .get(format!("{}/api/v1/scores?week=2026-W47", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine = mine["scores"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 2, "every rank is shown");
    assert_eq!(mine[0], all[0], "its own row is whole");
    assert_eq!(mine[1]["partner"], "(another partner)");
    assert_eq!(mine[1]["score"], all[1]["score"]);
    assert_eq!(mine[1]["dot_pct"], "", "a peer's numbers are withheld");
    let csv = partner
        .get(format!("{}/scores?week=2026-W47&download=csv", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("ZIPX") && csv.contains("SWFT"), "{csv}");
    let page = partner
        .get(format!("{}/scores?week=2026-W47", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your rank (SWFT)"), "{page}");
    // The scorecard's score is the ranking's score.
    let card: serde_json::Value = partner
        .get(format!(
            "{}/api/v1/partners/SWFT/scorecard?week=2026-W47",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(card["score"]["score"], all[0]["score"]);
    assert_eq!(
        card["explanation"]["score_now"].as_f64(),
        all[0]["score"].as_f64()
    );
    let other = partner
        .get(format!("{}/api/v1/partners/ZIPX/scorecard", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    drop(app);
    t.finish().await;
}

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
    assert!(page.contains("the defaults of metrics.md apply"));
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

/// A route's payout and cost on the partner's day: from the rate book in force on the
/// route's date, or the route row's own amounts; the flag of a loss-making block follows.
#[tokio::test(flavor = "multi_thread")]
async fn routes_are_priced_by_the_rate_book_on_the_partner_day() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    let ws = dspdesk_app::Workspace::open(&app.data, Some(&t.url))
        .await
        .unwrap();
    let routes = app.data.join("routes.csv");
    let mut csv = String::from(
        "route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost\n",
    );
    for day in 16..=22 {
        let given = if day == 21 { "2000.00,1500.50" } else { "," };
        csv.push_str(&format!(
            "R0,2026-11-{day},DEL4,SWFT,8,2W,40.5,S1,D1,{given}\n"
        ));
        csv.push_str(&format!("R1,2026-11-{day},BOM1,ZIPX,10,4W,85,S2,D2,,\n"));
    }
    std::fs::write(&routes, csv).unwrap();
    dspdesk_app::ingest::ingest(
        &ws,
        dspdesk_app::Kind::Routes,
        &routes,
        &dspdesk_app::ingest::IngestOptions::default(),
        std::sync::Arc::new(dspdesk_app::Progress::default()),
    )
    .await
    .unwrap();
    let book = "[[rate_card]]\nname = \"n\"\nvalid_from = \"2026-01-01\"\nblock_rate.2W = { 8 = \"1000\" }\nblock_rate.4W = { 10 = \"2000\" }\nper_delivered.2W = \"5\"\n\n[[cost_model]]\nname = \"c\"\nvalid_from = \"2026-01-01\"\ndriver_per_hour = { 2W = \"90\", 4W = \"140\" }\nvehicle_per_day = { 2W = \"120\", 4W = \"900\" }\nenergy_per_km = { 2W = \"2.5\", 4W = \"9\" }\n";
    dspdesk_app::scoring::load(
        &ws,
        dspdesk_app::scoring::ConfigKind::Rates,
        book,
        "",
        "test",
    )
    .await
    .unwrap();
    dspdesk_app::scoring::refresh_flags(&ws).await.unwrap();
    let admin = logged_in(&app, "admin").await;
    let day = |d: &'static str| {
        let admin = admin.clone();
        let base = app.base.clone();
        async move {
            let v: serde_json::Value = admin
                .get(format!("{base}/api/v1/partners/SWFT/days/{d}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["routes"][0].clone()
        }
    };
    // 4 packages delivered: 1000 + 5 x 4; 90 x 8 + 120 + 2.5 x 40.5 = 941.25.
    let r = day("2026-11-20").await;
    assert_eq!(r["payout"], "1020.00");
    assert_eq!(r["cost"], "941.25");
    assert_eq!(r["profit"], "78.75");
    let r = day("2026-11-21").await;
    assert_eq!(
        (r["payout"].as_str(), r["cost"].as_str()),
        (Some("2000.00"), Some("1500.50")),
        "the row's own amounts"
    );
    // ZIPX's 10-hour 4W route: 2000 against 1400 + 900 + 765: a loss-making block.
    let flags: serde_json::Value = admin
        .get(format!("{}/api/v1/flags", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let loss: Vec<&serde_json::Value> = flags["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "loss_making_block")
        .collect();
    assert_eq!(loss.len(), 1, "{flags}");
    assert_eq!(
        (loss[0]["station"].as_str(), loss[0]["subject"].as_str()),
        (Some("BOM1"), Some("10h 4W"))
    );
    // The week's profit by block agrees with the routes: 6 priced days + 1 given.
    let p: serde_json::Value = admin
        .get(format!(
            "{}/api/v1/profit?week=2026-W47&by=partner",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let swft = p["profit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["partner"] == "SWFT")
        .unwrap();
    assert_eq!(swft["payout"], "8120.00", "6 x 1020 + 2000");
    assert_eq!(swft["cost"], "7148.00", "6 x 941.25 + 1500.50");
    drop(app);
    t.finish().await;
}
