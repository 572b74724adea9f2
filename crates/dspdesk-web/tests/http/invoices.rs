//! Invoices over HTTP, on SQLite and PostgreSQL: a partner sends one with the wrong
//! kind of tax through the API and its GST case opens; the program team sees it and
//! settles the dispute on the page; a bad file is refused with its rows and columns;
//! another scope gets 404.

use crate::support::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_sent_with_the_wrong_tax_opens_a_case_and_its_dispute_is_settled() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let b = t.backend();
        let base = &app.base;
        let partner = logged_in(&app, "partner").await;
        let page = text(&partner, format!("{base}/invoices")).await;
        let csrf = hidden(&page, "csrf");
        // SWFT's own invoice: intra- or inter-state, it charges the other kind of tax.
        let inv = invoice_of("SWFT", "DEL4", "SW/1");
        let intra = inv.supplier_gstin.starts_with("29");
        let (cgst, igst) = if intra { ("0", "18.00") } else { ("9.00", "0") };
        let body = json!({
            "partner": "SWFT", "invoice_number": "SW/1", "invoice_date": "2026-11-23",
            "period_from": "2026-11-16", "period_to": "2026-11-22", "stations": "DEL4",
            "supplier_gstin": inv.supplier_gstin, "recipient_gstin": inv.recipient_gstin,
            "place_of_supply": "29", "taxable_value": 100, "cgst": cgst, "sgst": cgst,
            "igst": igst, "total": "118.00",
        });
        let sent = partner
            .post(format!("{base}/api/v1/invoices"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED, "{b}");
        let v: Value = sent.json().await.unwrap();
        let added = &v["invoices"][0];
        assert!(
            added["gst_problem"]
                .as_str()
                .unwrap()
                .contains("wrong kind"),
            "{b}: {v}"
        );
        // No rates are loaded: the routes pay 0.00, so ₹100 is in dispute.
        assert_eq!(added["payout_difference"], 10_000, "{b}: {v}");
        let id = added["id"].as_i64().unwrap();
        // The same number again in the year: refused with the field.
        let again = partner
            .post(format!("{base}/api/v1/invoices"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "{b}");
        assert!(
            again.text().await.unwrap().contains("invoice_number"),
            "{b}"
        );
        // Another partner's invoice: the partner may not enter it.
        let mut zipx = body.clone();
        zipx["partner"] = json!("ZIPX");
        zipx["stations"] = json!("BOM1");
        let refused = partner
            .post(format!("{base}/api/v1/invoices"))
            .header("x-csrf-token", &csrf)
            .json(&zipx)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{b}");
        // The partner may not settle; the program team does, on the invoice's page.
        let url = format!("{base}/invoices/{id}");
        let own = text(&partner, &url).await;
        assert!(
            own.contains("wrong kind of tax") && !own.contains("name=\"accepted\""),
            "{b}"
        );
        let program = logged_in(&app, "program").await;
        let list = text(&program, format!("{base}/invoices")).await;
        assert!(
            list.contains("SW/1") && list.contains("In dispute, per partner"),
            "{b}"
        );
        let shown = text(&program, &url).await;
        let settle = |accepted: &'static str, number: &'static str| {
            let (c, csrf) = (program.clone(), hidden(&shown, "csrf"));
            let url = url.clone();
            async move {
                let r = c
                    .post(&url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("accepted", accepted),
                        ("note_number", number),
                        ("note_date", "2026-11-28"),
                    ])
                    .send()
                    .await
                    .unwrap();
                r.headers()["location"].to_str().unwrap().to_owned()
            }
        };
        let over = settle("500", "CN-9").await;
        assert!(over.contains("Not%20settled"), "{b}: {over}");
        let ok = settle("40", "CN-9").await;
        assert!(ok.ends_with("done=Settled."), "{b}: {ok}");
        let after = text(&program, &url).await;
        assert!(after.contains("credit note CN-9 of ₹60.00"), "{b}: {after}");
        let api: Value = program
            .get(format!("{base}/api/v1/invoices?partner=SWFT"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            api["invoices"][0]["dispute"]["followup"]["state"], "resolved",
            "{b}"
        );
        assert_eq!(api["invoices"][0]["gst_case"]["kind"], "gst", "{b}");
        // The station manager (BOM1) sees no invoice; the coach of SWFT does.
        let station = logged_in(&app, "station").await;
        let r = station.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}");
        let coach = logged_in(&app, "coach").await;
        assert!(text(&coach, &url).await.contains("SW/1"), "{b}");
        drop(app);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_invoice_file_is_refused_whole_with_its_rows_and_columns() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(2)).await;
        let b = t.backend();
        let base = &app.base;
        let program = logged_in(&app, "program").await;
        let page = text(&program, format!("{base}/invoices")).await;
        let csrf = hidden(&page, "csrf");
        let good = invoice_of("ZIPX", "BOM1", "Z/1");
        let row = |partner: &str, number: &str, gstin: &str, igst: &str| {
            format!(
                "{partner},{number},2026-11-23,2026-11-16,2026-11-22,BOM1,{gstin},{},29,100.00,{},{},{igst},118.00",
                good.recipient_gstin,
                if good.igst > 0 { "0" } else { "9.00" },
                if good.igst > 0 { "0" } else { "9.00" },
            )
        };
        let igst = if good.igst > 0 { "18.00" } else { "0" };
        let mut bad_gstin = good.supplier_gstin.clone();
        bad_gstin.replace_range(14.., if bad_gstin.ends_with('A') { "B" } else { "A" });
        let csv = [
            "partner,invoice_number,invoice_date,period_from,period_to,stations,supplier_gstin,recipient_gstin,place_of_supply,taxable_value,cgst,sgst,igst,total".to_owned(),
            row("ZIPX", "Z/1", &good.supplier_gstin, igst),
            row("ZIPX", "Z/2", &bad_gstin, igst),
            row("ZIPX", "Z/3", &good.supplier_gstin, "-1"),
            row("ZIPX", "Z/1", &good.supplier_gstin, igst),
            row("NOPE", "N/1", &good.supplier_gstin, igst),
        ]
        .join("\n");
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("october.csv"),
        );
        let r = program
            .post(format!("{base}/invoices/upload?csrf={csrf}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        let shown = text(&program, format!("{base}{to}")).await;
        for says in [
            "Not stored",
            "october.csv row 4, column igst",
            "row 3, column supplier_gstin",
            "row 5, column invoice_number",
            "row 6, column partner",
        ] {
            assert!(shown.contains(says), "{b}: {says}: {shown}");
        }
        assert!(!shown.contains("row 2,"), "{b}: row 2 is fine");
        let api: Value = program
            .get(format!("{base}/api/v1/invoices"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            api["invoices"].as_array().unwrap().len(),
            0,
            "{b}: nothing stored"
        );
        drop(app);
        t.finish().await;
    }
}
