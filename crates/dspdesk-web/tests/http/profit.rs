//! Profitability on the partner's day.

use crate::support::*;

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
    dspdesk_app::config::load(
        &ws,
        dspdesk_core::config::ConfigKind::Rates,
        book,
        "",
        &dspdesk_app::Actor::operator("test"),
    )
    .await
    .unwrap();
    dspdesk_app::flags::refresh_flags(&ws).await.unwrap();
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
