//! The domain of dspdesk as pure functions: codes, statuses, money, time parsing,
//! and the metric formulas of `metrics.md`. Nothing here does I/O, so every rule is
//! reachable from a unit test.

pub mod codes;
pub mod facts;
pub mod money;
pub mod profit;
pub mod scope;
pub mod score;
pub mod status;
pub mod time;
pub mod week;

pub use codes::{CodeError, PartnerCode, StationCode};
pub use facts::{Counts, Outcome};
pub use money::{AmountError, format_minor, minor_to_decimal, parse_amount};
pub use scope::{Role, Scope};
pub use status::{Mot, Status};
pub use week::IsoWeek;
