//! `dspdesk demo`: a realistic network, generated and loaded, in one command.

use super::{EXAMPLE_RATES, sim_files, thousands};
use crate::Cli;
use chrono::{Duration, NaiveDate};
use dspdesk_app::Actor;
use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::network::export::{Grain, MetricsSpec, metrics};
use dspdesk_app::network::views;
use dspdesk_app::simulate::{SimConfig, simulate};
use dspdesk_app::{Progress, Workspace};
use dspdesk_core::IsoWeek;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Generate a realistic network, load it into an embedded SQLite database, summarise it.
///
/// 30 stations, 150 partners and 120 days by default, in DIR/input (the files) and
/// DIR/data (the lake and the database). Run it again to reuse what is loaded.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  dspdesk demo\n  dspdesk --data-dir dspdesk-demo/data export metrics --grain week --by partner --from 2026-11-09 --to 2026-11-22"
)]
pub struct DemoArgs {
    /// Where the demo's files and data go (DIR/input, DIR/data); with --data-dir, the data
    /// go there instead and the files to its demo-input folder.
    #[arg(long, default_value = "dspdesk-demo")]
    pub dir: PathBuf,
    #[arg(long, default_value_t = 30)]
    pub stations: u32,
    #[arg(long, default_value_t = 150)]
    pub partners: u32,
    #[arg(long, default_value_t = 120)]
    pub days: u32,
    /// Mean packages per station per day.
    #[arg(long, default_value_t = 400)]
    pub volume: u32,
    /// Generate and load again even if the demo is already loaded.
    #[arg(long)]
    pub fresh: bool,
    /// Load and summarise, then stop instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub serve: super::serve::ServeArgs,
}

/// One user per role (once), with fixed demo passwords; the partner user is the
/// partner with the lowest DOT last week, the coach holds the five lowest.
async fn demo_users(
    ws: &Workspace,
    lowest: &[views::PartnerLine],
) -> anyhow::Result<Vec<(String, String, String)>> {
    use dspdesk_core::Role;
    let codes: Vec<String> = lowest.iter().take(5).map(|p| p.partner.clone()).collect();
    let first_station = ws
        .store
        .list_stations()
        .await?
        .into_iter()
        .next()
        .map(|s| s.code)
        .unwrap_or_default();
    // (username, role, partners, stations, password)
    let people = [
        ("admin", Role::Admin, vec![], vec![], "admin-demo-password"),
        (
            "program",
            Role::Program,
            vec![],
            vec![],
            "program-demo-password",
        ),
        (
            "coach",
            Role::Coach,
            codes.clone(),
            vec![],
            "coach-demo-password",
        ),
        (
            "station",
            Role::Station,
            vec![],
            vec![first_station],
            "station-demo-password",
        ),
        (
            "partner",
            Role::Partner,
            codes.iter().take(1).cloned().collect(),
            vec![],
            "partner-demo-password",
        ),
    ];
    let mut out = Vec::new();
    for (name, role, partners, stations, pw) in people {
        if !dspdesk_app::people::exists(ws, name).await? {
            let person = dspdesk_app::people::NewPerson {
                username: name.into(),
                display_name: format!("Demo {role}"),
                role,
                scopes: dspdesk_app::people::scopes_for(role, &partners, &stations)?,
                password: pw.into(),
            };
            dspdesk_app::people::create_user(ws, &Actor::operator("demo"), &person).await?;
        }
        let scope: Vec<String> = partners.iter().chain(&stations).cloned().collect();
        let label = if scope.is_empty() {
            role.to_string()
        } else {
            format!("{role} ({})", scope.join(", "))
        };
        out.push((name.to_string(), label, pw.to_string()));
    }
    Ok(out)
}

/// Where the demo keeps its data and its generated files: `--data-dir DIR` when given
/// (the files in DIR/demo-input), else `--dir` (DIR/data and DIR/input).
fn folders(cli: &Cli, args: &DemoArgs) -> (PathBuf, PathBuf) {
    if cli.data_dir != Path::new(crate::DEFAULT_DATA_DIR) {
        (cli.data_dir.clone(), cli.data_dir.join("demo-input"))
    } else {
        (args.dir.join("data"), args.dir.join("input"))
    }
}

pub async fn run(cli: &Cli, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let (data, input) = folders(cli, args);
    if args.fresh {
        let root = if data.starts_with(&args.dir) {
            &args.dir
        } else {
            &data
        };
        // Only a folder dspdesk made is removed: never a folder that merely exists.
        if root.exists() && !data.join("dspdesk.db").exists() {
            anyhow::bail!(
                "--fresh: {} holds no dspdesk database; remove it yourself or name another folder",
                data.display()
            );
        }
        if root.exists() {
            std::fs::remove_dir_all(root)?;
        }
    }
    let ws = Workspace::open(&data, None).await?;
    if ws.loaded_range().await?.is_none() {
        generate_and_load(&ws, args, &input).await?;
    }
    print_flags(&ws).await?;
    let Some((_, last)) = ws.loaded_range().await? else {
        anyhow::bail!("the demo loaded no facts");
    };
    // The last complete ISO week.
    let week = IsoWeek::of(last - Duration::days(7));
    print_network(&ws, week).await?;
    let lowest = print_lowest_on_time(&ws, week).await?;
    let worst = print_health_scores(&ws, week).await?;
    print_next_steps(&data, week, worst.as_deref().unwrap_or("SWFT"));
    if args.no_serve {
        print_cases(&ws).await?;
        return Ok(ExitCode::SUCCESS);
    }
    print_logins(&ws, &lowest).await?;
    // After the people exist, so that each case from the data has its coach as owner.
    print_cases(&ws).await?;
    super::serve::serve_workspace(ws, &args.serve).await?;
    Ok(ExitCode::SUCCESS)
}

/// Each station named after its city ("Mumbai 12"), as a network's own list would.
async fn name_stations(ws: &Workspace) -> anyhow::Result<()> {
    for s in dspdesk_app::network::stations(ws).await? {
        if let Some(name) = dspdesk_app::simulate::station_name(&s.code) {
            dspdesk_app::network::set_station_name(ws, &s.code, &name).await?;
        }
    }
    Ok(())
}

/// Simulates the network into DIR/input and loads its files and the example rates.
async fn generate_and_load(ws: &Workspace, args: &DemoArgs, input: &Path) -> anyhow::Result<()> {
    let cfg = SimConfig {
        stations: args.stations,
        partners: args.partners,
        days: args.days,
        volume: args.volume,
        ..SimConfig::default()
    };
    outln!(
        "generating {} stations, {} partners, {} days into {} …",
        cfg.stations,
        cfg.partners,
        cfg.days,
        input.display()
    );
    let sim = simulate(&cfg, input)?;
    let book = dspdesk_core::profit::RateBook::from_toml(EXAMPLE_RATES)
        .map_err(|e| anyhow::anyhow!("the example rates: {e}"))?;
    dspdesk_app::simulate::invoices::write_invoices(input, &book)?;
    let opts = IngestOptions {
        loaded_by: "demo".into(),
        ..IngestOptions::default()
    };
    for (kind, path) in sim_files(&sim) {
        let r = ingest(ws, kind, path, &opts, Arc::new(Progress::default())).await?;
        outln!(
            "loaded {:>10} {:<16} {:>6} station-days  {:.1}s",
            thousands(r.rows_loaded),
            r.kind,
            thousands(r.station_days),
            r.seconds
        );
    }
    let (version, _) = dspdesk_app::config::load(
        ws,
        dspdesk_core::config::ConfigKind::Rates,
        EXAMPLE_RATES,
        "demo rates (examples/config/rates.toml)",
        &Actor::operator("demo"),
    )
    .await?;
    outln!("loaded the example rate cards and cost models as rates version {version}");
    load_invoices(ws, input).await?;
    name_stations(ws).await?;
    set_ev_goals(ws).await?;
    ev_connects(ws).await?;
    configure_vas(ws).await?;
    name_supervisors(ws).await?;
    issue_planted_plans(ws, &sim.truth_path).await?;
    file_documents(ws).await?;
    onboard(ws).await?;
    open_launches(ws).await?;
    Ok(())
}

/// Launches of every colour, against today's date: green (every mandatory item done),
/// amber (5 days to go), red (tomorrow), open (3 weeks to go).
async fn open_launches(ws: &Workspace) -> anyhow::Result<()> {
    use dspdesk_app::launches::{finish, open, show};
    let mut stations: Vec<String> = ws.store.station_zones().await?.into_keys().collect();
    stations.sort();
    let partners: Vec<String> = dspdesk_app::shared::model::Model::load(ws)
        .await?
        .partners()
        .take(4)
        .cloned()
        .collect();
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let me = Actor::operator("demo");
    let plans = [(20, 0), (5, 2), (1, 1), (12, 99)];
    for (k, ((days, done), station)) in plans.iter().zip(&stations).enumerate() {
        let partner = if k == 0 {
            ""
        } else {
            partners.get(k).map_or("", |p| p.as_str())
        };
        let id = open(
            ws,
            &me,
            partner,
            station,
            today + Duration::days(*days),
            now,
        )
        .await?;
        let items = show(ws, &me, id, now).await?.launch.items;
        for item in items.iter().filter(|i| i.mandatory).take(*done) {
            finish(
                ws,
                &me,
                id,
                item.id,
                "Confirmed on the readiness call",
                None,
                now,
            )
            .await?;
        }
    }
    outln!(
        "{} launches on the go/no-go board",
        plans.len().min(stations.len())
    );
    Ok(())
}

/// Applicants at every stage of onboarding, and one partner of the data that applied
/// before the data begins and went live with its first route.
async fn onboard(ws: &Workspace) -> anyhow::Result<()> {
    use dspdesk_app::onboarding::{advance, apply, finish, show};
    use dspdesk_core::onboarding::Stage;
    let Some((first, _)) = ws.loaded_range().await? else {
        return Ok(());
    };
    // Applicants are of today, whenever the demo runs: their days in the stage are real.
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let me = Actor::operator("demo");
    let model = dspdesk_app::shared::model::Model::load(ws).await?;
    let live = model.partners().last().cloned();
    let mut applicants: Vec<(String, String, usize, NaiveDate)> = [
        ("NOVA", "Nova Last Mile Pvt Ltd", 0),
        ("KWIK", "Kwik Couriers LLP", 1),
        ("RAPD", "Rapid Riders Logistics", 2),
        ("VEGA", "Vega Express Services", 3),
        ("ORBT", "Orbit Fleet Solutions", 4),
        ("ZEST", "Zest Deliveries Pvt Ltd", 5),
    ]
    .into_iter()
    .map(|(c, n, k)| (c.to_owned(), n.to_owned(), k, today - Duration::days(40)))
    .collect();
    // A simulated partner with one of these codes is in the data already: not an applicant.
    applicants.retain(|a| !model.partners().any(|p| *p == a.0));
    if let Some(p) = live {
        applicants.push((
            p.clone(),
            format!("{p} Logistics Pvt Ltd"),
            0,
            first - Duration::days(60),
        ));
    }
    for (code, name, stages, applied) in &applicants {
        apply(ws, &me, code, name, *applied, now).await?;
        let mut on = *applied;
        for to in Stage::ALL.iter().skip(1).take(*stages) {
            // The stage's checklist first: its mandatory items, and the optional ones of
            // every other partner.
            let k = show(ws, &me, code, now).await?;
            for i in k.items.iter().filter(|i| i.gate == k.stage.gate()) {
                if i.mandatory || stages % 2 == 0 {
                    let note = "checked by the program team";
                    finish(ws, &me, code, i.id, note, None, now).await?;
                }
            }
            on += Duration::days(6);
            advance(ws, &me, code, *to, on, now).await?;
        }
    }
    outln!(
        "{} partners in onboarding, one at each stage",
        applicants.len()
    );
    Ok(())
}

/// The simulated invoices, as a partner's accounts team would send them: checked on
/// arrival, the padded and mis-taxed ones opening disputes and GST cases.
async fn load_invoices(ws: &Workspace, dir: &std::path::Path) -> anyhow::Result<()> {
    let path = dir.join(dspdesk_app::simulate::invoices::INVOICES_FILE);
    let Some((_, last)) = ws.loaded_range().await? else {
        return Ok(());
    };
    let now = (last + Duration::days(5))
        .and_hms_opt(9, 0, 0)
        .map_or_else(chrono::Utc::now, |t| t.and_utc());
    let profile = dspdesk_lake::ImportProfile::default();
    let admin = Actor::operator("demo");
    let added = dspdesk_app::invoices::load_file(ws, &admin, &path, &profile, now).await?;
    outln!(
        "loaded {} invoices: {} GST cases, {} disputes",
        added.len(),
        added.iter().filter(|a| a.gst_problem.is_some()).count(),
        added
            .iter()
            .filter(|a| a.payout_difference.is_some())
            .count()
    );
    Ok(())
}

/// Sustainability goals for six partners, set four weeks before the last complete week
/// (their trajectories have climbed since: some are behind): 30% of routes on EVs within
/// about three months.
async fn set_ev_goals(ws: &Workspace) -> anyhow::Result<()> {
    let model = dspdesk_app::shared::model::Model::load(ws).await?;
    let Some(last) = model.last_complete_week() else {
        return Ok(());
    };
    let set = dspdesk_core::week::IsoWeek::of(last.monday() - Duration::weeks(4));
    let admin = Actor::operator("demo");
    let shares = dspdesk_app::ev::weekly(ws, &admin, set.monday(), set.sunday()).await?;
    let at = set
        .sunday()
        .and_hms_opt(18, 0, 0)
        .map_or_else(chrono::Utc::now, |t| t.and_utc());
    let mut n = 0;
    for s in shares.iter().take(6) {
        let g = dspdesk_core::ev::Goal {
            target_pct: 30.0,
            by: set.sunday() + Duration::days(90),
            set_week: set,
            start_pct: s.ev_routes_pct.unwrap_or(0.0),
        };
        ws.store.set_ev_goal(&s.partner, &g, "cli:demo", at).await?;
        n += 1;
    }
    outln!(
        "{n} partners with an EV goal (30% by {})",
        set.sunday() + Duration::days(90)
    );
    Ok(())
}

/// Three EV vendors, and connects with the partners behind their EV goal: one held
/// (its outcome recorded, the next one scheduled), others coming up this week.
async fn ev_connects(ws: &Workspace) -> anyhow::Result<()> {
    use dspdesk_app::ev::connects::{self, Outcome, Schedule};
    let admin = Actor::operator("demo");
    let now = chrono::Utc::now();
    let ids = demo_vendors(ws, &admin, now).await?;
    let behind: Vec<String> = dspdesk_app::ev::board(ws, &admin, 8)
        .await?
        .into_iter()
        .filter(|l| l.goal.is_some())
        .map(|l| l.partner)
        .take(3)
        .collect();
    let today = now.date_naive();
    let mut n = 0;
    for (i, partner) in behind.iter().enumerate() {
        let id = connects::schedule(
            ws,
            &admin,
            Schedule {
                partner: partner.clone(),
                vendor: ids[i % ids.len()],
                date: Some(today + Duration::days(i as i64 + 1)),
                attendees: format!("{partner} owner and fleet lead; the vendor's account manager"),
                agenda: String::new(),
                owner: String::new(),
            },
            now,
        )
        .await?;
        n += 1;
        if i == 0 {
            connects::record(
                ws,
                &admin,
                id,
                Outcome {
                    outcome: "Agreed a one-month trial of 5 vehicles on the morning routes".into(),
                    next_step: "Review the trial's routes and cost per package".into(),
                    next_date: Some(today + Duration::days(30)),
                },
                now,
            )
            .await?;
            n += 1;
        }
    }
    outln!("{} EV vendors; {n} connects", ids.len());
    Ok(())
}

/// The demo's three EV vendors: their ids.
async fn demo_vendors(
    ws: &Workspace,
    admin: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<i64>> {
    use dspdesk_app::ev::connects::{self, NewVendor};
    let mut ids = Vec::new();
    for (name, vehicles, contact, phone, email) in [
        (
            "Volta Motors",
            "EV3W: Volta Cargo 8; EV4W: Volta Van",
            "Ravi Menon",
            "+91 80 4000 1234",
            "fleet@volta.example",
        ),
        (
            "Ampere Fleet",
            "EV2W: Ampere Primus; EV2W: Nexus Cargo",
            "Leela Das",
            "+91 44 2811 5500",
            "b2b@ampere.example",
        ),
        (
            "Greenline Leasing",
            "EV3W: Treo Zor (lease 36 months)",
            "Sameer Qureshi",
            "+91 22 6650 9000",
            "lease@greenline.example",
        ),
    ] {
        ids.push(
            connects::add_vendor(
                ws,
                admin,
                NewVendor {
                    name: name.into(),
                    vehicles: vehicles.into(),
                    contact_name: contact.into(),
                    contact_phone: phone.into(),
                    contact_email: email.into(),
                },
                now,
            )
            .await?,
        );
    }
    Ok(ids)
}

/// The VAS configuration: open_box and try_and_buy offered everywhere, install at every
/// other station, exchange at every third; each partner enrolled in open_box and, by its
/// place in the list, in some of the others offered at its stations (so enrolment runs
/// from a quarter to all).
async fn configure_vas(ws: &Workspace) -> anyhow::Result<()> {
    let admin = Actor::operator("demo");
    let now = chrono::Utc::now();
    let stations = ws.store.list_stations().await?;
    for (i, st) in stations.iter().enumerate() {
        let mut kinds = vec!["open_box", "try_and_buy"];
        if i % 2 == 0 {
            kinds.push("install");
        }
        if i % 3 == 0 {
            kinds.push("exchange");
        }
        for k in kinds {
            dspdesk_app::vas::set_offered(ws, &admin, &st.code, k, true, now).await?;
        }
    }
    let model = dspdesk_app::shared::model::Model::load(ws).await?;
    let mut enrolments = 0;
    for (i, partner) in model.partners().enumerate() {
        for (k, kind) in ["open_box", "try_and_buy", "install", "exchange"]
            .iter()
            .enumerate()
        {
            if k > 0 && (i + k) % 3 == 0 {
                continue;
            }
            // A kind not offered at its stations is refused: skip it.
            if dspdesk_app::vas::set_enrolled(ws, &admin, partner, kind, true, now)
                .await
                .is_ok()
            {
                enrolments += 1;
            }
        }
    }
    outln!(
        "VAS offered at {} stations; {enrolments} partner enrolments",
        stations.len()
    );
    Ok(())
}

/// Names and phones for the first supervisors of a few partners, as the partners would
/// give them.
async fn name_supervisors(ws: &Workspace) -> anyhow::Result<()> {
    let admin = Actor::operator("demo");
    let r = dspdesk_app::supervisors::reckoner(ws, &admin, None).await?;
    const NAMES: [&str; 8] = [
        "Asha Rao",
        "Vikram Singh",
        "Meera Iyer",
        "Rahul Das",
        "Fatima Sheikh",
        "Arjun Nair",
        "Kavya Reddy",
        "Imran Khan",
    ];
    let mut n = 0;
    for (i, l) in r.lines.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let phone = format!("+91 98{:03} {:05}", i % 1000, 10_000 + i * 37 % 90_000);
        dspdesk_app::supervisors::set_contact(
            ws,
            &admin,
            &l.partner,
            &l.supervisor,
            NAMES[i % NAMES.len()],
            &phone,
            chrono::Utc::now(),
        )
        .await?;
        n += 1;
    }
    let top = r.lines.iter().filter(|l| l.top_performer).count();
    outln!(
        "{} supervisors ({top} tenured top performers); {n} named",
        r.lines.len()
    );
    Ok(())
}

/// A partner's file for the demo, its GSTIN the one its invoices carry.
fn demo_file(partner: &str, i: usize) -> dspdesk_core::partners::PartnerFile {
    let gstin = dspdesk_app::simulate::invoices::partner_gstin(partner);
    let k = i as i64;
    dspdesk_core::partners::PartnerFile {
        partner: partner.to_owned(),
        legal_name: format!("{partner} Logistics Pvt Ltd"),
        pan: gstin[2..12].to_owned(),
        gstin,
        contact_name: "Operations head".into(),
        contact_phone: format!("+91 98450 1{:04}", 2000 + k),
        contact_email: format!("ops@{}.example", partner.to_ascii_lowercase()),
        bank_account: format!("5010012345{:04}", 6789 + k),
        bank_ifsc: "HDFC0001234".into(),
        fleet_2w: 30 + 5 * k,
        fleet_3w: 8,
        fleet_4w: 2,
        fleet_ev: 4 + k,
    }
}

const DEMO_TYPES: [(&str, &str, bool); 4] = [
    ("trade_licence", "Trade licence", true),
    ("pan", "PAN", true),
    ("insurance", "Insurance policy", true),
    ("vehicle_papers", "Vehicle papers", false),
];

/// Document types and the papers of a few partners: one in order, one whose licence
/// expires within a month, one whose insurance lapsed (its tier is capped), one waiting
/// to be verified, one rejected. The other partners have none on file.
async fn file_documents(ws: &Workspace) -> anyhow::Result<()> {
    use dspdesk_app::documents::{self, Upload};
    use dspdesk_core::compliance::DocType;
    let Some((_, last)) = ws.loaded_range().await? else {
        return Ok(());
    };
    let now = (last + Duration::days(1))
        .and_hms_opt(9, 0, 0)
        .map_or_else(chrono::Utc::now, |t| t.and_utc());
    let admin = Actor::operator("demo");
    for (code, label, mandatory) in DEMO_TYPES {
        let (code, label) = (code.into(), label.into());
        let t = DocType {
            code,
            label,
            mandatory,
        };
        documents::set_type(ws, &admin, t, now).await?;
    }
    let partners: Vec<String> = dspdesk_app::shared::model::Model::load(ws)
        .await?
        .partners()
        .take(5)
        .cloned()
        .collect();
    let day = |n: i64| last + Duration::days(n);
    for (i, partner) in partners.iter().enumerate() {
        // (type, number, issued, expires, verify: Some(true) verified, Some(false) rejected)
        let licence_end = if i == 1 { day(20) } else { day(300) };
        let insurance_end = if i == 2 { day(-10) } else { day(200) };
        let pan = demo_file(partner, i).pan;
        dspdesk_app::partners::save(ws, &admin, demo_file(partner, i), now).await?;
        let check = match i {
            3 => None,
            4 => Some(false),
            _ => Some(true),
        };
        for (t, number, issued, expires) in [
            (
                "trade_licence",
                format!("TL-{}", 4100 + i),
                day(-400),
                Some(licence_end),
            ),
            ("pan", pan, day(-2000), None),
            (
                "insurance",
                format!("POL-{}", 88_000 + i),
                day(-355),
                Some(insurance_end),
            ),
        ] {
            let up = Upload {
                partner: partner.clone(),
                doc_type: t.into(),
                number,
                issued_on: issued,
                expires_on: expires,
                filename: format!("{t}.pdf"),
            };
            let body = format!("%PDF-1.4 demo {t} of {partner}");
            let id = documents::upload(ws, &admin, up, body.as_bytes(), now).await?;
            match check {
                Some(true) => documents::check(ws, &admin, id, true, "", now).await?,
                Some(false) => {
                    let why = "The scan is unreadable: upload a clear copy.";
                    documents::check(ws, &admin, id, false, why, now).await?
                }
                None => {}
            }
        }
    }
    if !partners.is_empty() {
        outln!(
            "filed the documents of {} partners (one lapsed, one expiring, one waiting, one rejected)",
            partners.len()
        );
    }
    Ok(())
}

/// Issues an improvement plan (DOT to 95%) to each partner the simulator planted for
/// one, on the day `truth.json` names: one improves after it, the other does not.
async fn issue_planted_plans(ws: &Workspace, truth: &Path) -> anyhow::Result<()> {
    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(truth)?)?;
    let coach = Actor::operator("demo");
    let mut issued = 0;
    for p in truth["partners"].as_array().into_iter().flatten() {
        let (Some(partner), Some(day)) = (p["partner"].as_str(), p["plan_on"].as_str()) else {
            continue;
        };
        let issued_on = dspdesk_core::time::parse_day(day).map_err(anyhow::Error::msg)?;
        let plan = dspdesk_app::plans::Issue {
            partner: partner.to_owned(),
            station: String::new(),
            metrics: vec![("dot_pct".to_owned(), 95.0)],
            issued_on,
            review_on: issued_on + Duration::days(42),
            note: "On-time delivery is far under the network's. Lift it to 95% within six weeks: re-plan the routes that start late and brief every rider on the promise windows.".to_owned(),
        };
        // Issued as on the day after the data ends, whenever the demo runs.
        let now = match ws.loaded_range().await? {
            Some((_, last)) => (last + Duration::days(1))
                .and_hms_opt(9, 0, 0)
                .map_or_else(chrono::Utc::now, |t| t.and_utc()),
            None => chrono::Utc::now(),
        };
        match dspdesk_app::plans::issue(ws, &coach, plan, now).await {
            Ok(_) => issued += 1,
            Err(e) => outln!("no improvement plan for {partner}: {e}"),
        }
    }
    if issued > 0 {
        outln!("issued {issued} improvement plans to the partners planted for them");
    }
    Ok(())
}

/// Refreshes the flags and prints how many are open, by kind.
async fn print_flags(ws: &Workspace) -> anyhow::Result<()> {
    let flags = dspdesk_app::flags::refresh_flags(ws).await?;
    let open = dspdesk_app::flags::flags(ws, &Actor::operator("demo"), Default::default()).await?;
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &open {
        *kinds.entry(f.kind.as_str()).or_default() += 1;
    }
    outln!(
        "flags: {} open ({}); {} new, {} cleared",
        open.len(),
        kinds
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        flags.opened,
        flags.cleared
    );
    Ok(())
}

/// Opens the cases the data shows and prints how many are open, by kind.
async fn print_cases(ws: &Workspace) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let sync = dspdesk_app::cases::detect(ws, chrono::Utc::now()).await?;
    let took = started.elapsed();
    let report =
        dspdesk_app::followups::sla_report(ws, &Actor::operator("demo"), chrono::Utc::now())
            .await?;
    let open: Vec<String> = report
        .iter()
        .filter(|l| l.owner == dspdesk_app::followups::SLA_ALL)
        .map(|l| format!("{} {}", l.open_by_age.iter().sum::<i64>(), l.kind))
        .collect();
    outln!(
        "cases: {} open ({}); {} new, {} resolved by the data; detection took {:.2}s",
        report
            .iter()
            .filter(|l| l.owner == dspdesk_app::followups::SLA_ALL)
            .map(|l| l.open_by_age.iter().sum::<i64>())
            .sum::<i64>(),
        open.join(", "),
        sync.opened,
        sync.resolved,
        took.as_secs_f64()
    );
    Ok(())
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}%")).unwrap_or_else(|| "–".into())
}

/// The whole network's numbers for the week.
async fn print_network(ws: &Workspace, week: IsoWeek) -> anyhow::Result<()> {
    let spec = MetricsSpec {
        grain: Grain::Week,
        by_partner: false,
        by_station: false,
        from: week.monday(),
        to: week.sunday(),
    };
    if let Some(net) = metrics(ws, &spec).await?.first() {
        let c = &net.counts;
        outln!(
            "\nnetwork, {week}: {} packages dispatched, DOT {}, DCR {}, NL {} DPMO, COD due {}",
            thousands(c.dispatched as u64),
            pct(c.dot_pct()),
            pct(c.dcr_pct()),
            c.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default(),
            c.cod_due(),
        );
    }
    Ok(())
}

/// Prints the partners with the lowest on-time delivery and returns them, lowest
/// first, so the demo's coach and partner logins hold the ones that need attention.
async fn print_lowest_on_time(
    ws: &Workspace,
    week: IsoWeek,
) -> anyhow::Result<Vec<views::PartnerLine>> {
    let partners = views::overview(ws, &Actor::operator("demo"), Some(week))
        .await
        .map(|v| (*v).clone())?
        .map(|o| o.attention)
        .unwrap_or_default();
    outln!(
        "\nlowest on-time delivery, {week} (partners with {}+ packages):",
        views::ATTENTION_MIN_DISPATCHED
    );
    // The header and the rows share one layout so the columns line up.
    let row = |partner: &str, dispatched: &str, dot: &str, dcr: &str| {
        outln!("  {partner:<8} {dispatched:>10} {dot:>9} {dcr:>9}");
    };
    row("partner", "dispatched", "DOT", "DCR");
    for r in partners.iter().take(8) {
        let c = &r.counts;
        row(
            &r.partner,
            &thousands(c.dispatched as u64),
            &pct(c.dot_pct()),
            &pct(c.dcr_pct()),
        );
    }
    Ok(partners)
}

/// Prints the week's three best and three worst health scores; returns the worst
/// partner, the one most worth explaining.
async fn print_health_scores(ws: &Workspace, week: IsoWeek) -> anyhow::Result<Option<String>> {
    let model = dspdesk_app::shared::model::Model::load(ws).await?;
    let scored = model.week(week);
    let n = scored.partners.len();
    outln!(
        "\nhealth score, {week} (configuration version {}):",
        scored.config_version
    );
    for r in scored
        .partners
        .iter()
        .take(3)
        .chain(scored.partners.iter().skip(n.saturating_sub(3)))
    {
        outln!(
            "  {:>3}. {:<8} {:>5.1}  {}",
            r.rank.unwrap_or(0),
            r.partner,
            r.score.unwrap_or(f64::NAN),
            r.tier.map_or("", |t| t.label())
        );
    }
    Ok(scored.partners.last().map(|r| r.partner.clone()))
}

fn print_next_steps(data: &Path, week: IsoWeek, partner: &str) {
    outln!(
        "\nexplore it:\n  dspdesk --data-dir {d} export metrics --grain week --by partner --from {} --to {}\n  dspdesk --data-dir {d} score --week {week}\n  dspdesk --data-dir {d} explain --partner {partner} --week {week}\n  dspdesk --data-dir {d} flags\n  dspdesk --data-dir {d} batches",
        week.monday(),
        week.sunday(),
        d = data.display(),
    );
}

/// Creates the demo users (once) and prints how to log in as each.
async fn print_logins(ws: &Workspace, lowest: &[views::PartnerLine]) -> anyhow::Result<()> {
    let logins = demo_users(ws, lowest).await?;
    outln!("\nlog in as (passwords are for this demo only):");
    for (user, role, pw) in &logins {
        outln!("  {user:<10} {role:<40} {pw}");
    }
    outln!();
    Ok(())
}
