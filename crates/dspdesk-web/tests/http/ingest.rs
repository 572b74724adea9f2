//! Loading files from the browser.

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_program_team_uploads_files_and_sees_every_error() {
    let t = TestStore::sqlite().await;
    let app = spawn(&t, 4).await;
    // The token travels in the query, so the server checks it before the body.
    let upload = |c: reqwest::Client, csrf: String, name: &'static str, text: &'static str| {
        let url = format!("{}/upload?csrf={csrf}", app.base);
        async move {
            let form = reqwest::multipart::Form::new()
                .text("kind", "deliveries")
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
    // Refused before the body was read: nothing of the forged file reached the disk.
    let kept = std::fs::read_dir(app.data.join("uploads"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 0, "a forged upload leaves no file");
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
    // The message speaks of the file; the profile's syntax waits behind "how".
    let (plain, how) = html
        .split_once("<details class=\"how\">")
        .expect("a how link");
    assert!(!plain.contains("[values.status]"), "{plain}");
    assert!(how.contains("[values.status]"), "{how}");
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
