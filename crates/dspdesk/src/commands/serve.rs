//! `dspdesk serve` and `dspdesk users …`.

use super::{open, operator};
use crate::Cli;
use anyhow::Context;
use clap::{Args, Subcommand};
use dspdesk_app::Workspace;
use dspdesk_app::people;
use dspdesk_core::Role;
use std::process::ExitCode;

/// Serve the web application and the JSON API.
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  dspdesk serve --addr 127.0.0.1:8080")]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DSPDESK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Mark cookies Secure (when served behind HTTPS).
    #[arg(long, env = "DSPDESK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Seconds between two rounds of the scheduler (escalations, e-mail); 0 runs none
    /// (another server, or cron with `dspdesk jobs run`, does).
    #[arg(long, env = "DSPDESK_JOBS_EVERY", default_value_t = 60)]
    pub jobs_every: u64,
    /// Weeks of daily facts, route blocks, VAS and supervisors kept in memory, back
    /// from the newest day; pages that read further back widen it until the data next
    /// changes.
    #[arg(long, env = "DSPDESK_CACHE_WEEKS", default_value_t = dspdesk_store::DEFAULT_WINDOW_DAYS / 7, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub cache_weeks: u32,
    #[command(flatten)]
    pub mail: super::cases::MailArgs,
}

/// Runs a round of the scheduler every `every` seconds, for as long as the server runs.
/// With several servers on one PostgreSQL database, each round is run by whichever
/// holds the advisory lock.
fn spawn_scheduler(ws: Workspace, mailer: Option<dspdesk_app::notifications::Mailer>, every: u64) {
    if every == 0 {
        return;
    }
    let runner = format!("serve:{}", std::process::id());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match dspdesk_app::jobs::run_round(&ws, mailer.as_ref(), &runner, chrono::Utc::now())
                .await
            {
                Ok(r) if r.escalated + r.sent + r.failed > 0 => {
                    tracing::info!(
                        escalated = r.escalated,
                        sent = r.sent,
                        failed = r.failed,
                        "scheduler round"
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "a scheduler round failed; the next one tries again")
                }
            }
        }
    });
}

pub async fn serve_workspace(ws: Workspace, args: &ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; is another server using it? Try --addr 127.0.0.1:8181",
                args.addr
            )
        })?;
    outln!(
        "dspdesk is serving on http://{} (Ctrl-C stops it)",
        listener.local_addr()?
    );
    ws.store.set_cache_window_days(args.cache_weeks * 7);
    let mailer = args.mail.mailer()?;
    let shown = mailer.as_ref().map(|m| m.shown.clone());
    spawn_scheduler(ws.clone(), mailer, args.jobs_every);
    let state = dspdesk_web::AppState::new(ws, args.secure_cookies).with_mail(shown);
    dspdesk_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

pub async fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    serve_workspace(open(cli).await?, args).await?;
    Ok(ExitCode::SUCCESS)
}

/// People who may log in, with their role and scope.
#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Add a user; the password is read from DSPDESK_PASSWORD or printed when generated.
    #[command(
        after_help = "Examples:\n  dspdesk users add asha --role coach --partner SWFT --partner ZIPX\n  dspdesk users add swft-owner --role partner --partner SWFT"
    )]
    Add {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
        /// A partner in scope (coach: several; partner user: exactly one).
        #[arg(long)]
        partner: Vec<String>,
        /// A station in scope (station manager).
        #[arg(long)]
        station: Vec<String>,
    },
    /// List users.
    List,
    /// Disable a user; their sessions end at once.
    Disable { username: String },
    /// Set a new password (generated and printed unless DSPDESK_PASSWORD is set).
    ResetPassword { username: String },
    /// Set where a user is e-mailed and for which events (opened, assigned, comment,
    /// state, escalated), optionally only about some kinds (kind:nl, kind:cod, …); no
    /// --event: none.
    #[command(
        after_help = "Example:\n  dspdesk users email asha --email asha@example.com --event assigned --event escalated"
    )]
    Email {
        username: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long)]
        event: Vec<String>,
    },
}

fn password() -> anyhow::Result<(String, bool)> {
    match std::env::var("DSPDESK_PASSWORD") {
        Ok(p) => Ok((p, false)),
        Err(_) => Ok((dspdesk_app::people::random_token()?[..20].to_string(), true)),
    }
}

pub async fn users(cli: &Cli, cmd: &UsersCommand) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    match cmd {
        UsersCommand::Add {
            username,
            role,
            name,
            partner,
            station,
        } => {
            let role = Role::parse(role).with_context(|| {
                format!("--role {role:?}: use admin, program, coach, station or partner")
            })?;
            let (pw, generated) = password()?;
            let person = people::NewPerson {
                username: username.clone(),
                display_name: name.clone().unwrap_or_else(|| username.clone()),
                role,
                scopes: people::scopes_for(role, partner, station)?,
                password: pw.clone(),
            };
            people::create_user(&ws, &operator(), &person).await?;
            outln!("added {username} ({role})");
            if generated {
                outln!("password: {pw}");
            }
        }
        UsersCommand::List => {
            outln!("{:<20} {:<8} {:<9} scope", "username", "role", "status");
            for u in people::users(&ws, &operator()).await? {
                let scope: Vec<String> = u.scopes.iter().map(|(k, c)| format!("{k}:{c}")).collect();
                outln!(
                    "{:<20} {:<8} {:<9} {}",
                    u.username,
                    u.role,
                    if u.disabled { "disabled" } else { "active" },
                    scope.join(" ")
                );
            }
        }
        UsersCommand::Disable { username } => {
            people::disable_user(&ws, &operator(), username).await?;
            outln!("disabled {username}; their sessions have ended");
        }
        UsersCommand::Email {
            username,
            email,
            event,
        } => {
            dspdesk_app::notifications::set_email_settings(
                &ws,
                &operator(),
                username,
                email,
                event,
                chrono::Utc::now(),
            )
            .await?;
            outln!(
                "{username}: e-mail {email:?} for {}",
                if event.is_empty() {
                    "nothing".to_owned()
                } else {
                    event.join(", ")
                }
            );
        }
        UsersCommand::ResetPassword { username } => {
            let (pw, generated) = password()?;
            people::reset_password(&ws, &operator(), username, &pw).await?;
            outln!("new password set for {username}; their sessions have ended");
            if generated {
                outln!("password: {pw}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// API tokens for scripts: `Authorization: Bearer TOKEN` on /api/v1.
#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// Create a token acting as USER (with USER's role and scope); printed once.
    #[command(
        after_help = "Example:\n  dspdesk tokens create asha --name nightly-export\n  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/partners"
    )]
    Create {
        username: String,
        #[arg(long)]
        name: String,
    },
    /// List tokens (never their values).
    List,
    /// Revoke a token at once.
    Revoke { id: i64 },
}

pub async fn tokens(cli: &Cli, cmd: &TokensCommand) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    match cmd {
        TokensCommand::Create { username, name } => {
            let (id, token) = people::create_token(&ws, &operator(), username, name).await?;
            outln!("token {id} for {username} ({name}); it is shown once:\n{token}");
        }
        TokensCommand::List => {
            outln!(
                "{:>4} {:<20} {:<24} {:<9} created (UTC)",
                "id",
                "user",
                "name",
                "status"
            );
            for t in people::tokens(&ws, &operator()).await? {
                outln!(
                    "{:>4} {:<20} {:<24} {:<9} {}",
                    t.id,
                    t.username,
                    t.name,
                    if t.revoked { "revoked" } else { "active" },
                    t.created_at.format("%Y-%m-%d %H:%M")
                );
            }
        }
        TokensCommand::Revoke { id } => {
            people::revoke_token(&ws, &operator(), *id).await?;
            outln!("revoked token {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
