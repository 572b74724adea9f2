//! `dspdesk plans …`: improvement plans (MEPs).

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::plans::{self, Issue};
use std::process::ExitCode;

/// Improvement plans: issue one to a partner, read how it tracks, extend or close it.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk plans issue --partner SWFT --metric dot_pct=95 --metric nl_dpmo=500 --issued 2026-11-25 --review 2026-12-23\n  dspdesk plans show 4 --format json"
)]
pub struct PlansArgs {
    #[command(subcommand)]
    pub command: PlansCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum PlansCommand {
    /// Issue a plan: one or more METRIC=TARGET (dot_pct, dcr_pct, nl_dpmo, packages_per_route, cod_shortfall_pct, goal_p50_met_pct, compliance_pct, score).
    Issue {
        #[arg(long)]
        partner: String,
        #[arg(long, default_value = "")]
        station: String,
        /// METRIC=TARGET; repeat.
        #[arg(long, required_unless_present = "from_scorecard")]
        metric: Vec<String>,
        /// Fill the metrics from the partner's scorecard of --week (default: the last
        /// complete week): the components that pulled the score down, at their targets.
        #[arg(long, conflicts_with = "metric")]
        from_scorecard: bool,
        #[arg(long, value_parser = week_arg)]
        week: Option<dspdesk_core::IsoWeek>,
        #[arg(long, value_parser = day)]
        issued: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        review: chrono::NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
    },
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// A plan with its baseline and every complete week since issue.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Move the review date later.
    Extend {
        id: i64,
        #[arg(long, value_parser = day)]
        review: chrono::NaiveDate,
    },
    /// Close with an outcome: met, not_met or escalated.
    Close { id: i64, outcome: String },
}

fn week_arg(raw: &str) -> Result<dspdesk_core::IsoWeek, String> {
    dspdesk_core::IsoWeek::parse(raw)
}

fn metric(raw: &str) -> anyhow::Result<(String, f64)> {
    let Some((m, t)) = raw.split_once('=') else {
        anyhow::bail!("--metric {raw:?}: write it as METRIC=TARGET, e.g. dot_pct=95");
    };
    let t: f64 = t
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--metric {raw:?}: the target {t:?} is not a number"))?;
    Ok((m.trim().to_owned(), t))
}

pub async fn run(cli: &Cli, args: &PlansArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        PlansCommand::Issue {
            partner,
            station,
            metric: m,
            from_scorecard,
            week,
            issued,
            review,
            note,
        } => {
            let metrics = if *from_scorecard {
                scorecard_metrics(&ws, &me, partner, *week).await?
            } else {
                m.iter()
                    .map(|x| metric(x))
                    .collect::<anyhow::Result<Vec<_>>>()?
            };
            let issue = Issue {
                partner: partner.clone(),
                station: station.clone(),
                metrics,
                issued_on: *issued,
                review_on: *review,
                note: note.clone(),
            };
            let id = plans::issue(&ws, &me, issue, now).await?;
            outln!("issued plan #{id}");
        }
        PlansCommand::List { format } => {
            let all = plans::list(&ws, &me, now).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for v in &all {
                    outln!(
                        "#{:<5} {:<6} {:<6} {:<14} issued {} review {}",
                        v.plan.id,
                        v.plan.partner,
                        v.plan.station,
                        v.state,
                        v.plan.issued_on,
                        v.plan.review_on
                    );
                }
                outln!("{} plans", all.len());
            }
        }
        PlansCommand::Show { id, format } => {
            let v = plans::show(&ws, &me, *id, now).await?;
            print_plan(&v, *format)?;
        }
        PlansCommand::Extend { id, review } => {
            plans::extend(&ws, &me, *id, *review, now).await?;
            outln!("plan #{id}: review moved to {review}");
        }
        PlansCommand::Close { id, outcome } => {
            plans::close(&ws, &me, *id, outcome, now).await?;
            outln!("plan #{id} closed: {outcome}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(v: &plans::PlanView, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        outln!("{}", serde_json::to_string_pretty(v)?);
        return Ok(());
    }
    outln!(
        "plan #{} for {} {}: {} (review {})",
        v.plan.id,
        v.plan.partner,
        v.plan.station,
        v.state,
        v.plan.review_on
    );
    for t in &v.metrics {
        outln!(
            "  {:<18} target {:<8} baseline {}",
            t.metric,
            t.target,
            plans::baseline_text(&t.baseline)
        );
    }
    for w in &v.evaluation.weeks {
        let cells: Vec<String> = w
            .values
            .iter()
            .zip(&w.met)
            .map(|(v, m)| {
                format!(
                    "{}{}",
                    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into()),
                    if *m { " met" } else { "" }
                )
            })
            .collect();
        outln!("  {}  {}", w.week, cells.join("  "));
    }
    Ok(())
}

/// The metrics a plan issued from the partner's scorecard starts with.
async fn scorecard_metrics(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    partner: &str,
    week: Option<dspdesk_core::IsoWeek>,
) -> anyhow::Result<Vec<(String, f64)>> {
    let code = dspdesk_core::PartnerCode::parse(partner)
        .map_err(|e| anyhow::anyhow!("--partner {partner:?}: {e}"))?;
    let card = dspdesk_app::health::scorecard(ws, me, &code, week).await?;
    let m = plans::suggested_metrics(&card);
    let shown: Vec<String> = m.iter().map(|(k, t)| format!("{k}={t}")).collect();
    outln!("from the scorecard of {}: {}", card.week, shown.join(", "));
    Ok(m)
}
