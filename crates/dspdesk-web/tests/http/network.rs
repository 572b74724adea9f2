//! The network's numbers over the API and the pages.

use crate::support::*;

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
    // A malformed code names nothing: not found, as a code outside the scope.
    for url in [
        "/api/v1/partners/A%20B",
        "/partners/A%20B",
        "/stations/%3Cx%3E",
    ] {
        let r = c.get(format!("{}{url}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
    }
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

/// A partner's numbers over a date range: the page and the API agree, the range's
/// downloads keep it, a half or backwards range is refused naming the field, and a
/// partner user reads no other partner's range.
#[tokio::test(flavor = "multi_thread")]
async fn a_partner_is_read_over_a_date_range() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 5).await;
    let program = logged_in(&app, "program").await;
    let api = json(
        &program,
        format!(
            "{}/api/v1/partners/SWFT?from=2026-11-17&to=2026-11-19",
            app.base
        ),
    )
    .await;
    let v = &api["partner"];
    assert_eq!(v["daily"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["week_counts"]["dispatched"], 15, "{v}");
    let page = text(
        &program,
        format!("{}/partners/SWFT?from=2026-11-17&to=2026-11-19", app.base),
    )
    .await;
    assert!(page.contains("17 Nov to 19 Nov 2026"), "{page}");
    assert!(
        page.contains("value=\"2026-11-17\""),
        "the range stays in its form"
    );
    assert!(page.contains("Every day, 17 Nov to 19 Nov 2026"));
    let csv = text(
        &program,
        format!(
            "{}/partners/SWFT?from=2026-11-17&to=2026-11-19&table=days&download=csv",
            app.base
        ),
    )
    .await;
    assert_eq!(csv.lines().count(), 4, "a header and three days: {csv}");
    for (q, field) in [
        ("from=2026-11-19&to=2026-11-17", "to"),
        ("from=2026-11-17", "from and to"),
        ("from=17/11/2026&to=2026-11-19", "17/11/2026"),
    ] {
        let r = program
            .get(format!("{}/partners/SWFT?{q}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
        assert!(r.text().await.unwrap().contains(field), "{q}");
    }
    let partner = logged_in(&app, "partner").await;
    let r = partner
        .get(format!(
            "{}/api/v1/partners/ZIPX?from=2026-11-16&to=2026-11-22",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    drop(app);
    t.finish().await;
}

/// A station's name shows beside its code on the stations list, its page and the
/// tables that list it; codes stay in links; a name is checked.
#[tokio::test(flavor = "multi_thread")]
async fn stations_show_their_names_beside_their_codes() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 5).await;
    let ws = workspace(&app, &t).await;
    dspdesk_app::network::set_station_name(&ws, "BOM1", "  Mumbai Andheri ")
        .await
        .unwrap();
    assert!(
        dspdesk_app::network::set_station_name(&ws, "XXX9", "Nowhere")
            .await
            .is_err(),
        "an unknown station is not created by naming it"
    );
    assert!(
        dspdesk_app::network::set_station_name(&ws, "BOM1", "two\nlines")
            .await
            .is_err()
    );
    let program = logged_in(&app, "program").await;
    let list = text(&program, format!("{}/stations?week=2026-W47", app.base)).await;
    assert!(list.contains("Mumbai Andheri</small>"), "{list}");
    let page = text(
        &program,
        format!("{}/stations/BOM1?week=2026-W47", app.base),
    )
    .await;
    assert!(
        page.contains("<span class=\"name\">Mumbai Andheri</span>"),
        "{page}"
    );
    let cod = text(&program, format!("{}/cod?week=2026-W47", app.base)).await;
    assert!(
        cod.contains("<span class=\"sub\">Mumbai Andheri</span>"),
        "{cod}"
    );
    drop(app);
    t.finish().await;
}
