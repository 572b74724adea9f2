//! `dspdesk partners …`: the partner's file.

use super::cases::{Clock, Format};
use super::{open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::partners::{self, Saved};
use std::process::ExitCode;

/// The partner's file: show it (the bank account masked), set fields, decide a partner's
/// proposed change.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk partners file SWFT\n  dspdesk partners set SWFT --legal-name \"Swift Riders Pvt Ltd\" --gstin 27AAPFU0939F1ZV --pan AAPFU0939F --fleet-2w 40 --fleet-ev 5\n  dspdesk partners accept SWFT 3"
)]
pub struct PartnersArgs {
    #[command(subcommand)]
    pub command: PartnersCommand,
    #[command(flatten)]
    pub clock: Clock,
}

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum PartnersCommand {
    /// The partner's file and the changes it proposed.
    File {
        partner: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Set fields of the file (the others stay as they are).
    Set {
        partner: String,
        #[arg(long)]
        legal_name: Option<String>,
        #[arg(long)]
        gstin: Option<String>,
        #[arg(long)]
        pan: Option<String>,
        #[arg(long)]
        contact_name: Option<String>,
        #[arg(long)]
        contact_phone: Option<String>,
        #[arg(long)]
        contact_email: Option<String>,
        #[arg(long)]
        bank_account: Option<String>,
        #[arg(long)]
        bank_ifsc: Option<String>,
        #[arg(long)]
        fleet_2w: Option<i64>,
        #[arg(long)]
        fleet_3w: Option<i64>,
        #[arg(long)]
        fleet_4w: Option<i64>,
        #[arg(long)]
        fleet_ev: Option<i64>,
    },
    /// Accept a partner's proposed change.
    Accept { partner: String, request: i64 },
    /// Reject a partner's proposed change, with the reason it reads.
    Reject {
        partner: String,
        request: i64,
        #[arg(long)]
        reason: String,
    },
}

pub async fn run(cli: &Cli, args: &PartnersArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        PartnersCommand::File { partner, format } => {
            let v = partners::show(&ws, &me, partner).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                let f = &v.file;
                outln!(
                    "{} {}: GSTIN {} PAN {}",
                    f.partner,
                    f.legal_name,
                    f.gstin,
                    f.pan
                );
                outln!(
                    "contact {} {} {}",
                    f.contact_name,
                    f.contact_phone,
                    f.contact_email
                );
                outln!("bank {} {}", v.bank_account_masked, f.bank_ifsc);
                outln!(
                    "fleet {} 2W, {} 3W, {} 4W, {} electric",
                    f.fleet_2w,
                    f.fleet_3w,
                    f.fleet_4w,
                    f.fleet_ev
                );
                for r in &v.requests {
                    outln!(
                        "request #{} by {} on {}: {}",
                        r.id,
                        r.by_actor,
                        r.at.date_naive(),
                        r.state
                    );
                }
            }
        }
        PartnersCommand::Set { partner, .. } => set(&ws, &me, partner, &args.command, now).await?,
        PartnersCommand::Accept { partner, request } => {
            partners::decide(&ws, &me, partner, *request, true, "", now).await?;
            outln!("request #{request} accepted: {partner}'s file is as proposed");
        }
        PartnersCommand::Reject {
            partner,
            request,
            reason,
        } => {
            partners::decide(&ws, &me, partner, *request, false, reason, now).await?;
            outln!("request #{request} rejected");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Sets the fields given on the file as stored (the bank account, when not given, kept).
async fn set(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    partner: &str,
    command: &PartnersCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let PartnersCommand::Set {
        legal_name,
        gstin,
        pan,
        contact_name,
        contact_phone,
        contact_email,
        bank_account,
        bank_ifsc,
        fleet_2w,
        fleet_3w,
        fleet_4w,
        fleet_ev,
        ..
    } = command
    else {
        return Ok(());
    };
    let mut f = partners::show(ws, me, partner).await?.file;
    let text = |to: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            *to = v.clone();
        }
    };
    text(&mut f.legal_name, legal_name);
    text(&mut f.gstin, gstin);
    text(&mut f.pan, pan);
    text(&mut f.contact_name, contact_name);
    text(&mut f.contact_phone, contact_phone);
    text(&mut f.contact_email, contact_email);
    text(&mut f.bank_account, bank_account);
    text(&mut f.bank_ifsc, bank_ifsc);
    for (to, v) in [
        (&mut f.fleet_2w, fleet_2w),
        (&mut f.fleet_3w, fleet_3w),
        (&mut f.fleet_4w, fleet_4w),
        (&mut f.fleet_ev, fleet_ev),
    ] {
        if let Some(v) = v {
            *to = *v;
        }
    }
    match partners::save(ws, me, f, now).await? {
        Saved::Saved(fields) => outln!("{partner}: saved {}", fields.join(", ")),
        Saved::Proposed(id) => outln!("{partner}: proposed as request #{id}"),
        Saved::Unchanged => outln!("{partner}: nothing changed"),
    }
    Ok(())
}
