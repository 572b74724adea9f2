//! `dspdesk demo`: a realistic network, generated and loaded, in one command.

use super::thousands;
use crate::Cli;
use chrono::Duration;
use dspdesk_app::Actor;
use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::network::export::{Grain, MetricsSpec, metrics};
use dspdesk_app::network::views;
use dspdesk_app::simulate::{SimConfig, simulate};
use dspdesk_app::{Kind, Progress, Workspace};
use dspdesk_core::IsoWeek;
use std::path::PathBuf;
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
    /// Where the demo's files and data go.
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

/// The example rate book the demo loads, so profitability has numbers.
const DEMO_RATES: &str = include_str!("../../../../examples/config/rates.toml");

pub async fn run(_cli: &Cli, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let data = args.dir.join("data");
    if args.fresh && args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)?;
    }
    let ws = Workspace::open(&data, None).await?;
    if ws.loaded_range().await?.is_none() {
        let cfg = SimConfig {
            stations: args.stations,
            partners: args.partners,
            days: args.days,
            volume: args.volume,
            ..SimConfig::default()
        };
        println!(
            "generating {} stations, {} partners, {} days into {} …",
            cfg.stations,
            cfg.partners,
            cfg.days,
            args.dir.join("input").display()
        );
        let sim = simulate(&cfg, &args.dir.join("input"))?;
        let opts = IngestOptions {
            loaded_by: "demo".into(),
            ..IngestOptions::default()
        };
        for (kind, path) in [
            (Kind::Routes, &sim.routes_path),
            (Kind::Deliveries, &sim.deliveries_path),
            (Kind::Remittances, &sim.remittances_path),
        ] {
            let r = ingest(&ws, kind, path, &opts, Arc::new(Progress::default())).await?;
            println!(
                "loaded {:>10} {:<16} {:>6} station-days  {:.1}s",
                thousands(r.rows_loaded),
                r.kind,
                thousands(r.station_days),
                r.seconds
            );
        }
        let (version, _) = dspdesk_app::config::load(
            &ws,
            dspdesk_core::config::ConfigKind::Rates,
            DEMO_RATES,
            "demo rates (examples/config/rates.toml)",
            &Actor::operator("demo"),
        )
        .await?;
        println!("loaded the example rate cards and cost models as rates version {version}");
    }
    let flags = dspdesk_app::flags::refresh_flags(&ws).await?;
    let open = dspdesk_app::flags::flags(&ws, &Actor::operator("demo"), Default::default()).await?;
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &open {
        *kinds.entry(f.kind.as_str()).or_default() += 1;
    }
    println!(
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
    let Some((_, last)) = ws.loaded_range().await? else {
        anyhow::bail!("the demo loaded no facts");
    };
    // The last complete ISO week.
    let week = IsoWeek::of(last - Duration::days(7));
    let spec = |by_partner| MetricsSpec {
        grain: Grain::Week,
        by_partner,
        by_station: false,
        from: week.monday(),
        to: week.sunday(),
    };
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.2}%")).unwrap_or_else(|| "–".into());
    if let Some(net) = metrics(&ws, &spec(false)).await?.first() {
        let c = &net.counts;
        println!(
            "\nnetwork, {week}: {} packages dispatched, DOT {}, DCR {}, NL {} DPMO, COD due {}",
            thousands(c.dispatched as u64),
            pct(c.dot_pct()),
            pct(c.dcr_pct()),
            c.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default(),
            c.cod_due(),
        );
    }
    let partners = views::overview(&ws, &Actor::operator("demo"), Some(week))
        .await
        .map(|v| (*v).clone())?
        .map(|o| o.attention)
        .unwrap_or_default();
    println!(
        "\nlowest on-time delivery, {week} (partners with {}+ packages):",
        views::ATTENTION_MIN_DISPATCHED
    );
    println!(
        "  {:<8} {:>10} {:>9} {:>9}",
        "partner", "dispatched", "DOT", "DCR"
    );
    for r in partners.iter().take(8) {
        let c = &r.counts;
        println!(
            "  {:<8} {:>10} {:>9} {:>9}",
            r.partner,
            thousands(c.dispatched as u64),
            pct(c.dot_pct()),
            pct(c.dcr_pct())
        );
    }
    let model = dspdesk_app::shared::model::Model::load(&ws).await?;
    let scored = model.week(week);
    let n = scored.partners.len();
    println!(
        "\nhealth score, {week} (configuration version {}):",
        scored.config_version
    );
    for r in scored
        .partners
        .iter()
        .take(3)
        .chain(scored.partners.iter().skip(n.saturating_sub(3)))
    {
        println!(
            "  {:>3}. {:<8} {:>5.1}  {}",
            r.rank.unwrap_or(0),
            r.partner,
            r.score.unwrap_or(f64::NAN),
            r.tier.map_or("", |t| t.label())
        );
    }
    println!(
        "\nexplore it:\n  dspdesk --data-dir {d} export metrics --grain week --by partner --from {} --to {}\n  dspdesk --data-dir {d} score --week {week}\n  dspdesk --data-dir {d} explain --partner {} --week {week}\n  dspdesk --data-dir {d} flags\n  dspdesk --data-dir {d} batches",
        week.monday(),
        week.sunday(),
        scored
            .partners
            .last()
            .map_or("SWFT", |r| r.partner.as_str()),
        d = data.display(),
    );
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let logins = demo_users(&ws, &partners).await?;
    println!("\nlog in as (passwords are for this demo only):");
    for (user, role, pw) in &logins {
        println!("  {user:<10} {role:<40} {pw}");
    }
    println!();
    super::serve::serve_workspace(ws, &args.serve).await?;
    Ok(ExitCode::SUCCESS)
}
