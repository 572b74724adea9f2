//! Sustainability goals for the EV share: one per partner, replaced (audited) when set
//! again.

use crate::db::{Result, Store, on_pool, vocabulary, write_audit};
use chrono::{DateTime, Utc};
use dspdesk_core::ev::Goal;
use dspdesk_core::week::IsoWeek;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GoalRow {
    pub partner: String,
    #[serde(flatten)]
    pub goal: Goal,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl Store {
    /// Sets (or replaces) a partner's goal, audited.
    pub async fn set_ev_goal(
        &self,
        partner: &str,
        g: &Goal,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO ev_goals (partner, target_pct, by_date, set_week, start_pct, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (partner) DO UPDATE SET target_pct = excluded.target_pct, by_date = excluded.by_date, set_week = excluded.set_week, start_pct = excluded.start_pct, set_by = excluded.set_by, set_at = excluded.set_at")
                .bind(partner)
                .bind(g.target_pct)
                .bind(g.by)
                .bind(g.set_week.to_string())
                .bind(g.start_pct)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            write_audit!(
                &mut *tx,
                at,
                by,
                "set",
                "ev_goal",
                partner.to_owned(),
                format!(
                    "{:.1}% of routes on EVs by {} (from {:.1}% in {})",
                    g.target_pct, g.by, g.start_pct, g.set_week
                )
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every partner's goal.
    pub async fn ev_goals(&self) -> Result<Vec<GoalRow>> {
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query("SELECT partner, target_pct, by_date, set_week, start_pct, set_by, set_at FROM ev_goals ORDER BY partner")
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(GoalRow {
                    partner: r.try_get("partner")?,
                    goal: Goal {
                        target_pct: r.try_get("target_pct")?,
                        by: r.try_get("by_date")?,
                        set_week: vocabulary(r.try_get("set_week")?, "set_week", |s| {
                            IsoWeek::parse(s).ok()
                        })?,
                        start_pct: r.try_get("start_pct")?,
                    },
                    set_by: r.try_get("set_by")?,
                    set_at: r.try_get("set_at")?,
                });
            }
            out
        });
        Ok(rows)
    }
}
