//! Notifications: the in-app list and unread count of each person, their e-mail
//! settings, and the sender that drains the outbox over SMTP (retrying with backoff;
//! a row is marked sent only after the server accepted it, so none is lost).

mod mail;

pub use mail::{Mailer, MailerError};

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, Utc};
use dspdesk_core::Action;
use dspdesk_store::{MailRow, NotificationRow};

/// A person's notifications, newest first, and how many are unread.
pub async fn inbox(
    ws: &Workspace,
    actor: &Actor,
    limit: i64,
) -> Result<(Vec<NotificationRow>, i64), AppError> {
    let rows = ws
        .store
        .notifications(&actor.username, limit.clamp(1, 1000))
        .await?;
    let unread = ws.store.unread_count(&actor.username).await?;
    Ok((rows, unread))
}

pub async fn unread(ws: &Workspace, actor: &Actor) -> Result<i64, AppError> {
    Ok(ws.store.unread_count(&actor.username).await?)
}

/// Marks one (or, with `None`, every) notification of the caller read.
pub async fn mark_read(
    ws: &Workspace,
    actor: &Actor,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(ws.store.mark_read(&actor.username, id, now).await?)
}

/// The caller's e-mail address and the events they chose.
pub async fn email_settings(
    ws: &Workspace,
    actor: &Actor,
) -> Result<(String, Vec<String>), AppError> {
    Ok(ws.store.email_settings(&actor.username).await?)
}

/// Sets a person's e-mail address and events: one's own, or anyone's for an admin.
/// An unknown event or a malformed address is refused.
pub async fn set_email_settings(
    ws: &Workspace,
    actor: &Actor,
    username: &str,
    email: &str,
    events: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if username != actor.username {
        actor.must(Action::ManageUsers)?;
        if ws.store.user_by_name(username).await?.is_none() {
            return Err(AppError::invalid(
                "username",
                format!("no user {username:?}"),
            ));
        }
    }
    let email = email.trim();
    if !email.is_empty() && mail::parse_address(email).is_none() {
        return Err(AppError::invalid(
            "email",
            format!("{email:?} is not an e-mail address: write it as name@example.com"),
        ));
    }
    for e in events {
        let kind = e
            .strip_prefix(crate::followups::KIND_PREFIX)
            .map(dspdesk_core::followups::Kind::parse);
        if !crate::followups::EVENTS.iter().any(|(k, _)| k == e) && !matches!(kind, Some(Some(_))) {
            return Err(AppError::invalid(
                "events",
                format!("{e:?} is not an event one can choose"),
            ));
        }
    }
    Ok(ws
        .store
        .set_email_settings(&actor.audit, username, email, events, now)
        .await?)
}

/// The outbox, for admins (the operations page).
pub async fn outbox(ws: &Workspace, actor: &Actor, limit: i64) -> Result<Vec<MailRow>, AppError> {
    actor.must(Action::ManageUsers)?;
    Ok(ws.store.outbox(limit.clamp(1, 1000)).await?)
}

/// The wait before the next try of an e-mail already tried `attempts` times before
/// this failure: 1, 2, 4, … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    Duration::minutes(minutes.min(360))
}

/// What one drain of the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendReport {
    pub sent: u64,
    pub failed: u64,
}

/// Sends what is due at `now`. Each row is marked sent only after the server took it;
/// a failure keeps the row with its error and the time of the next try.
pub async fn send_due(
    ws: &Workspace,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<SendReport, AppError> {
    let mut report = SendReport::default();
    for m in ws.store.outbox_due(now, 200).await? {
        // Claimed for this sender for 10 minutes: another sender does not send it too.
        if !ws
            .store
            .outbox_claim(m.id, now, now + Duration::minutes(10))
            .await?
        {
            continue;
        }
        match mailer.send(&m.to_addr, &m.subject, &m.body).await {
            Ok(()) => {
                ws.store.outbox_result(m.id, now, None).await?;
                report.sent += 1;
            }
            Err(e) => {
                let next = now + backoff(m.attempts);
                ws.store
                    .outbox_result(m.id, now, Some((&e.to_string(), next)))
                    .await?;
                tracing::warn!(mail = m.id, error = %e, "an e-mail could not be sent; it stays in the outbox");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let m = |a| super::backoff(a).num_minutes();
        assert_eq!(
            [m(0), m(1), m(2), m(5), m(9), m(40)],
            [1, 2, 4, 32, 360, 360]
        );
    }
}
