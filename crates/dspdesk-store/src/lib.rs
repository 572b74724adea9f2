//! The database of dspdesk on SQLite (embedded, the default) or PostgreSQL (for teams).
//!
//! One set of repository functions serves both backends: each query is written once
//! in SQL both accept, and `on_pool!` runs it on the backend's own typed pool (no
//! `Any` driver). Each backend keeps its own migrations folder, and the conformance
//! tests in `tests/` run against both.
//!
//! `db` holds the connection and what every query shares (dialect, data version, audit
//! log); each other module is one aggregate, named as its capability is everywhere
//! else, with its rows and an `impl Store` block of its queries. `ingest` sits above
//! `facts`, `profit` and `cod` because its transactions write all three; no module
//! below it knows of it. The paths below are the crate's whole public surface.

mod cod;
mod db;
mod documents;
mod ev;
mod facts;
mod flags;
mod followups;
mod goals;
mod health;
mod ingest;
mod invoices;
mod launches;
mod network;
mod onboarding;
mod partners;
mod people;
mod plans;
mod profit;
mod reports;
mod reviews;
mod supervisors;
pub mod testing;
mod vas;

pub use cod::{DepositRef, RemitRow};
pub use db::{
    AuditFilter, AuditRow, DEFAULT_WINDOW_DAYS, Db, JobsLock, Result, Store, StoreError, redact,
};
pub use documents::{DocumentRow, GuaranteeRow, NewDocument, NewGuarantee};
pub use ev::{ConnectRow, GoalRow as EvGoalRow, NewConnect, NewVendor, VendorRow};
pub use facts::FactRow;
pub use flags::{FlagRow, FlagSync, NewFlag};
pub use followups::{
    AttachmentRow, CommentRow, Edit, FollowupFilter, FollowupRow, MailRow, NewFollowup,
    NewNotification, NotificationRow, Value,
};
pub use goals::{GoalRow, NewGoal};
pub use health::{ConfigVersion, ScoreRun, ScoreSnapshot};
pub use ingest::{BatchRow, DayRows, LakeFileRow, NewBatch, Outcome};
pub use invoices::{DisputeRow, InvoiceRow, NewInvoice, Settlement};
pub use launches::{CHECKLISTS, Checklist, ChecklistItem, LaunchRow, TemplateItem};
pub use network::StationRow;
pub use onboarding::OnboardingRow;
pub use partners::FileRequest;
pub use people::{NewUser, TokenRow, UserRow};
pub use plans::{NewPlan, PlanRow};
pub use profit::BlockRow;
pub use reports::{NewSubscription, ReportRunRow, RunEnd, SubscriptionRow};
pub use reviews::{NewReview, ReviewRow, review_subject};
pub use supervisors::{
    ContactRow as SupervisorContactRow, SpanRow as SupervisorSpanRow, SupervisorRow,
};
pub use vas::{VasList, VasRow};

/// The ingest commit and its parts.
pub mod batches_api {
    pub use crate::ingest::{IngestCommit, NewBatch, Outcome};
}
