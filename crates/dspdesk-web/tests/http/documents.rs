//! Compliance documents over HTTP: the partner uploads a PDF and an image; an
//! executable, an oversized file and a file whose content does not match its name are
//! refused; the program team verifies one and rejects one with a reason; another partner
//! gets 404 on the download and a partner cannot verify.

use crate::support::*;

fn form(partner: &str, doc_type: &str, name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("partner", partner.to_owned())
        .text("type", doc_type.to_owned())
        .text("number", "")
        .text("issued", "2026-04-01")
        .text("expires", "2027-03-31")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_uploads_its_documents_and_the_program_team_checks_them() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        // The walk's documents: a trade licence type and ZIPX's licences.
        let seeded = seed_documents(&app, &t.url).await;
        let b = t.backend();
        let base = &app.base;
        let partner = logged_in(&app, "partner").await;
        let page = text(&partner, format!("{base}/documents")).await;
        assert!(
            page.contains("Upload a document") && !page.contains("ZIPX"),
            "{b}"
        );
        let csrf = hidden(&page, "csrf");
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let (c, csrf) = (partner.clone(), csrf.clone());
            async move {
                let r = c
                    .post(format!("{base}/documents?csrf={csrf}"))
                    .multipart(form("", "trade_licence", name, bytes))
                    .send()
                    .await
                    .unwrap();
                let to = r.headers()["location"].to_str().unwrap().to_owned();
                (r.status(), to)
            }
        };
        for (name, bytes) in [
            ("licence.pdf", b"%PDF-1.4 licence".to_vec()),
            ("licence.jpg", b"\xFF\xD8\xFF\xE0 photo".to_vec()),
        ] {
            let (status, to) = upload(name, bytes).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
            assert!(to.contains("Uploaded%20document"), "{b}: {to}");
        }
        for (name, bytes, says) in [
            ("setup.exe", b"MZ\x90\x00".to_vec(), "not%20a%20PDF"),
            (
                "licence.pdf",
                b"MZ\x90\x00 not a pdf".to_vec(),
                "not%20a%20PDF",
            ),
            ("licence.csv", b"a,b\n1,2\n".to_vec(), "takes%20a%20PDF"),
        ] {
            let (status, to) = upload(name, bytes).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
            assert!(
                to.contains("Not%20uploaded") && to.contains(says),
                "{b} {name}: {to}"
            );
        }
        // A 5 MiB scan goes through; 11 MiB does not.
        let mid = [b"%PDF-1.4 ".to_vec(), vec![b'x'; 5 * 1024 * 1024]].concat();
        let (status, to) = upload("scan.pdf", mid).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(to.contains("Uploaded%20document"), "{b}: {to}");
        // Its two documents and nothing of ZIPX's; ZIPX's file is not found.
        let v: serde_json::Value = partner
            .get(format!("{base}/api/v1/documents"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let docs = v["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 4, "{b}: the seeded one and its three: {v}");
        assert!(docs.iter().all(|d| d["partner"] == "SWFT"), "{b}");
        let id_of = |name: &str| {
            docs.iter().find(|d| d["filename"] == name).unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let mine = id_of("licence.jpg");
        let got = partner
            .get(format!("{base}/documents/{mine}"))
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), StatusCode::OK, "{b}");
        assert_eq!(got.headers()["content-type"], "image/jpeg", "{b}");
        let theirs = partner
            .get(format!("{base}/documents/{}", seeded[1]))
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{b}");
        // A partner does not verify; the program team verifies one, rejects one with its
        // reason, and the partner reads it.
        let refused = partner
            .post(format!("{base}/documents/{mine}"))
            .form(&[("csrf", csrf.as_str()), ("action", "verify")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        let program = logged_in(&app, "program").await;
        let pc = hidden(&text(&program, format!("{base}/documents")).await, "csrf");
        for (id, action, reason) in [
            (mine, "reject", "Blurred: upload a clear scan"),
            (id_of("scan.pdf"), "verify", ""),
        ] {
            let r = program
                .post(format!("{base}/documents/{id}"))
                .form(&[
                    ("csrf", pc.as_str()),
                    ("action", action),
                    ("reason", reason),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        }
        let seen = text(&partner, format!("{base}/documents")).await;
        assert!(seen.contains("Blurred: upload a clear scan"), "{b}");
        assert_eq!(
            seen.matches(">verified<").count(),
            2,
            "{b}: the seeded one and this one"
        );
        // Last, on a connection of its own: an 11 MiB file.
        // Refused before it is read whole: the answer is a client error, or the server
        // closes the connection while the client still sends.
        let own = logged_in(&app, "partner").await;
        let oc = hidden(&text(&own, format!("{base}/documents")).await, "csrf");
        let big = own
            .post(format!("{base}/documents?csrf={oc}"))
            .header("connection", "close")
            .multipart(form(
                "",
                "trade_licence",
                "big.pdf",
                vec![b'%'; 11 * 1024 * 1024],
            ))
            .send()
            .await;
        match big {
            Ok(r) => assert!(r.status().is_client_error(), "{b}: {}", r.status()),
            Err(e) => assert!(e.is_request(), "{b}: {e}"),
        }
        drop(app);
        t.finish().await;
    }
}

/// Onboarding on its board: the program team adds an applicant and moves it a stage on;
/// a partner user and a coach of another partner do not see it; a skipped stage is
/// refused with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn the_program_team_moves_an_applicant_on_its_board_that_others_do_not_see() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let b = t.backend();
        let base = &app.base;
        let program = logged_in(&app, "program").await;
        let page = text(&program, format!("{base}/onboarding")).await;
        let csrf = hidden(&page, "csrf");
        let post = |form: Vec<(&'static str, &'static str)>| {
            let (c, csrf) = (program.clone(), csrf.clone());
            async move {
                let mut f = form;
                f.push(("csrf", csrf.as_str()));
                let r = c
                    .post(format!("{base}/onboarding"))
                    .form(&f)
                    .send()
                    .await
                    .unwrap();
                r.headers()["location"].to_str().unwrap().to_owned()
            }
        };
        let added = post(vec![
            ("action", "apply"),
            ("partner", "NEWP"),
            ("legal_name", "New Partner Logistics"),
            ("on", "2026-11-02"),
        ])
        .await;
        assert!(added.contains("NEWP%20applied"), "{b}: {added}");
        let skipped = post(vec![
            ("action", "advance"),
            ("partner", "NEWP"),
            ("stage", "agreement"),
            ("on", "2026-11-09"),
        ])
        .await;
        assert!(
            skipped.contains("Not%20done") && skipped.contains("documents%20next"),
            "{b}: {skipped}"
        );
        // Its checklist holds it at applied until the application's item is done.
        let held = post(vec![
            ("action", "advance"),
            ("partner", "NEWP"),
            ("stage", "documents"),
            ("on", "2026-11-09"),
        ])
        .await;
        assert!(held.contains("mandatory%20checklist%20item"), "{b}: {held}");
        let url = format!("{base}/onboarding/NEWP");
        let page = text(&program, &url).await;
        assert!(page.contains("1 mandatory item of Applied"), "{b}");
        let item: i64 = page
            .split("name=\"item\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let send = |file: Vec<u8>, name: &'static str| {
            let form = reqwest::multipart::Form::new()
                .text("item", item.to_string())
                .text("evidence", "")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(file).file_name(name),
                );
            program
                .post(format!("{url}?csrf={csrf}"))
                .multipart(form)
                .send()
        };
        let exe = send(b"MZ\x90\x00 not a form".to_vec(), "form.pdf")
            .await
            .unwrap();
        let said = exe.headers()["location"].to_str().unwrap().to_owned();
        assert!(said.contains("Not%20done"), "{b}: {said}");
        let png = b"\x89PNG\r\n\x1a\n signed form".to_vec();
        let ok = send(png.clone(), "form.png").await.unwrap();
        let said = ok.headers()["location"].to_str().unwrap().to_owned();
        assert!(said.ends_with("done=Done."), "{b}: {said}");
        let got = program
            .get(format!("{url}?evidence={item}"))
            .send()
            .await
            .unwrap();
        assert_eq!(got.headers()["content-type"], "image/png", "{b}");
        assert_eq!(got.bytes().await.unwrap().as_ref(), png.as_slice(), "{b}");
        let moved = post(vec![
            ("action", "advance"),
            ("partner", "NEWP"),
            ("stage", "documents"),
            ("on", "2026-11-09"),
        ])
        .await;
        assert!(moved.contains("is%20at%20Documents"), "{b}: {moved}");
        let v: serde_json::Value = program
            .get(format!("{base}/api/v1/onboarding"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["partners"][0]["stage"], "documents", "{b}");
        for user in ["partner", "coach"] {
            let c = logged_in(&app, user).await;
            let board = text(&c, format!("{base}/onboarding")).await;
            assert!(
                !board.contains("NEWP"),
                "{b}: {user} sees another partner's onboarding"
            );
            for path in ["", "?evidence=1"] {
                let r = c.get(format!("{url}{path}")).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}: {user} {path}");
            }
            let refused = c
                .post(format!("{base}/onboarding"))
                .form(&[
                    ("csrf", hidden(&board, "csrf").as_str()),
                    ("action", "advance"),
                    ("partner", "NEWP"),
                    ("stage", "verification"),
                    ("on", "2026-11-10"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}: {user}");
        }
        drop(app);
        t.finish().await;
    }
}

/// The partner's file: the program team saves it (checked field by field); the partner
/// sees its bank account masked and proposes a change that the program team accepts;
/// another partner's file is not found.
#[tokio::test(flavor = "multi_thread")]
async fn the_partners_file_is_edited_by_the_program_team_and_proposed_by_the_partner() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let b = t.backend();
        let base = &app.base;
        let url = format!("{base}/partners/SWFT/file");
        let program = logged_in(&app, "program").await;
        let pc = hidden(&text(&program, &url).await, "csrf");
        let save = |c: reqwest::Client, csrf: String, fields: Vec<(&'static str, &'static str)>| {
            let url = url.clone();
            async move {
                let mut f = fields;
                f.push(("csrf", csrf.as_str()));
                let r = c.post(&url).form(&f).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::SEE_OTHER);
                r.headers()["location"].to_str().unwrap().to_owned()
            }
        };
        let file = vec![
            ("action", "save"),
            ("legal_name", "Swift Riders Pvt Ltd"),
            ("gstin", "27AAPFU0939F1ZV"),
            ("pan", "AAPFU0939F"),
            ("bank_account", "50100123456789"),
            ("bank_ifsc", "HDFC0001234"),
            ("fleet_2w", "40"),
            ("fleet_3w", "10"),
            ("fleet_ev", "5"),
        ];
        let with = |k: &'static str, v: &'static str| {
            let mut f: Vec<(&'static str, &'static str)> =
                file.iter().filter(|(x, _)| *x != k).cloned().collect();
            f.push((k, v));
            f
        };
        let bad = with("gstin", "27AAPFU0939F1ZW");
        let refused = save(program.clone(), pc.clone(), bad).await;
        assert!(
            refused.contains("Not%20saved") && refused.contains("check%20character"),
            "{b}: {refused}"
        );
        let saved = save(program.clone(), pc.clone(), file.clone()).await;
        assert!(saved.contains("Saved"), "{b}: {saved}");
        // The legal name shows beside the code on the lists.
        let list = text(&program, format!("{base}/partners")).await;
        assert!(
            list.contains("SWFT</a> <small class=\"muted\">Swift Riders Pvt Ltd</small>"),
            "{b}: the partners list names SWFT"
        );
        // The partner: its bank account masked everywhere, never whole.
        let partner = logged_in(&app, "partner").await;
        let page = text(&partner, &url).await;
        assert!(
            page.contains("6789") && !page.contains("50100123456789"),
            "{b}"
        );
        assert!(page.contains("10.0%"), "{b}: the fleet's EV share");
        let api = text(&partner, format!("{base}/api/v1/partners/SWFT/file")).await;
        assert!(!api.contains("50100123456789"), "{b}: {api}");
        let proposal: Vec<(&'static str, &'static str)> = with("contact_phone", "+91 98450 12345")
            .into_iter()
            .filter(|(k, _)| *k != "bank_account")
            .collect();
        let proposed = save(partner.clone(), hidden(&page, "csrf"), proposal).await;
        assert!(
            proposed.contains("Proposed%20as%20request%201"),
            "{b}: {proposed}"
        );
        // The program team changes the IFSC after the proposal: accepting the partner's
        // phone keeps it.
        let later = with("bank_ifsc", "ICIC0005678");
        assert!(
            save(program.clone(), pc.clone(), later)
                .await
                .contains("Saved"),
            "{b}"
        );
        let before = text(&program, &url).await;
        assert!(before.contains("Changes proposed by the partner"), "{b}");
        let accepted = save(
            program.clone(),
            pc.clone(),
            vec![("action", "accept"), ("request", "1")],
        )
        .await;
        assert!(accepted.contains("accepted"), "{b}: {accepted}");
        let v: serde_json::Value = serde_json::from_str(
            &text(&program, format!("{base}/api/v1/partners/SWFT/file")).await,
        )
        .unwrap();
        assert_eq!(v["file"]["file"]["contact_phone"], "+91 98450 12345", "{b}");
        assert_eq!(
            v["file"]["file"]["bank_ifsc"], "ICIC0005678",
            "{b}: later edits stay"
        );
        assert_eq!(
            v["file"]["requests"][0]["fields"],
            serde_json::json!(["contact_phone"]),
            "{b}"
        );
        assert_eq!(
            v["file"]["bank_account_masked"], "••••••••••6789",
            "{b}: the account kept"
        );
        assert_eq!(v["file"]["requests"][0]["state"], "accepted", "{b}");
        // Another partner's file, and ZIPX's for the SWFT partner: not found.
        let other = partner
            .get(format!("{base}/partners/ZIPX/file"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "{b}");
        drop(app);
        t.finish().await;
    }
}

/// A launch's item done with a file as its evidence through the page; the file goes to
/// those who see the launch only.
#[tokio::test(flavor = "multi_thread")]
async fn a_launch_item_is_done_with_a_file_that_only_its_scope_downloads() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let launches = seed_launches(&app, &t.url).await;
        let b = t.backend();
        let base = &app.base;
        let program = logged_in(&app, "program").await;
        let url = format!("{base}/launches/{}", launches[1]);
        let page = text(&program, &url).await;
        let csrf = hidden(&page, "csrf");
        let item: i64 = page
            .split("name=\"item\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("item", item.to_string())
            .text("evidence", "")
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 verified list".to_vec())
                    .file_name("verified.pdf"),
            );
        let r = program
            .post(format!("{url}?csrf={csrf}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert!(
            r.headers()["location"].to_str().unwrap().contains("Done"),
            "{b}"
        );
        let file = program
            .get(format!("{url}?evidence={item}"))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), StatusCode::OK, "{b}");
        assert_eq!(
            file.bytes().await.unwrap().as_ref(),
            b"%PDF-1.4 verified list"
        );
        // Only a scope of stations opens launches: the program team has the form, a
        // coach of a partner portfolio does not.
        assert!(
            text(&program, format!("{base}/launches"))
                .await
                .contains("Open a launch"),
            "{b}"
        );
        let coach = logged_in(&app, "coach").await;
        assert!(
            !text(&coach, format!("{base}/launches"))
                .await
                .contains("Open a launch"),
            "{b}"
        );
        // ZIPX's launch at BOM1: the SWFT partner and coach get 404, for the file too.
        for user in ["partner", "coach"] {
            let c = logged_in(&app, user).await;
            let r = c
                .get(format!("{url}?evidence={item}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}: {user}");
        }
        drop(app);
        t.finish().await;
    }
}
