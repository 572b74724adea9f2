//! Use cases of dspdesk: each combines the lake, the engine and the store.

pub mod drill;
pub mod export;
pub mod ingest;
pub mod people;
pub mod profit;
pub mod recompute;
pub mod scorecard;
pub mod scoring;
pub mod simulate;
pub mod tables;
pub mod views;
mod workspace;

pub use dspdesk_lake::{DayMode, Kind, Progress};
pub use dspdesk_store::{Store, StoreError};
pub use workspace::{AppError, Workspace};
