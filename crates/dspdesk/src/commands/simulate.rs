//! `dspdesk simulate ...`

use super::thousands;
use chrono::NaiveDate;
use clap::Args;
use dspdesk_app::simulate::{SimConfig, simulate};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Write a realistic synthetic network: deliveries.csv, routes.csv, cod_remittances.csv,
/// and invoices.csv (priced with the example rates; some padded or mis-taxed, listed
/// in invoices_truth.json).
///
/// Station sizes from small to very large, partners of varying and drifting quality
/// (some planted bad ones, listed in truth.json), weekday and festive patterns, MOT and
/// block mix, COD, losses, late remittances. The same seed writes the same files.
#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  dspdesk simulate --stations 30 --partners 150 --days 120 --seed 7 --out sim"
)]
pub struct SimulateArgs {
    #[arg(long, default_value_t = 30)]
    pub stations: u32,
    #[arg(long, default_value_t = 150)]
    pub partners: u32,
    #[arg(long, default_value_t = 120)]
    pub days: u32,
    /// The first day (YYYY-MM-DD).
    #[arg(long, value_parser = dspdesk_core::time::parse_day, default_value = "2026-07-27")]
    pub start: NaiveDate,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Mean packages per station per day, before weekday and festive patterns.
    #[arg(long, default_value_t = 1000)]
    pub volume: u32,
    /// The folder to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

impl SimulateArgs {
    pub fn config(&self) -> SimConfig {
        SimConfig {
            stations: self.stations,
            partners: self.partners,
            days: self.days,
            start: self.start,
            seed: self.seed,
            volume: self.volume,
        }
    }
}

pub fn run(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    let s = simulate(&args.config(), &args.out)?;
    let book = dspdesk_core::profit::RateBook::from_toml(super::EXAMPLE_RATES)
        .map_err(|e| anyhow::anyhow!("the example rates: {e}"))?;
    let invoices = dspdesk_app::simulate::invoices::write_invoices(&args.out, &book)?;
    outln!(
        "wrote {} deliveries, {} routes, {} remittances, {} invoices over {} station-days to {} in {:.1}s",
        thousands(s.deliveries),
        thousands(s.routes),
        thousands(s.remittances),
        thousands(invoices.len() as u64),
        thousands(s.station_days),
        args.out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
