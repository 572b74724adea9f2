//! `dspdesk documents …`: compliance documents and bank guarantees.

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::documents::{self, Guarantee, Upload};
use dspdesk_core::compliance::DocType;
use std::path::PathBuf;
use std::process::ExitCode;

/// Compliance documents and bank guarantees: the types, uploads, checks, a partner's
/// standing on a day.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk documents type trade_licence \"Trade licence\"\n  dspdesk documents add --partner SWFT --type trade_licence --number TL-1234 --issued 2026-04-01 --expires 2027-03-31 --file licence.pdf\n  dspdesk documents verify 7\n  dspdesk documents guarantee --partner SWFT --bank HDFC --number BG-77 --amount 500000 --from 2026-04-01 --to 2027-03-31 --claims-until 2027-06-30\n  dspdesk documents status --partner SWFT --on 2026-11-29"
)]
pub struct DocumentsArgs {
    #[command(subcommand)]
    pub command: DocumentsCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum DocumentsCommand {
    /// Add a document type or change it (mandatory unless --optional).
    Type {
        code: String,
        label: String,
        #[arg(long)]
        optional: bool,
    },
    /// The document types.
    Types,
    /// Upload a document with its file (PDF, PNG or JPEG); it waits to be verified.
    Add {
        #[arg(long)]
        partner: String,
        #[arg(long = "type")]
        doc_type: String,
        #[arg(long, default_value = "")]
        number: String,
        #[arg(long, value_parser = day)]
        issued: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        expires: Option<chrono::NaiveDate>,
        #[arg(long)]
        file: PathBuf,
    },
    /// Documents and guarantees, of one partner or all.
    List {
        #[arg(long)]
        partner: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    Verify {
        id: i64,
    },
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Record a bank guarantee (amount in rupees).
    Guarantee {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        bank: String,
        #[arg(long)]
        number: String,
        #[arg(long)]
        amount: String,
        #[arg(long, value_parser = day)]
        from: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        to: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        claims_until: chrono::NaiveDate,
    },
    /// A partner's compliance on a day: the share of mandatory types valid, what lapsed.
    Status {
        #[arg(long)]
        partner: String,
        #[arg(long, value_parser = day)]
        on: chrono::NaiveDate,
    },
}

pub async fn run(cli: &Cli, args: &DocumentsArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        DocumentsCommand::Type {
            code,
            label,
            optional,
        } => {
            let t = DocType {
                code: code.clone(),
                label: label.clone(),
                mandatory: !optional,
            };
            documents::set_type(&ws, &me, t, now).await?;
            outln!(
                "document type {code}: {label}{}",
                if *optional {
                    " (optional)"
                } else {
                    " (mandatory)"
                }
            );
        }
        DocumentsCommand::Types => {
            for t in ws.store.document_types().await? {
                outln!(
                    "{:<20} {:<10} {}",
                    t.code,
                    if t.mandatory { "mandatory" } else { "optional" },
                    t.label
                );
            }
        }
        DocumentsCommand::Add {
            partner,
            doc_type,
            number,
            issued,
            expires,
            file,
        } => {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("--file {}: {e}", file.display()))?;
            let u = Upload {
                partner: partner.clone(),
                doc_type: doc_type.clone(),
                number: number.clone(),
                issued_on: *issued,
                expires_on: *expires,
                filename: file.display().to_string(),
            };
            let id = documents::upload(&ws, &me, u, &bytes, now).await?;
            outln!(
                "document #{id} uploaded; it counts once verified (dspdesk documents verify {id})"
            );
        }
        DocumentsCommand::List { partner, format } => {
            let (docs, bgs) = documents::list(&ws, &me, partner.as_deref()).await?;
            print_list(&docs, &bgs, *format)?;
        }
        DocumentsCommand::Verify { id } => {
            documents::check(&ws, &me, *id, true, "", now).await?;
            outln!("document #{id} verified");
        }
        DocumentsCommand::Reject { id, reason } => {
            documents::check(&ws, &me, *id, false, reason, now).await?;
            outln!("document #{id} rejected: {reason}");
        }
        DocumentsCommand::Guarantee { .. } => guarantee(&ws, &me, &args.command, now).await?,
        DocumentsCommand::Status { partner, on } => status(&ws, &me, partner, *on).await?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(
    docs: &[dspdesk_app::DocumentRow],
    bgs: &[dspdesk_app::GuaranteeRow],
    format: Format,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let v = serde_json::json!({ "documents": docs, "bank_guarantees": bgs });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    for d in docs {
        outln!(
            "#{:<5} {:<6} {:<18} {:<16} {} to {} {}{}",
            d.id,
            d.partner,
            d.doc_type,
            d.number,
            d.issued_on,
            d.expires_on
                .map(|e| e.to_string())
                .unwrap_or_else(|| "(no expiry)".into()),
            d.state,
            if d.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", d.reason)
            }
        );
    }
    for g in bgs {
        outln!(
            "BG#{:<3} {:<6} {} {} ₹{} {} to {}, claims until {}",
            g.id,
            g.partner,
            g.bank,
            g.number,
            dspdesk_core::minor_to_decimal(g.amount_minor),
            g.valid_from,
            g.valid_to,
            g.claim_until
        );
    }
    outln!("{} documents, {} bank guarantees", docs.len(), bgs.len());
    Ok(())
}

/// A partner's compliance on a day, for one who may see the partner.
async fn status(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    partner: &str,
    on: chrono::NaiveDate,
) -> anyhow::Result<()> {
    documents::list(ws, me, Some(partner)).await?;
    let s = dspdesk_app::shared::compliance::Compliance::load(ws)
        .await?
        .on(partner, on);
    let pct = s
        .compliance_pct
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "no documents on file".into());
    let lapsed = if s.lapsed.is_empty() {
        "nothing".to_owned()
    } else {
        s.lapsed.join(", ")
    };
    outln!("{partner} on {on}: compliance {pct}; lapsed: {lapsed}");
    Ok(())
}

async fn guarantee(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    command: &DocumentsCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let DocumentsCommand::Guarantee {
        partner,
        bank,
        number,
        amount,
        from,
        to,
        claims_until,
    } = command
    else {
        return Ok(());
    };
    let g = Guarantee {
        partner: partner.clone(),
        bank: bank.clone(),
        number: number.clone(),
        amount: amount.clone(),
        valid_from: *from,
        valid_to: *to,
        claim_until: *claims_until,
    };
    let id = documents::add_guarantee(ws, me, g, now).await?;
    outln!("bank guarantee #{id} recorded");
    Ok(())
}
