//! Supervisors and VAS over HTTP, on SQLite and PostgreSQL: a partner sees and names
//! only its own supervisors; the program team offers VAS kinds and enrols partners on
//! the page, a partner may not, and a partner's API answer holds only its own line.

use crate::support::*;
use serde_json::Value;

/// Posts a form; a redirect (the page's answer) is followed, so the result shows.
async fn post_form(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    let r = c.post(&url).form(form).send().await.unwrap();
    if r.status() != StatusCode::SEE_OTHER {
        return r;
    }
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let base = url.split('/').take(3).collect::<Vec<_>>().join("/");
    let next = c.get(format!("{base}{to}")).send().await.unwrap();
    assert_eq!(next.status(), StatusCode::OK, "{url} -> {to}");
    next
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_sees_and_names_only_its_own_supervisors() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        seed_supervisors(&app, &t.url).await;
        let (b, base) = (t.backend(), &app.base);
        let partner = logged_in(&app, "partner").await;
        let v: Value = partner
            .get(format!("{base}/api/v1/supervisors"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lines = v["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 1, "{b}: {v}");
        assert_eq!(lines[0]["supervisor"], "SUP-SWFT", "{b}");
        // Seven days of R0, two packages a day, all on time but none late.
        assert_eq!(lines[0]["routes"], 7, "{b}: {v}");
        assert_eq!(lines[0]["packages"], 14, "{b}: {v}");
        assert_eq!(lines[0]["tenure_days"], 7, "{b}: {v}");
        // The program team sees both partners' supervisors.
        let program = logged_in(&app, "program").await;
        let all: Value = program
            .get(format!("{base}/api/v1/supervisors"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(all["lines"].as_array().unwrap().len(), 2, "{b}");
        // The partner names its own: the page shows it, and the audit log has it.
        let url = format!("{base}/supervisors/SWFT/SUP-SWFT");
        let page = text(&partner, &url).await;
        assert!(
            page.contains("R0") && page.contains("name=\"phone\""),
            "{b}"
        );
        let csrf = hidden(&page, "csrf");
        let r = post_form(
            &partner,
            url.clone(),
            &[
                ("csrf", &csrf),
                ("name", "Asha Rao"),
                ("phone", "+91 98450 12345"),
            ],
        )
        .await;
        assert!(r.status().is_success(), "{b}: {}", r.status());
        let page = text(&partner, &url).await;
        assert!(
            page.contains("Asha Rao") && page.contains("+91 98450 12345"),
            "{b}"
        );
        // The reckoner, read before the naming and kept for the data version, shows
        // the name at once: names are not the data's.
        let v = json(&partner, format!("{base}/api/v1/supervisors")).await;
        assert_eq!(v["lines"][0]["name"], "Asha Rao", "{b}: {v}");
        let bad = post_form(
            &partner,
            url.clone(),
            &[("csrf", &csrf), ("phone", "call me")],
        )
        .await;
        assert!(bad.text().await.unwrap().contains("Not saved"), "{b}");
        // Another partner's supervisor: not found, to see or to name.
        let other = format!("{base}/supervisors/ZIPX/SUP-ZIPX");
        let seen = partner.get(&other).send().await.unwrap();
        assert_eq!(seen.status(), StatusCode::NOT_FOUND, "{b}");
        let named = post_form(&partner, other, &[("csrf", &csrf), ("name", "X")]).await;
        assert_eq!(named.status(), StatusCode::NOT_FOUND, "{b}");
        // A station manager may look but not name.
        let station = logged_in(&app, "station").await;
        let page = text(&station, &format!("{base}/supervisors/ZIPX/SUP-ZIPX")).await;
        assert!(page.contains("R1") && !page.contains("PNQ5"), "{b}");
        let csrf = hidden(&page, "csrf");
        let refused = post_form(
            &station,
            format!("{base}/supervisors/ZIPX/SUP-ZIPX"),
            &[("csrf", &csrf), ("name", "X")],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_program_team_edits_vas_and_a_partner_sees_only_its_own_adoption() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let (b, base) = (t.backend(), &app.base);
        let program = logged_in(&app, "program").await;
        let page = text(&program, &format!("{base}/vas")).await;
        let csrf = hidden(&page, "csrf");
        let url = format!("{base}/vas");
        let r = post_form(
            &program,
            url.clone(),
            &[
                ("csrf", &csrf),
                ("action", "offer"),
                ("station", "DEL4"),
                ("vas", "open_box"),
            ],
        )
        .await;
        assert!(r.text().await.unwrap().contains("Done"), "{b}");
        let r = post_form(
            &program,
            url.clone(),
            &[
                ("csrf", &csrf),
                ("action", "enrol"),
                ("partner", "ZIPX"),
                ("vas", "open_box"),
            ],
        )
        .await;
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("not offered at any station of ZIPX"),
            "{b}"
        );
        let r = post_form(
            &program,
            url.clone(),
            &[
                ("csrf", &csrf),
                ("action", "enrol"),
                ("partner", "SWFT"),
                ("vas", "open_box"),
            ],
        )
        .await;
        assert!(r.text().await.unwrap().contains("Done"), "{b}");
        let partner = logged_in(&app, "partner").await;
        let v: Value = partner
            .get(format!("{base}/api/v1/vas"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lines = v["adoption"]["partners"].as_array().unwrap();
        assert_eq!(lines.len(), 1, "{b}: {v}");
        assert_eq!(lines[0]["partner"], "SWFT");
        assert_eq!(
            lines[0]["enrolment"]["pct"].as_f64(),
            Some(100.0),
            "{b}: {v}"
        );
        assert_eq!(lines[0]["rank"], 1, "{b}: {v}");
        assert!(!v.to_string().contains("ZIPX"), "{b}: {v}");
        let page = text(&partner, &format!("{base}/vas")).await;
        let csrf = hidden(&page, "csrf");
        let refused = post_form(
            &partner,
            url,
            &[
                ("csrf", &csrf),
                ("action", "offer"),
                ("station", "DEL4"),
                ("vas", "install"),
            ],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_station_manager_sees_a_partners_vas_at_its_stations_only_unranked() {
    for t in TestStore::all().await {
        // ZIPX's packages at PNQ5 carry a VAS; at BOM1 none do.
        let rows: String = rows_at_two_stations(2)
            .lines()
            .map(|l| {
                if l.contains(",PNQ5,") {
                    format!("{}open_box\n", l.trim_end_matches('\n'))
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let app = spawn_with(&t, &rows).await;
        let (b, base) = (t.backend(), &app.base);
        let zipx = |v: &Value| {
            v["adoption"]["partners"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["partner"] == "ZIPX")
                .cloned()
                .unwrap()
        };
        let get = |c: reqwest::Client| async move {
            c.get(format!("{base}/api/v1/vas?from=2026-11-16&to=2026-11-22"))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        };
        let all = get(logged_in(&app, "program").await).await;
        assert_eq!(zipx(&all)["dispatched"], 14, "{b}: {all}");
        assert!(zipx(&all)["rank"].is_u64(), "{b}");
        let station = get(logged_in(&app, "station").await).await;
        assert_eq!(zipx(&station)["dispatched"], 0, "{b}: {station}");
        assert!(zipx(&station)["rank"].is_null(), "{b}: {station}");
        assert!(!station.to_string().contains("PNQ5"), "{b}");
        t.finish().await;
    }
}
