//! The role walk: every route of every capability, as every role.

use crate::support::*;

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
            for route in dspdesk_web::routes() {
                let path = route.path;
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
