//! The daily report on a page, as JSON and as a workbook, within each role's scope.

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_report_shows_each_role_its_own_and_downloads_as_a_workbook() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 10).await;
    let program = logged_in(&app, "program").await;
    let page = text(&program, format!("{}/reports/daily", app.base)).await;
    assert!(page.contains("Daily report, Sunday 22 Nov 2026"), "{page}");
    for id in [
        "headline",
        "defaulting",
        "unusual",
        "cod",
        "cases",
        "documents",
        "launches",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "{id}: {page}"
        );
    }
    assert!(page.contains("ZIPX") && page.contains("SWFT"));
    let daily = json(
        &program,
        format!("{}/api/v1/reports/daily?date=2026-11-22", app.base),
    )
    .await;
    let headline = &daily["sections"][0]["rows"];
    let dispatched = headline
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "dispatched")
        .unwrap();
    assert_eq!(dispatched["day"], 20, "10 packages at each of two pairs");
    assert_eq!(dispatched["week_to_date"], 140);
    // Narrowed to one station: ZIPX's numbers only.
    let at_bom = json(
        &program,
        format!("{}/api/v1/reports/daily?station=BOM1", app.base),
    )
    .await;
    assert_eq!(at_bom["sections"][0]["rows"][0]["day"], 10);
    assert!(!at_bom.to_string().contains("SWFT"), "{at_bom}");

    let r = program
        .get(format!("{}/reports/daily?download=xlsx", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let bad = program
        .get(format!("{}/reports/daily?date=22/11/2026", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // A partner's report is its own, whatever it asks for.
    let partner = logged_in(&app, "partner").await;
    let mine = text(&partner, format!("{}/reports/daily", app.base)).await;
    assert!(mine.contains("SWFT") && !mine.contains("ZIPX"), "{mine}");
    let other = partner
        .get(format!("{}/api/v1/reports/daily?partner=ZIPX", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    // The weekly pack: every section; a partner's holds its rank among anonymous peers.
    let pack = text(&program, format!("{}/reports/weekly", app.base)).await;
    assert!(pack.contains("Weekly review pack, 2026-W47"), "{pack}");
    for id in [
        "ranking",
        "bottom",
        "consistently_bottom",
        "plans",
        "action_items",
        "profit",
        "cod",
        "ev",
        "vas",
        "launches",
    ] {
        assert!(pack.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    let theirs = text(&partner, format!("{}/reports/weekly", app.base)).await;
    assert!(
        theirs.contains("SWFT") && !theirs.contains("ZIPX"),
        "{theirs}"
    );
    assert!(
        theirs.contains("(another partner)"),
        "its rank among anonymous peers"
    );
    assert!(
        !theirs.contains("/partners/(another"),
        "an anonymous row links nowhere"
    );
    let api = json(
        &partner,
        format!("{}/api/v1/reports/weekly?week=2026-W47", app.base),
    )
    .await;
    assert_eq!(api["week"], "2026-W47");
    assert!(!api.to_string().contains("ZIPX"));
    let bad = program
        .get(format!("{}/reports/weekly?week=47", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    drop(app);
    t.finish().await;
}

/// A station manager's report holds the partners at its stations only: a partner
/// defaulting elsewhere is not on its list.
#[tokio::test(flavor = "multi_thread")]
async fn a_station_managers_report_names_only_the_partners_at_its_stations() {
    let t = TestStore::sqlite().await;
    // SWFT (at DEL4 only) is late every day: it defaults, network-wide.
    let rows: String = crate::common::rows(10)
        .lines()
        .map(|l| {
            if l.contains(",DEL4,SWFT,") {
                l.replace("T20:00:00", "T23:00:00")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let app = spawn_with(&t, &format!("{rows}\n")).await;
    let program = logged_in(&app, "program").await;
    let all = json(&program, format!("{}/api/v1/reports/daily", app.base)).await;
    let defaulting = all["sections"][2]["rows"].to_string();
    assert_eq!(all["sections"][2]["id"], "defaulting");
    assert!(defaulting.contains("SWFT"), "SWFT defaults: {defaulting}");
    let station = logged_in(&app, "station").await;
    let theirs = json(&station, format!("{}/api/v1/reports/daily", app.base)).await;
    assert!(!theirs.to_string().contains("SWFT"), "{theirs}");
    assert!(
        theirs.to_string().contains("ZIPX"),
        "its own station's partner"
    );
    let pack = text(&station, format!("{}/reports/weekly", app.base)).await;
    assert!(!pack.contains("SWFT"), "{pack}");
    drop(app);
    t.finish().await;
}

/// Posts the report page's schedule form.
async fn schedule(c: &reqwest::Client, app: &App, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(format!("{}/reports/schedules", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn people_subscribe_to_reports_on_the_page_and_through_the_api_within_their_rights() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 10).await;
    let partner = logged_in(&app, "partner").await;
    let page = text(&partner, format!("{}/reports/weekly", app.base)).await;
    assert!(
        page.contains("Nobody of yours gets this report by e-mail yet."),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    // A partner subscribes itself to its pack, Mondays at 08:00.
    let r = schedule(
        &partner,
        &app,
        &[
            ("csrf", csrf.as_str()),
            ("kind", "weekly"),
            ("weekday", "monday"),
            ("at", "08:00"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("/reports/weekly?"), "{back}");
    let page = text(&partner, format!("{}{back}", app.base)).await;
    assert!(page.contains("Subscribed (subscription"), "{page}");
    assert!(
        page.contains("every Monday at 08:00") && page.contains("not sent yet"),
        "{page}"
    );
    // It may not subscribe anyone else, nor to a partner it may not see.
    let r = schedule(
        &partner,
        &app,
        &[
            ("csrf", csrf.as_str()),
            ("kind", "daily"),
            ("at", "07:00"),
            ("user", "coach"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = schedule(
        &partner,
        &app,
        &[
            ("csrf", csrf.as_str()),
            ("kind", "daily"),
            ("at", "07:00"),
            ("partner", "ZIPX"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A bad time is said plainly, on the page.
    let r = schedule(
        &partner,
        &app,
        &[("csrf", csrf.as_str()), ("kind", "daily"), ("at", "7.30")],
    )
    .await;
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    let page = text(&partner, format!("{}{back}", app.base)).await;
    assert!(
        page.contains("Not subscribed: &#34;7.30&#34; is not a time of day"),
        "{page}"
    );

    // The program team subscribes the coach through the API and sees everyone's.
    let program = logged_in(&app, "program").await;
    let csrf = hidden(
        &text(&program, format!("{}/reports/daily", app.base)).await,
        "csrf",
    );
    let r = program
        .post(format!("{}/api/v1/reports/subscriptions", app.base))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"user": "coach", "kind": "daily", "at": "07:30", "station": "DEL4"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let all = json(
        &program,
        format!("{}/api/v1/reports/subscriptions", app.base),
    )
    .await;
    let users: Vec<&str> = all["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["partner", "coach"]);
    let page = text(&program, format!("{}/reports/daily", app.base)).await;
    assert!(
        page.contains("every day at 07:30") && page.contains("station DEL4"),
        "{page}"
    );
    // The partner sees only its own, and another's is not there to end.
    let mine = json(
        &partner,
        format!("{}/api/v1/reports/subscriptions", app.base),
    )
    .await;
    assert_eq!(mine["subscriptions"].as_array().unwrap().len(), 1);
    let pc = hidden(
        &text(&partner, format!("{}/reports/daily", app.base)).await,
        "csrf",
    );
    let r = partner
        .delete(format!("{}/api/v1/reports/subscriptions/{id}", app.base))
        .header("x-csrf-token", &pc)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = program
        .get(format!("{}/api/v1/reports/subscriptions/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = program
        .delete(format!("{}/api/v1/reports/subscriptions/{id}", app.base))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let all = json(
        &program,
        format!("{}/api/v1/reports/subscriptions", app.base),
    )
    .await;
    assert_eq!(all["subscriptions"].as_array().unwrap().len(), 1);
}
