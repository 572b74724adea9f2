//! `dspdesk invoices …`: partners' invoices checked on arrival, their GST cases and
//! disputes, and a dispute's settlement.

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::invoices::{self, Source};
use dspdesk_core::money::format_minor;
use std::path::PathBuf;
use std::process::ExitCode;

/// Invoices: enter one, load a file of them, list them with their checks, settle a
/// dispute.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk invoices load invoices-2026-10.csv [--profile profiles/acme-invoices.toml]\n  dspdesk invoices add --partner SWFT --number SW/26-27/014 --date 2026-11-03 --from 2026-10-01 --to 2026-10-31 --stations PNQ5 --supplier-gstin 27AAPFU0939F1ZV --recipient-gstin 29AAACN1234F1Z5 --place 29 --taxable 125000 --igst 22500 --total 147500\n  dspdesk invoices list --partner SWFT --format json\n  dspdesk invoices disputes\n  dspdesk invoices settle 12 --accepted 2000 --note-number CN-77 --note-date 2026-11-20"
)]
pub struct InvoicesArgs {
    #[command(subcommand)]
    pub command: InvoicesCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum InvoicesCommand {
    /// Enter one invoice (amounts in rupees, e.g. 1250.50).
    Add(Box<AddArgs>),
    /// Load a file of invoices (CSV, Excel or JSON; columns as in metrics.md), all or none.
    Load {
        file: PathBuf,
        /// An import profile (TOML) mapping another export's columns onto the canonical ones.
        #[arg(long)]
        profile: Option<PathBuf>,
    },
    /// Invoices with their checks: GST, payout, the dispute.
    List {
        #[arg(long)]
        partner: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Open disputes by age, and the amount in dispute per partner.
    Disputes {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Settle an invoice's dispute: the accepted amount, and the note that settles it.
    Settle {
        invoice: i64,
        #[arg(long)]
        accepted: String,
        #[arg(long, default_value = "")]
        note_number: String,
        #[arg(long, value_parser = day)]
        note_date: Option<chrono::NaiveDate>,
    },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(long)]
    partner: String,
    #[arg(long)]
    number: String,
    #[arg(long)]
    date: String,
    #[arg(long)]
    from: String,
    #[arg(long)]
    to: String,
    /// Station codes separated by `;` or `,`.
    #[arg(long)]
    stations: String,
    #[arg(long)]
    supplier_gstin: String,
    #[arg(long)]
    recipient_gstin: String,
    /// The place of supply, a state code (e.g. 29).
    #[arg(long)]
    place: String,
    #[arg(long)]
    taxable: String,
    #[arg(long, default_value = "")]
    cgst: String,
    #[arg(long, default_value = "")]
    sgst: String,
    #[arg(long, default_value = "")]
    igst: String,
    #[arg(long)]
    total: String,
}

fn signed(raw: &str) -> anyhow::Result<i64> {
    dspdesk_core::money::parse_amount(raw.trim().as_bytes(), true)
        .map_err(|e| anyhow::anyhow!("--accepted {raw:?} {e}"))
}

impl AddArgs {
    /// As the form and the API send it: read by the same rules.
    fn entry(&self) -> invoices::Entry {
        invoices::Entry {
            partner: self.partner.clone(),
            invoice_number: self.number.clone(),
            invoice_date: self.date.clone(),
            period_from: self.from.clone(),
            period_to: self.to.clone(),
            stations: self.stations.clone(),
            supplier_gstin: self.supplier_gstin.clone(),
            recipient_gstin: self.recipient_gstin.clone(),
            place_of_supply: self.place.clone(),
            taxable_value: self.taxable.clone(),
            cgst: self.cgst.clone(),
            sgst: self.sgst.clone(),
            igst: self.igst.clone(),
            total: self.total.clone(),
        }
    }
}

fn print_added(added: &[invoices::Added]) {
    for a in added {
        let gst = a
            .gst_problem
            .as_deref()
            .map_or_else(|| "GST ok".to_owned(), |p| format!("GST case opened: {p}"));
        let payout = a.payout_difference.map_or_else(
            || "payout ok".to_owned(),
            |d| {
                format!(
                    "dispute opened: {} against the routes' payout",
                    format_minor(d)
                )
            },
        );
        outln!(
            "#{:<5} {:<6} {:<18} {gst}; {payout}",
            a.id,
            a.partner,
            a.number
        );
    }
    let gst = added.iter().filter(|a| a.gst_problem.is_some()).count();
    let disputes = added
        .iter()
        .filter(|a| a.payout_difference.is_some())
        .count();
    outln!(
        "{} invoices stored; {gst} GST cases and {disputes} disputes opened",
        added.len()
    );
}

pub async fn run(cli: &Cli, args: &InvoicesArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        InvoicesCommand::Add(a) => {
            let inv = a.entry().invoice()?;
            let added = invoices::add(&ws, &me, vec![(1, inv)], Source::Form, now).await?;
            print_added(&added);
        }
        InvoicesCommand::Load { file, profile } => {
            let profile = match profile {
                Some(p) => dspdesk_lake::ImportProfile::load(p)?,
                None => dspdesk_lake::ImportProfile::default(),
            };
            let added = invoices::load_file(&ws, &me, file, &profile, now).await?;
            print_added(&added);
        }
        InvoicesCommand::List { partner, format } => {
            let views = invoices::list(&ws, &me, partner.as_deref(), now).await?;
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&views)?),
                Format::Csv => {
                    let mut out = Vec::new();
                    dspdesk_app::shared::table::write_csv(&invoices::table(&views), &mut out)?;
                    outln!("{}", String::from_utf8_lossy(&out).trim_end());
                }
                Format::Text => {
                    for v in &views {
                        outln!("{}", invoices::line(v));
                    }
                    outln!("{} invoices", views.len());
                }
            }
        }
        InvoicesCommand::Disputes { format } => {
            let views = invoices::list(&ws, &me, None, now).await?;
            let by_partner = invoices::in_dispute(&views);
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&by_partner)?);
            } else {
                for p in &by_partner {
                    outln!(
                        "{:<6} {} open, {} in dispute, oldest {} days",
                        p.partner,
                        p.open,
                        format_minor(p.amount),
                        p.oldest_days
                    );
                }
                outln!("{} partners with open disputes", by_partner.len());
            }
        }
        InvoicesCommand::Settle {
            invoice,
            accepted,
            note_number,
            note_date,
        } => {
            let accepted = signed(accepted)?;
            invoices::settle(&ws, &me, *invoice, accepted, note_number, *note_date, now).await?;
            let v = invoices::show(&ws, &me, *invoice, now).await?;
            outln!("{}", invoices::line(&v));
        }
    }
    Ok(ExitCode::SUCCESS)
}
