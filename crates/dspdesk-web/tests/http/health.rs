//! The ranking and the scorecard.

use crate::support::*;

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

/// Each list of the ranking page downloads itself, not the ranking; the words that
/// state a rule come from the configuration in force.
#[tokio::test(flavor = "multi_thread")]
async fn the_ranking_page_lists_download_as_themselves_and_word_their_rules() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 20).await;
    let admin = logged_in(&app, "admin").await;
    let get = |q: &'static str| {
        let url = format!("{}/scores?week=2026-W47{q}", app.base);
        let c = admin.clone();
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let first_line = |csv: String| csv.lines().next().unwrap_or("").to_owned();
    assert!(
        first_line(get("&download=csv").await).starts_with("week,partner,config_version,score")
    );
    assert_eq!(
        first_line(get("&table=defaulting&download=csv").await),
        "partner,days_below,days_seen,target,worst_day,worst_dot_pct"
    );
    assert_eq!(
        first_line(get("&table=bottom&download=csv").await),
        "partner,weeks_in_bottom,of_last,latest_score"
    );
    let page = get("").await;
    assert!(
        page.contains("below target on 3 of the last 7 days"),
        "{page}"
    );
    assert!(page.contains("Bottom 10%"), "{page}");
    drop(app);
    t.finish().await;
}

/// Two weeks: SWFT on time throughout; ZIPX's first package of each day late in the
/// second week only.
fn two_weeks(per_day: usize) -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    for day in 9..=22 {
        for (i, (station, partner)) in [("DEL4", "SWFT"), ("BOM1", "ZIPX")].iter().enumerate() {
            for p in 0..per_day {
                let late = if p == 0 && i == 1 && day >= 16 {
                    "23:00"
                } else {
                    "20:00"
                };
                s.push_str(&format!(
                    "P{day}{i}{p},R{i},2026-11-{day:02},{station},{partner},2026-11-{day:02}T21:00:00+05:30,delivered,2026-11-{day:02}T{late}:00+05:30,10,100,\n"
                ));
            }
        }
    }
    s
}

/// The ranking narrowed by station, coach or tier, the filter kept in the page's
/// links and downloads (ranks stay the network's); each row's coach and change from
/// the week before; a partner user's filters narrow nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_ranking_filters_stay_in_the_url_and_compare_with_the_week_before() {
    let t = TestStore::sqlite().await;
    let app = spawn_with(&t, &two_weeks(10)).await;
    let admin = logged_in(&app, "admin").await;
    let api = |c: &reqwest::Client, q: &str| {
        let url = format!("{}/api/v1/scores?week=2026-W47{q}", app.base);
        let c = c.clone();
        async move {
            let v: serde_json::Value = c.get(url).send().await.unwrap().json().await.unwrap();
            v["scores"].as_array().unwrap().clone()
        }
    };
    let all = api(&admin, "").await;
    assert_eq!(all.len(), 2);
    let row = |p: &str| all.iter().find(|r| r["partner"] == p).unwrap().clone();
    let (swft, zipx) = (row("SWFT"), row("ZIPX"));
    assert_eq!(swft["coach"], "coach");
    assert_eq!(zipx["coach"], "");
    assert_eq!(zipx["dot_change"].as_f64(), Some(-10.0), "{zipx}");
    assert!(zipx["score_change"].as_f64().unwrap() < 0.0, "{zipx}");
    assert_eq!(swft["dot_change"].as_f64(), Some(0.0), "{swft}");
    let change = swft["score_change"].as_f64().unwrap();
    assert_eq!(
        change,
        (change * 10.0).round() / 10.0,
        "to one decimal: {swft}"
    );
    assert_eq!(swft["tier_before"], swft["tier"]);

    let at_bom = api(&admin, "&station=BOM1").await;
    assert_eq!(at_bom.len(), 1);
    assert_eq!(at_bom[0]["partner"], "ZIPX");
    assert_eq!(at_bom[0]["rank"], zipx["rank"], "ranks stay the network's");
    let coached = api(&admin, "&coach=coach").await;
    assert_eq!(coached.len(), 1);
    assert_eq!(coached[0]["partner"], "SWFT");
    let tier = swft["tier"].as_str().unwrap().to_owned();
    let same_tier = api(&admin, &format!("&tier={tier}")).await;
    assert!(same_tier.iter().all(|r| r["tier"] == tier.as_str()));
    assert!(same_tier.iter().any(|r| r["partner"] == "SWFT"));
    assert_eq!(
        api(&admin, "&station=").await.len(),
        2,
        "an empty choice is any"
    );

    let page = text(
        &admin,
        format!("{}/scores?week=2026-W47&station=BOM1", app.base),
    )
    .await;
    assert!(page.contains("<option value=\"BOM1\" selected>"), "{page}");
    assert!(
        page.contains("href=\"?week=2026-W46&#38;station=BOM1\""),
        "{page}"
    );
    assert!(page.contains("&#38;station=BOM1&#38;table=ranking&#38;download=csv"));
    assert!(page.contains("1 of 2 partners"), "{page}");
    assert!(page.contains("Score vs last week") && page.contains("Coach"));
    assert!(
        page.contains("aria-sort=\"ascending\""),
        "the rank is the sort"
    );
    let csv = text(
        &admin,
        format!(
            "{}/scores?week=2026-W47&station=BOM1&table=ranking&download=csv",
            app.base
        ),
    )
    .await;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("score_change,dot_change,tier_before")
    );
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("ZIPX") && !csv.contains("SWFT"), "{csv}");

    // A partner sees every rank whatever it asks, its own coach, and no filters.
    let partner = logged_in(&app, "partner").await;
    let mine = api(&partner, "&station=BOM1").await;
    assert_eq!(mine.len(), 2);
    let own = mine.iter().find(|r| r["partner"] == "SWFT").unwrap();
    assert_eq!(own["coach"], "coach");
    let other = mine.iter().find(|r| r["partner"] != "SWFT").unwrap();
    assert_eq!(other["coach"], "");
    assert_eq!(other["score_change"], "", "a peer's change is withheld");
    let ppage = text(&partner, format!("{}/scores?week=2026-W47", app.base)).await;
    assert!(
        !ppage.contains("name=\"station\""),
        "no filters for partners"
    );
    drop(app);
    t.finish().await;
}
