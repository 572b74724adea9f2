//! Use cases of dspdesk, one folder per capability (the same names as in the store,
//! the web routes and the templates). Each use case takes the caller ([`Actor`]) where
//! it reads or changes what a person owns, and answers only what the caller may see:
//! who may see what is decided here, once, for every surface.

pub mod cases;
pub mod cod;
pub mod config;
pub mod documents;
pub mod ev;
pub mod flags;
pub mod followups;
pub mod goals;
pub mod health;
pub mod home;
pub mod ingest;
pub mod invoices;
pub mod jobs;
pub mod launches;
pub mod network;
pub mod notifications;
pub mod onboarding;
pub mod partners;
pub mod people;
pub mod plans;
pub mod profit;
pub mod reports;
pub mod reviews;
pub mod shared;
pub mod simulate;
pub mod supervisors;
pub mod vas;

pub use chrono_tz::Tz;
pub use dspdesk_core::table::{Cell, Table};
pub use dspdesk_lake::{DayMode, Kind, Progress};
pub use dspdesk_store::ChecklistItem;
pub use dspdesk_store::{
    AttachmentRow, CommentRow, ConfigVersion, DocumentRow, FlagRow, FlagSync, FollowupRow,
    GuaranteeRow, LaunchRow, NotificationRow, Outcome, ReviewRow, ScoreRun, StationRow, Store,
    StoreError, TemplateItem, TokenRow, UserRow,
};
pub use shared::actor::Actor;
pub use shared::error::AppError;
pub use shared::workspace::Workspace;
