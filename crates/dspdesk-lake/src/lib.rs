//! The data path of dspdesk: file readers, import profiles, validation, the Parquet
//! lake (one file per station-day and kind) and the columnar engine that turns lake
//! files into daily facts.

pub mod convert;
pub mod engine;
pub mod error;
pub mod finalize;
pub mod inspect;
pub mod json;
pub mod layout;
pub mod lookup;
pub mod packages;
pub mod profile;
pub mod records;
pub mod schema;
pub mod sheet;
pub mod source;
pub mod stage;

pub use error::{IngestError, PartialDay, RowError};
pub use finalize::{DayMode, LakeDay, finalize};
pub use layout::{Lake, LakeLock};
pub use profile::ImportProfile;
pub use schema::Kind;
pub use source::Progress;
pub use stage::{StageOptions, Staged, StationDay, Zones, stage};
