//! The real application on a random port with a fresh database and a week of data.

#![allow(dead_code)]

use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::{Kind, Progress, Workspace};
use dspdesk_core::Role;
use dspdesk_store::testing::TestStore;
use std::sync::Arc;

pub struct App {
    pub base: String,
    /// The workspace the server runs on, for tests that load more into it.
    pub data: std::path::PathBuf,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// A week of rows (2026-W47) for SWFT at DEL4 and ZIPX at BOM1, `per_day` packages
/// each a day; ZIPX's first package of each day is late.
pub fn rows(per_day: usize) -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    for day in 16..=22 {
        for (i, (station, partner)) in [("DEL4", "SWFT"), ("BOM1", "ZIPX")].iter().enumerate() {
            for p in 0..per_day {
                let late = if p == 0 && i == 1 { "23:00" } else { "20:00" };
                s.push_str(&format!(
                    "P{day}{i}{p},R{i},2026-11-{day},{station},{partner},2026-11-{day}T21:00:00+05:30,delivered,2026-11-{day}T{late}:00+05:30,10,100,\n"
                ));
            }
        }
    }
    s
}

/// `rows(per_day)` and the first two days of the next week (23–24 Nov) for SWFT at
/// DEL4: a week shown "so far".
pub fn rows_and_two_more_days(per_day: usize) -> String {
    let mut s = rows(per_day);
    for day in 23..=24 {
        for p in 0..per_day {
            s.push_str(&format!(
                "N{day}{p},R0,2026-11-{day},DEL4,SWFT,2026-11-{day}T21:00:00+05:30,delivered,2026-11-{day}T20:00:00+05:30,10,100,\n"
            ));
        }
    }
    s
}

/// Serves a workspace on a random port until the sender is used or dropped.
pub async fn serve_workspace(ws: Workspace) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(dspdesk_web::serve(
        listener,
        dspdesk_web::AppState::new(ws, false),
        async {
            let _ = stopped.await;
        },
    ));
    (base, stop)
}

/// `rows(per_day)`, and ZIPX also at PNQ5 (route R2, all on time): a partner at two
/// stations, for what a station manager of one of them may see.
pub fn rows_at_two_stations(per_day: usize) -> String {
    let mut s = rows(per_day);
    for day in 16..=22 {
        for p in 0..per_day {
            s.push_str(&format!(
                "Q{day}{p},R2,2026-11-{day},PNQ5,ZIPX,2026-11-{day}T21:00:00+05:30,delivered,2026-11-{day}T20:00:00+05:30,10,100,\n"
            ));
        }
    }
    s
}

/// Serves a fresh workspace on `t` with one user per role (password `PASSWORD`).
pub async fn spawn(t: &TestStore, per_day: usize) -> App {
    spawn_with(t, &rows(per_day)).await
}

/// Serves a fresh workspace holding `deliveries` (a CSV file's text).
pub async fn spawn_with(t: &TestStore, deliveries: &str) -> App {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path(), Some(&t.url)).await.unwrap();
    let file = dir.path().join("d.csv");
    std::fs::write(&file, deliveries).unwrap();
    let opts = IngestOptions {
        loaded_by: "test".into(),
        ..IngestOptions::default()
    };
    ingest(
        &ws,
        Kind::Deliveries,
        &file,
        &opts,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    let people: [(&str, Role, &[&str], &[&str]); 5] = [
        ("admin", Role::Admin, &[], &[]),
        ("program", Role::Program, &[], &[]),
        ("coach", Role::Coach, &["SWFT"], &[]),
        ("station", Role::Station, &[], &["BOM1"]),
        ("partner", Role::Partner, &["SWFT"], &[]),
    ];
    for (name, role, partners, stations) in people {
        let p: Vec<String> = partners.iter().map(|s| s.to_string()).collect();
        let s: Vec<String> = stations.iter().map(|s| s.to_string()).collect();
        let person = dspdesk_app::people::NewPerson {
            username: name.into(),
            display_name: name.into(),
            role,
            scopes: dspdesk_app::people::scopes_for(role, &p, &s).unwrap(),
            password: PASSWORD.into(),
        };
        dspdesk_app::people::create_user(&ws, &dspdesk_app::Actor::operator("test"), &person)
            .await
            .unwrap();
    }
    let (base, stop) = serve_workspace(ws).await;
    App {
        base,
        data: dir.path().to_path_buf(),
        _dir: dir,
        stop: Some(stop),
    }
}

/// One support-hub point, with a PDF attached, about each partner at each of its
/// stations (SWFT at DEL4, ZIPX at BOM1, ZIPX at PNQ5): their (follow-up, attachment)
/// ids in that order.
pub async fn seed_followups(app: &App, url: &str) -> Vec<(i64, i64)> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .to_utc();
    let mut out = Vec::new();
    for (partner, station) in [("SWFT", "DEL4"), ("ZIPX", "BOM1"), ("ZIPX", "PNQ5")] {
        let raise = dspdesk_app::followups::Raise {
            partner: partner.into(),
            station: station.into(),
            title: "Uniforms missing".into(),
            body: "The riders came without uniforms.".into(),
            ..Default::default()
        };
        let id = dspdesk_app::followups::raise(&ws, &op, raise, now)
            .await
            .unwrap();
        let att =
            dspdesk_app::followups::attach(&ws, &op, id, "photo.pdf", b"%PDF-1.4 evidence", now)
                .await
                .unwrap();
        out.push((id, att));
    }
    ws.close().await;
    out
}

/// One DSP review about each subject of the walk (SWFT at DEL4, ZIPX at BOM1, ZIPX at
/// PNQ5), each with an action item for someone who may see it: their ids in order.
pub async fn seed_reviews(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .to_utc();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let mut out = Vec::new();
    for (partner, station, owner) in [
        ("SWFT", "DEL4", "partner"),
        ("ZIPX", "BOM1", "station"),
        ("ZIPX", "PNQ5", "program"),
    ] {
        let record = dspdesk_app::reviews::Record {
            kind: dspdesk_core::reviews::ReviewKind::DspReview,
            date: day(23),
            partner: partner.into(),
            station: station.into(),
            attendees: "Asha, Ravi".into(),
            notes: "Reviewed the week.".into(),
            items: vec![dspdesk_app::reviews::NewItem {
                title: "Fix the van roster".into(),
                owner: owner.into(),
                due: day(27),
            }],
        };
        out.push(
            dspdesk_app::reviews::record(&ws, &op, record, now)
                .await
                .unwrap(),
        );
    }
    ws.close().await;
    out
}

/// One flag about each subject of the walk (SWFT at DEL4, ZIPX at BOM1, ZIPX at PNQ5),
/// as a refresh would store them: their ids in order.
pub async fn seed_flags(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let subjects = [("SWFT", "DEL4"), ("ZIPX", "BOM1"), ("ZIPX", "PNQ5")];
    let flags: Vec<dspdesk_store::NewFlag> = subjects
        .iter()
        .map(|(partner, station)| dspdesk_store::NewFlag {
            kind: dspdesk_core::flags::FlagKind::Defaulting,
            partner: (*partner).into(),
            station: (*station).into(),
            subject: String::new(),
            reason: format!("{partner} at {station}: DOT under target for 3 weeks"),
            numbers: String::new(),
            data_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        })
        .collect();
    ws.store.sync_flags(&flags).await.unwrap();
    let rows = ws.store.flags(false).await.unwrap();
    let out = subjects
        .iter()
        .map(|(p, s)| {
            rows.iter()
                .find(|f| f.partner == *p && f.station == *s)
                .unwrap()
                .id
        })
        .collect();
    ws.close().await;
    out
}

/// A launch of each subject of the walk (SWFT at DEL4, ZIPX at BOM1, ZIPX at PNQ5):
/// their ids in order.
pub async fn seed_launches(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::Utc::now();
    let target = now.date_naive() + chrono::Duration::days(5);
    let mut out = Vec::new();
    for (partner, station) in [("SWFT", "DEL4"), ("ZIPX", "BOM1"), ("ZIPX", "PNQ5")] {
        out.push(
            dspdesk_app::launches::open(&ws, &op, partner, station, target, now)
                .await
                .unwrap(),
        );
    }
    ws.close().await;
    out
}

/// An invoice of a partner at a station, its GSTINs valid, its tax right (inter-state
/// from Maharashtra when the partner's simulated GSTIN is there); no rates are loaded,
/// so the expected payout is 0.00 and each opens a dispute.
pub fn invoice_of(partner: &str, station: &str, number: &str) -> dspdesk_core::invoices::Invoice {
    let gstin = dspdesk_app::simulate::invoices::partner_gstin(partner);
    let intra = gstin.starts_with("29");
    let (cgst, sgst, igst) = if intra { (900, 900, 0) } else { (0, 0, 1800) };
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    dspdesk_core::invoices::Invoice {
        partner: partner.into(),
        number: number.into(),
        invoice_date: d("2026-11-23"),
        period_from: d("2026-11-16"),
        period_to: d("2026-11-22"),
        stations: vec![station.into()],
        supplier_gstin: gstin,
        recipient_gstin: dspdesk_app::simulate::invoices::network_gstin(),
        place_of_supply: "29".into(),
        taxable: 10_000,
        cgst,
        sgst,
        igst,
        total: 10_000 + cgst + sgst + igst,
    }
}

/// An invoice of each of the walk's subjects (SWFT at DEL4, ZIPX at BOM1 and PNQ5).
pub async fn seed_invoices(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for (i, (partner, station)) in [("SWFT", "DEL4"), ("ZIPX", "BOM1"), ("ZIPX", "PNQ5")]
        .into_iter()
        .enumerate()
    {
        let inv = invoice_of(partner, station, &format!("W-{i}"));
        let added = dspdesk_app::invoices::add(
            &ws,
            &op,
            vec![(1, inv)],
            dspdesk_app::invoices::Source::Api,
            now,
        )
        .await
        .unwrap();
        out.push(added[0].id);
    }
    ws.close().await;
    out
}

/// A routes file for the walk's subjects, each route with a supervisor: R0 at DEL4
/// (SUP-SWFT), R1 at BOM1 and R2 at PNQ5 (both SUP-ZIPX), every day of the deliveries.
pub async fn seed_supervisors(app: &App, url: &str) {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let mut text = String::from(
        "route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost\n",
    );
    for day in 16..=22 {
        for (route, station, partner) in [
            ("R0", "DEL4", "SWFT"),
            ("R1", "BOM1", "ZIPX"),
            ("R2", "PNQ5", "ZIPX"),
        ] {
            text.push_str(&format!(
                "{route},2026-11-{day},{station},{partner},8,EV2W,40,SUP-{partner},D-{route},,\n"
            ));
        }
    }
    let file = app.data.join("walk-routes.csv");
    std::fs::write(&file, text).unwrap();
    let opts = IngestOptions {
        loaded_by: "test".into(),
        ..IngestOptions::default()
    };
    ingest(
        &ws,
        Kind::Routes,
        &file,
        &opts,
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    ws.close().await;
}

/// SWFT and ZIPX, the walk's partners, as applicants in onboarding.
pub async fn seed_onboarding(app: &App, url: &str) {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::Utc::now();
    for partner in ["SWFT", "ZIPX"] {
        let name = format!("{partner} Logistics Pvt Ltd");
        dspdesk_app::onboarding::apply(&ws, &op, partner, &name, now.date_naive(), now)
            .await
            .unwrap();
    }
    ws.close().await;
}

/// A trade licence of each partner of the walk's subjects (SWFT, ZIPX, ZIPX): their ids
/// in order; the first verified.
pub async fn seed_documents(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .to_utc();
    let t = dspdesk_core::compliance::DocType {
        code: "trade_licence".into(),
        label: "Trade licence".into(),
        mandatory: true,
    };
    dspdesk_app::documents::set_type(&ws, &op, t, now)
        .await
        .unwrap();
    let mut out = Vec::new();
    for (i, partner) in ["SWFT", "ZIPX", "ZIPX"].iter().enumerate() {
        let up = dspdesk_app::documents::Upload {
            partner: (*partner).into(),
            doc_type: "trade_licence".into(),
            number: format!("TL-{i}"),
            issued_on: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            expires_on: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
            filename: "licence.pdf".into(),
        };
        let id = dspdesk_app::documents::upload(&ws, &op, up, b"%PDF-1.4 licence", now)
            .await
            .unwrap();
        out.push(id);
    }
    dspdesk_app::documents::check(&ws, &op, out[0], true, "", now)
        .await
        .unwrap();
    ws.close().await;
    out
}

/// One improvement plan about each subject of the walk (SWFT at DEL4, ZIPX at BOM1,
/// ZIPX at PNQ5): their ids in order.
pub async fn seed_plans(app: &App, url: &str) -> Vec<i64> {
    let ws = Workspace::open(&app.data, Some(url)).await.unwrap();
    let op = dspdesk_app::Actor::operator("test");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .to_utc();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let mut out = Vec::new();
    for (partner, station) in [("SWFT", "DEL4"), ("ZIPX", "BOM1"), ("ZIPX", "PNQ5")] {
        let issue = dspdesk_app::plans::Issue {
            partner: partner.into(),
            station: station.into(),
            metrics: vec![("dot_pct".into(), 95.0)],
            issued_on: day(18),
            review_on: day(30),
            note: "Lift DOT to 95%.".into(),
        };
        out.push(
            dspdesk_app::plans::issue(&ws, &op, issue, now)
                .await
                .unwrap(),
        );
    }
    ws.close().await;
    out
}
