//! Onboarding: partners on their way to a first route and the stages they reached, each
//! change audited in its transaction; a stage is added only from the one before it. An
//! applicant gets a copy of the template's onboarding checklist (done and given to an
//! owner like a launch's items: `finish_checklist_item`, `assign_checklist_item`).

use crate::db::{Result, Store, StoreError, on_pool, vocabulary, write_audit};
use crate::launches::{ChecklistItem, ITEM_COLUMNS, item_of};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::onboarding::Stage;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OnboardingRow {
    pub partner: String,
    pub legal_name: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The stages reached by hand, in order, with their dates.
    pub stages: Vec<(Stage, NaiveDate)>,
    /// Its checklist (a copy of the template's onboarding items when it applied), by gate.
    pub items: Vec<ChecklistItem>,
}

impl Store {
    /// Adds an applicant at `applied` on `on`; `false` when the partner is already there.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_applicant(
        &self,
        partner: &str,
        legal_name: &str,
        note: &str,
        on: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let added = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("INSERT INTO onboarding (partner, legal_name, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (partner) DO NOTHING")
                .bind(partner)
                .bind(legal_name)
                .bind(note)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                sqlx::query("INSERT INTO onboarding_stages (partner, stage, reached_on, by_actor, at) VALUES ($1, 'applied', $2, $3, $4)")
                    .bind(partner)
                    .bind(on)
                    .bind(by)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO onboarding_items (partner, gate, title, mandatory) SELECT $1, gate, title, mandatory FROM launch_template WHERE checklist = 'onboarding' ORDER BY gate, id")
                    .bind(partner)
                    .execute(&mut *tx)
                    .await?;
                write_audit!(
                    &mut *tx,
                    at,
                    by,
                    "apply",
                    "onboarding",
                    partner.to_owned(),
                    format!("{legal_name} applied on {on}")
                );
                tx.commit().await?;
            }
            n == 1
        });
        Ok(added)
    }

    /// Records `to` reached on `on`, only while `from` is the partner's last stage.
    pub async fn advance_onboarding(
        &self,
        partner: &str,
        from: Stage,
        to: Stage,
        on: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("INSERT INTO onboarding_stages (partner, stage, reached_on, by_actor, at) SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM onboarding_stages WHERE partner = $1 AND stage = $6) ON CONFLICT (partner, stage) DO NOTHING")
                .bind(partner)
                .bind(to.as_str())
                .bind(on)
                .bind(by)
                .bind(at)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("{partner} at {from}")));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "stage",
                "onboarding",
                partner.to_owned(),
                format!("{from} -> {to} on {on}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every partner in onboarding with its stages.
    pub async fn onboarding(&self) -> Result<Vec<OnboardingRow>> {
        let rows = on_pool!(self, |pool| {
            let heads = sqlx::query("SELECT partner, legal_name, note, created_by, created_at FROM onboarding ORDER BY partner")
                .fetch_all(pool)
                .await?;
            let steps = sqlx::query("SELECT partner, stage, reached_on FROM onboarding_stages ORDER BY partner, reached_on")
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(heads.len());
            for r in &heads {
                out.push(OnboardingRow {
                    partner: r.try_get("partner")?,
                    legal_name: r.try_get("legal_name")?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    stages: Vec::new(),
                    items: Vec::new(),
                });
            }
            let items = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT partner, {ITEM_COLUMNS} FROM onboarding_items ORDER BY gate, id"
            )))
            .fetch_all(pool)
            .await?;
            for r in &items {
                let partner: String = r.try_get("partner")?;
                if let Some(row) = out.iter_mut().find(|o| o.partner == partner) {
                    row.items.push(item_of!(r));
                }
            }
            for s in &steps {
                let partner: String = s.try_get("partner")?;
                let stage = vocabulary(s.try_get("stage")?, "stage", Stage::parse)?;
                let on: NaiveDate = s.try_get("reached_on")?;
                if let Some(row) = out.iter_mut().find(|o| o.partner == partner) {
                    row.stages.push((stage, on));
                }
            }
            for row in &mut out {
                row.stages.sort_by_key(|(s, _)| *s);
            }
            out
        });
        Ok(rows)
    }
}
