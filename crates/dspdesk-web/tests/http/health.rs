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
