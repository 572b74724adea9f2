//! Home over HTTP, on SQLite and PostgreSQL: each role's worklist holds what its scope
//! may see, most urgent first, with severity and owner; "only mine" keeps the caller's
//! own; a partner's home is its own score and cases, nothing of another partner's.

use crate::support::*;
use serde_json::Value;

async fn home(c: &reqwest::Client, base: &str, query: &str) -> Value {
    c.get(format!("{base}/api/v1/home{query}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn severity_rank(s: &Value) -> usize {
    ["critical", "high", "medium", "low"]
        .iter()
        .position(|x| s == x)
        .unwrap_or_else(|| panic!("{s} is not a severity"))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_its_own_worklist_most_urgent_first() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        seed_followups(&app, &t.url).await;
        seed_flags(&app, &t.url).await;
        let (b, base) = (t.backend(), app.base.as_str());

        // The program team: three points and three flags, most urgent first.
        let program = logged_in(&app, "program").await;
        let all = home(&program, base, "").await;
        let items = all["items"].as_array().unwrap();
        assert_eq!(all["total"], 6, "{b}: {all}");
        assert_eq!(items.len(), 6, "{b}");
        let ranks: Vec<usize> = items
            .iter()
            .map(|i| severity_rank(&i["severity"]))
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{b}: {ranks:?}");
        let counted: u64 = ["critical", "high", "medium", "low"]
            .iter()
            .map(|s| all["by_severity"][s].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 6, "{b}");
        // A defaulting flag is high, owned by the partner's coach, with an action.
        let flag = items
            .iter()
            .find(|i| i["what"] == "Defaulting on DOT" && i["partner"] == "SWFT")
            .unwrap();
        assert_eq!(flag["severity"], "high", "{b}");
        assert_eq!(flag["owner"], "coach", "{b}");
        assert!(!flag["action"].as_str().unwrap().is_empty(), "{b}");
        let page = text(&program, format!("{base}/")).await;
        assert!(page.contains("What needs you today"), "{b}");
        assert!(page.contains("class=\"sev high\""), "{b}");

        // The coach of SWFT: SWFT's alone; "only mine" keeps the flag it owns.
        let coach = logged_in(&app, "coach").await;
        let mine = home(&coach, base, "").await;
        let items = mine["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}: {mine}");
        assert!(items.iter().all(|i| i["partner"] == "SWFT"), "{b}");
        let own = home(&coach, base, "?mine=1").await;
        let own = own["items"].as_array().unwrap();
        let marked = items.iter().filter(|i| i["mine"] == true).count();
        assert_eq!(
            own.len(),
            marked,
            "{b}: only mine keeps what is marked mine"
        );
        assert!(own.iter().all(|i| i["mine"] == true), "{b}");
        assert!(
            own.iter().any(|i| i["what"] == "Defaulting on DOT"),
            "{b}: the coach owns its partner's flag"
        );
        // The program team owns none of the coach's.
        let theirs = home(&program, base, "?mine=1").await;
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["owner"] != "coach"),
            "{b}: {theirs}"
        );

        // The manager of BOM1: what happens at BOM1 alone.
        let station = logged_in(&app, "station").await;
        let at = home(&station, base, "").await;
        let items = at["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}: {at}");
        assert!(items.iter().all(|i| i["station"] == "BOM1"), "{b}");

        // A partner: its own home, and its own items only.
        let partner = logged_in(&app, "partner").await;
        let page = text(&partner, format!("{base}/")).await;
        assert!(page.contains("Your score"), "{b}");
        assert!(page.contains("Your open cases and flags"), "{b}");
        assert!(!page.contains("ZIPX"), "{b}: another partner shows");
        let own = home(&partner, base, "").await;
        let items = own["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}: {own}");
        assert!(items.iter().all(|i| i["partner"] == "SWFT"), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_overview_reaches_the_newest_day_and_labels_an_incomplete_week() {
    for t in TestStore::all().await {
        // 16–22 Nov (a whole week) and 23–24 Nov: the next week has two days.
        let mut rows = rows_at_two_stations(2);
        for day in 23..=24 {
            rows.push_str(&format!(
                "N{day},R0,2026-11-{day},DEL4,SWFT,2026-11-{day}T21:00:00+05:30,delivered,2026-11-{day}T20:00:00+05:30,10,100,\n"
            ));
        }
        let app = spawn_with(&t, &rows).await;
        let (b, base) = (t.backend(), app.base.as_str());
        let program = logged_in(&app, "program").await;
        let page = text(&program, format!("{base}/overview")).await;
        assert!(page.contains("2026-W47"), "{b}: the last complete week");
        assert!(
            page.contains("Tue 24 Nov 2026"),
            "{b}: the newest day is under the tiles"
        );
        assert!(
            page.contains("href=\"/overview?week=2026-W48\"") && page.contains("2026-W48 so far"),
            "{b}: a next link to the week so far"
        );
        let next = text(&program, format!("{base}/overview?week=2026-W48")).await;
        assert!(
            next.contains("so far: Mon 23 Nov to Tue 24 Nov (2 of 7 days)"),
            "{b}"
        );
        let ranking = text(&program, format!("{base}/scores?week=2026-W48")).await;
        assert!(
            ranking.contains("class=\"sofar\""),
            "{b}: the ranking is labelled so far"
        );
        let complete = text(&program, format!("{base}/scores?week=2026-W47")).await;
        assert!(!complete.contains("class=\"sofar\""), "{b}");
        // SWFT has remitted nothing since the 16th: in W48 its COD line is overdue
        // since the 17th, read back past the week's Monday.
        let cod = text(&program, format!("{base}/cod?week=2026-W48")).await;
        assert!(
            cod.contains("data-value=\"2026-11-17\""),
            "{b}: the overdue run's true start"
        );
    }
}
