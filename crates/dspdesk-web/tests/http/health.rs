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
