//! Follow-ups over HTTP: a partner sees and answers only its own; a point raised on the
//! form, answered by the partner and resolved by the program team; bad requests are
//! refused with a sentence and change nothing.

use crate::support::*;
use serde_json::{Value, json};

async fn csrf_of(c: &reqwest::Client, app: &App, path: &str) -> String {
    hidden(&text(c, format!("{}{path}", app.base)).await, "csrf")
}

async fn detail(c: &reqwest::Client, app: &App, id: i64) -> Value {
    c.get(format!("{}/api/v1/followups/{id}", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn pdf(name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_cannot_read_answer_attach_to_or_download_another_partners_followup() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let ids = seed_followups(&app, &t.url).await;
        let (own, _) = ids[0];
        let (other, other_file) = ids[1];
        let c = logged_in(&app, "partner").await;
        let csrf = csrf_of(&c, &app, "/followups").await;
        let b = t.backend();
        let base = &app.base;
        let get = |url: String| {
            let c = c.clone();
            async move { c.get(url).send().await.unwrap().status() }
        };
        assert_eq!(
            get(format!("{base}/followups/{other}")).await,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            get(format!("{base}/api/v1/followups/{other}")).await,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            get(format!("{base}/followups/{other}/attachments/{other_file}")).await,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // Its own file's id through the other follow-up's URL is not found either.
        let (_, own_file) = ids[0];
        assert_eq!(
            get(format!("{base}/followups/{other}/attachments/{own_file}")).await,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let comment = c
            .post(format!("{base}/followups/{other}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "comment"),
                ("text", "hello"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(comment.status(), StatusCode::NOT_FOUND, "{b}");
        let api = c
            .post(format!("{base}/api/v1/followups/{other}"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"action": "comment", "text": "hello"}))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::NOT_FOUND, "{b}");
        let attach = c
            .post(format!("{base}/followups/{other}/attachments?csrf={csrf}"))
            .multipart(pdf("x.pdf", b"%PDF-1.4 x".to_vec()))
            .send()
            .await
            .unwrap();
        assert_eq!(attach.status(), StatusCode::NOT_FOUND, "{b}");
        // Nothing changed on the other partner's follow-up.
        let admin = logged_in(&app, "admin").await;
        let d = detail(&admin, &app, other).await;
        assert_eq!(d["comments"].as_array().unwrap().len(), 0, "{b}");
        assert_eq!(d["attachments"].as_array().unwrap().len(), 1, "{b}");
        // Its own: read, downloaded as an attachment, answered.
        assert_eq!(
            get(format!("{base}/followups/{own}")).await,
            StatusCode::OK,
            "{b}"
        );
        let file = c
            .get(format!("{base}/followups/{own}/attachments/{own_file}"))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), StatusCode::OK, "{b}");
        let disposition = file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 evidence");
        let queue: Value = c
            .get(format!("{base}/api/v1/followups"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(queue["total"], 1, "{b}: only its own in the queue");
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_point_raised_by_the_partner_is_answered_and_resolved_by_the_program_team() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let b = t.backend();
        let base = &app.base;
        let partner = logged_in(&app, "partner").await;
        let csrf = csrf_of(&partner, &app, "/followups/new").await;
        // A partner raises it about its own company (no partner field on its form).
        let raised = partner
            .post(format!("{base}/followups"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("station", "DEL4"),
                ("title", "Payout short for W47"),
                ("text", "We count 3 routes more."),
                ("priority", "high"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(raised.status(), StatusCode::SEE_OTHER, "{b}");
        let at = raised.headers()["location"].to_str().unwrap().to_owned();
        let id: i64 = at.trim_start_matches("/followups/").parse().unwrap();
        let page = text(&partner, format!("{base}{at}")).await;
        assert!(
            page.contains("Payout short for W47") && page.contains("SWFT"),
            "{b}"
        );
        assert!(
            page.contains("left"),
            "{b}: the SLA timer shows the time left"
        );
        // The coach of SWFT owns it and was told.
        let coach = logged_in(&app, "coach").await;
        let n: Value = coach
            .get(format!("{base}/api/v1/notifications"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(n["unread"], 1, "{b}");
        assert!(
            text(&coach, format!("{base}/followups"))
                .await
                .contains("Payout short"),
            "{b}"
        );
        // The program team asks, the partner answers, the program team resolves.
        let program = logged_in(&app, "program").await;
        let pc = csrf_of(&program, &app, &at).await;
        let ask = program
            .post(format!("{base}{at}"))
            .form(&[
                ("csrf", pc.as_str()),
                ("action", "state"),
                ("to", "waiting_on_partner"),
                ("note", "Which routes?"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(ask.status(), StatusCode::SEE_OTHER, "{b}");
        let answer = partner
            .post(format!("{base}{at}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "comment"),
                ("text", "DEL4-SWFT-R7, R8, R9"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{b}");
        let d = detail(&program, &app, id).await;
        assert_eq!(
            d["followup"]["state"], "in_progress",
            "{b}: the partner's answer brings it back"
        );
        // A partner may not resolve.
        let refused = partner
            .post(format!("{base}{at}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "state"),
                ("to", "resolved"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        let done = program
            .post(format!("{base}{at}"))
            .form(&[
                ("csrf", pc.as_str()),
                ("action", "state"),
                ("to", "resolved"),
                ("note", "Paid in the next cycle"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{b}");
        let d = detail(&partner, &app, id).await;
        assert_eq!(d["followup"]["state"], "resolved", "{b}");
        let who: Vec<&str> = d["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["author"].as_str().unwrap())
            .collect();
        assert_eq!(who, ["program", "partner", "program"], "{b}");
        let history: Vec<&str> = d["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["actor"].as_str().unwrap())
            .collect();
        assert_eq!(
            history,
            ["web:partner", "web:program", "web:partner", "web:program"],
            "{b}"
        );
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_refused_with_a_sentence_and_change_nothing() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let ids = seed_followups(&app, &t.url).await;
        let (id, _) = ids[0];
        let b = t.backend();
        let base = &app.base;
        let program = logged_in(&app, "program").await;
        let csrf = csrf_of(&program, &app, &format!("/followups/{id}")).await;
        let act = |body: Value| {
            let (c, csrf) = (program.clone(), csrf.clone());
            async move {
                let r = c
                    .post(format!("{base}/api/v1/followups/{id}"))
                    .header("x-csrf-token", csrf)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        let before = detail(&program, &app, id).await;
        let (s, m) = act(json!({"action": "state", "to": "bogus"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("bogus") && m.contains("in_progress"),
            "{b}: {m}"
        );
        let (s, m) = act(json!({"action": "state", "to": "open"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("already"),
            "{b}: {m}"
        );
        let (s, m) = act(json!({"action": "assign", "owner": "ghost"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("ghost"),
            "{b}: {m}"
        );
        let (s, m) = act(json!({"action": "assign", "owner": "partner"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("partner user"),
            "{b}: {m}"
        );
        let (s, m) = act(json!({"action": "recover", "amount": "5"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("only an NL case"),
            "{b}: {m}"
        );
        let (s, m) = act(json!({"action": "comment", "text": "   "})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("empty"),
            "{b}: {m}"
        );
        // Without the CSRF header a cookie session changes nothing.
        let forged = program
            .post(format!("{base}/api/v1/followups/{id}"))
            .json(&json!({"action": "comment", "text": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{b}");
        // Files: a wrong type, a name that lies, and one too large.
        for (name, bytes, says) in [
            ("tool.exe", b"MZ\x90\x00".to_vec(), "not a PDF"),
            ("report.pdf", b"<html>".to_vec(), "not a PDF"),
            (
                "big.csv",
                vec![b'a'; 10 * 1024 * 1024 + 1],
                "larger than 10 MiB",
            ),
        ] {
            let r = program
                .post(format!("{base}/followups/{id}/attachments?csrf={csrf}"))
                .multipart(pdf(name, bytes))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{b} {name}");
            let m = r.text().await.unwrap();
            assert!(m.contains(says), "{b} {name}: {m}");
        }
        // A closed follow-up takes no comment.
        let (s, _) = act(json!({"action": "state", "to": "closed"})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, m) = act(json!({"action": "comment", "text": "after"})).await;
        assert!(
            s == StatusCode::BAD_REQUEST && m.contains("reopen"),
            "{b}: {m}"
        );
        let after = detail(&program, &app, id).await;
        assert_eq!(after["comments"], before["comments"], "{b}");
        assert_eq!(after["attachments"], before["attachments"], "{b}");
        assert_eq!(
            after["followup"]["owner"], before["followup"]["owner"],
            "{b}"
        );
        assert_eq!(
            after["history"].as_array().unwrap().len(),
            before["history"].as_array().unwrap().len() + 1,
            "{b}: only the close"
        );
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_closes_the_action_items_it_owns_and_no_other() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let reviews = seed_reviews(&app, &t.url).await;
        let b = t.backend();
        let base = &app.base;
        let partner = logged_in(&app, "partner").await;
        let r: Value = partner
            .get(format!("{base}/api/v1/reviews/{}", reviews[0]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = r["action_items"][0]["id"].as_i64().unwrap();
        assert_eq!(r["action_items"][0]["owner"], "partner", "{b}");
        assert!(
            r["numbers"]
                .as_str()
                .unwrap()
                .starts_with("/partners/SWFT/scorecard?week="),
            "{b}"
        );
        let page = text(&partner, format!("{base}/followups/{item}")).await;
        assert!(
            page.contains("value=\"resolved\""),
            "{b}: the partner may resolve its own item"
        );
        let csrf = hidden(&page, "csrf");
        let done = partner
            .post(format!("{base}/followups/{item}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "state"),
                ("to", "resolved"),
                ("note", "Roster fixed"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            detail(&partner, &app, item).await["followup"]["state"],
            "resolved",
            "{b}"
        );
        // Not reopen it, nor close an item someone else owns.
        let again = partner
            .post(format!("{base}/followups/{item}"))
            .form(&[("csrf", csrf.as_str()), ("action", "state"), ("to", "open")])
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::FORBIDDEN, "{b}");
        let coach = logged_in(&app, "coach").await;
        let cc = csrf_of(&coach, &app, "/reviews").await;
        let rec = coach
            .post(format!("{base}/reviews"))
            .form(&[
                ("csrf", cc.as_str()),
                ("kind", "dsp_review"),
                ("date", "2030-01-06"),
                ("partner", "SWFT"),
                ("item_title", "Send the roster"),
                ("item_owner", "coach"),
                ("item_due", "2030-01-08"),
                ("item_title", ""),
                ("item_owner", ""),
                ("item_due", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(rec.status(), StatusCode::SEE_OTHER, "{b}");
        let at = rec.headers()["location"].to_str().unwrap().to_owned();
        let r: Value = coach
            .get(format!("{base}/api/v1{at}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            r["action_items"].as_array().unwrap().len(),
            1,
            "{b}: the empty row is no item"
        );
        let coach_item = r["action_items"][0]["id"].as_i64().unwrap();
        let refused = partner
            .post(format!("{base}/followups/{coach_item}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "state"),
                ("to", "resolved"),
            ])
            .send()
            .await
            .unwrap();
        // The coach's item is not the partner's: it neither sees nor closes it.
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{b}");
        let theirs: Value = partner
            .get(format!("{base}/api/v1{at}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(theirs["action_items"].as_array().unwrap().len(), 0, "{b}");
        let queue: Value = partner
            .get(format!("{base}/api/v1/followups?kind=action_item&all=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(queue["total"], 1, "{b}: only its own action item");
        // Refused, the form back with the sentence: a due date before the meeting or
        // already past, an owner who may not see it, a station the partner does not work
        // at, an owner without a title.
        for (station, title, owner, due, says) in [
            ("", "x", "coach", "2030-01-01", "before the review"),
            ("", "x", "coach", "2026-11-01", "already past"),
            ("", "x", "station", "2030-01-10", "may not see"),
            ("BOM1", "x", "coach", "2030-01-10", "does not work at"),
            ("", "", "coach", "2030-01-10", "without a title"),
        ] {
            let date = if says == "already past" {
                "2026-11-01"
            } else {
                "2030-01-06"
            };
            let bad = coach
                .post(format!("{base}/reviews"))
                .form(&[
                    ("csrf", cc.as_str()),
                    ("kind", "dsp_review"),
                    ("date", date),
                    ("partner", "SWFT"),
                    ("station", station),
                    ("item_title", title),
                    ("item_owner", owner),
                    ("item_due", due),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b} {says}");
            assert!(bad.text().await.unwrap().contains(says), "{b} {says}");
        }
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_acknowledges_its_plan_and_cannot_change_it() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let plans = seed_plans(&app, &t.url).await;
        let b = t.backend();
        let base = &app.base;
        let partner = logged_in(&app, "partner").await;
        let page = text(&partner, format!("{base}/plans/{}", plans[0])).await;
        assert!(
            page.contains("Acknowledge the plan") && !page.contains("Extend"),
            "{b}"
        );
        let csrf = hidden(&page, "csrf");
        let post = |id: i64, form: Vec<(&'static str, &'static str)>| {
            let (c, csrf) = (partner.clone(), csrf.clone());
            async move {
                let mut f: Vec<(&str, &str)> = form;
                f.push(("csrf", csrf.as_str()));
                c.post(format!("{base}/plans/{id}"))
                    .form(&f)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(
            post(plans[0], vec![("action", "acknowledge")]).await,
            StatusCode::SEE_OTHER,
            "{b}"
        );
        assert_eq!(
            post(
                plans[0],
                vec![("action", "extend"), ("review", "2026-12-31")]
            )
            .await,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        assert_eq!(
            post(plans[0], vec![("action", "close"), ("outcome", "met")]).await,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        assert_eq!(
            post(plans[1], vec![("action", "acknowledge")]).await,
            StatusCode::NOT_FOUND,
            "{b}: not its plan"
        );
        let v: Value = partner
            .get(format!("{base}/api/v1/plans/{}", plans[0]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["plan"]["plan"]["state"], "acknowledged", "{b}");
        assert_eq!(
            v["plan"]["plan"]["metrics"][0][1], 95.0,
            "{b}: the targets as issued"
        );
        // Its history says who issued it and that the partner acknowledged it.
        let actions: Vec<&str> = v["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["issue", "state"], "{b}");
        let page = text(&partner, format!("{base}/plans/{}", plans[0])).await;
        assert!(page.contains("Acknowledged by the partner"), "{b}");
        // The letter: its own plan's, never another's.
        let letter = text(&partner, format!("{base}/plans/{}/letter", plans[0])).await;
        assert!(
            letter.contains(&format!("Improvement plan #{}", plans[0]))
                && letter.contains("at least 95")
                && letter.contains("Signature"),
            "{b}"
        );
        let other = partner
            .get(format!("{base}/plans/{}/letter", plans[1]))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "{b}");
        // The downloads: the list holds its own plans only.
        let csv = text(&partner, format!("{base}/plans?download=csv")).await;
        assert!(csv.starts_with("id,partner,station,metrics"), "{b}: {csv}");
        assert_eq!(csv.lines().count(), 2, "{b}: {csv}");
        assert!(
            csv.contains(",SWFT,") && !csv.contains("ZIPX"),
            "{b}: {csv}"
        );
        let weeks = text(&partner, format!("{base}/plans/{}?download=csv", plans[0])).await;
        assert!(
            weeks.starts_with("week,metric,value,target,baseline"),
            "{b}: {weeks}"
        );
        // One click from the scorecard opens the form filled in; not for the partner.
        let coach = logged_in(&app, "coach").await;
        let card = text(&coach, format!("{base}/partners/SWFT/scorecard")).await;
        assert!(
            card.contains("/plans?partner=SWFT&#38;metric=dot_pct&#38;target=98"),
            "{b}"
        );
        let program = logged_in(&app, "program").await;
        let lists = text(&program, format!("{base}/scores")).await;
        assert!(
            lists.contains("/plans?partner=ZIPX&#38;metric=dot_pct&#38;target=95"),
            "{b}: the defaulting list opens a plan"
        );
        let own = text(&partner, format!("{base}/partners/SWFT/scorecard")).await;
        assert!(!own.contains("Issue an improvement plan"), "{b}");
        let form = text(
            &coach,
            format!("{base}/plans?partner=SWFT&metric=nl_dpmo&target=500"),
        )
        .await;
        assert!(form.contains(r#"value="SWFT""#), "{b}");
        assert!(
            form.contains(r#"value="nl_dpmo" selected"#) && form.contains(r#"value="500""#),
            "{b}"
        );
        let all: Value = partner
            .get(format!("{base}/api/v1/plans"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            all["plans"].as_array().unwrap().len(),
            1,
            "{b}: only its own"
        );
        drop(app);
        t.finish().await;
    }
}

/// From a flag, an action item: the coach agrees one on its partner's flag, owned by the
/// partner; a second is refused with the first's number; the partner sees it and no
/// form; nobody reaches another scope's flag; the API agrees one too.
#[tokio::test(flavor = "multi_thread")]
async fn a_flag_becomes_one_action_item_that_its_owner_sees() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let flags = seed_flags(&app, &t.url).await;
        let b = t.backend();
        let base = &app.base;
        let due = (chrono::Utc::now() + chrono::Duration::days(7))
            .date_naive()
            .to_string();
        let coach = logged_in(&app, "coach").await;
        let page = text(&coach, format!("{base}/flags/{}", flags[0])).await;
        assert!(page.contains("Agree the action item"), "{b}");
        let csrf = hidden(&page, "csrf");
        let agree = |owner: &'static str, due: String| {
            let (c, csrf) = (coach.clone(), csrf.clone());
            let url = format!("{base}/flags/{}", flags[0]);
            async move {
                c.post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("title", ""),
                        ("owner", owner),
                        ("due", due.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Refused with the field named: an owner who may not see it, a past date.
        let bad = agree("station", due.clone()).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(bad.text().await.unwrap().contains("may not see"), "{b}");
        let bad = agree("partner", "2020-01-01".into()).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(bad.text().await.unwrap().contains("from today"), "{b}");
        let made = agree("partner", due.clone()).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{b}");
        let item: i64 = made.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/followups/")
            .parse()
            .unwrap();
        let again = agree("partner", due.clone()).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            again
                .text()
                .await
                .unwrap()
                .contains(&format!("its action item already: #{item}")),
            "{b}"
        );
        let d = detail(&coach, &app, item).await;
        assert_eq!(d["followup"]["kind"], "action_item", "{b}");
        assert_eq!(d["followup"]["title"], "Defaulting on DOT", "{b}");
        assert_eq!(d["followup"]["owner"], "partner", "{b}");
        // The partner: its item on the flag's page, no form; another's flag not found.
        let partner = logged_in(&app, "partner").await;
        let seen = text(&partner, format!("{base}/flags/{}", flags[0])).await;
        assert!(
            seen.contains(&format!("/followups/{item}")) && !seen.contains("Agree the action item"),
            "{b}"
        );
        let pc = hidden(&seen, "csrf");
        let refused = partner
            .post(format!("{base}/flags/{}", flags[0]))
            .form(&[
                ("csrf", pc.as_str()),
                ("owner", "partner"),
                ("due", due.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        for other in [&flags[1], &flags[2]] {
            let r = coach
                .get(format!("{base}/flags/{other}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}");
        }
        // A flag about all of ZIPX shows to the manager of BOM1, one of its stations; the
        // manager may not agree an action item about the whole partner.
        let ws = workspace(&app, &t).await;
        let mut current: Vec<dspdesk_store::NewFlag> = ws
            .store
            .flags(false)
            .await
            .unwrap()
            .into_iter()
            .map(|f| dspdesk_store::NewFlag {
                kind: f.kind,
                partner: f.partner,
                station: f.station,
                subject: f.subject,
                reason: f.reason,
                numbers: f.numbers,
                data_date: f.data_date,
            })
            .collect();
        let mut whole = current[0].clone();
        (whole.partner, whole.station) = ("ZIPX".into(), String::new());
        current.push(whole);
        ws.store.sync_flags(&current).await.unwrap();
        let all_zipx = ws
            .store
            .flags(false)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.partner == "ZIPX" && f.station.is_empty())
            .unwrap()
            .id;
        ws.close().await;
        let station = logged_in(&app, "station").await;
        let page = text(&station, format!("{base}/flags/{all_zipx}")).await;
        let sc = hidden(&page, "csrf");
        let r = station
            .post(format!("{base}/flags/{all_zipx}"))
            .form(&[
                ("csrf", sc.as_str()),
                ("owner", "station"),
                ("due", due.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.text().await.unwrap().contains("beyond your stations"),
            "{b}"
        );
        // The API: the program team agrees one on ZIPX's flag at BOM1.
        let program = logged_in(&app, "program").await;
        let pcsrf = csrf_of(&program, &app, "/flags").await;
        let r = program
            .post(format!("{base}/api/v1/flags/{}/action-item", flags[1]))
            .header("x-csrf-token", &pcsrf)
            .json(&json!({"owner": "station", "due": due}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b}");
        let v: Value = program
            .get(format!("{base}/api/v1/flags/{}/action-item", flags[1]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["action_item"]["owner"], "station", "{b}");
        drop(app);
        t.finish().await;
    }
}
