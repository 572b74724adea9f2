//! The domain of dspdesk as pure functions: codes, statuses, money, time parsing, who
//! may see and do what, the metric registry and table model, and the rules of each
//! capability (health, goals, profit, flags). Nothing here does I/O, so every rule is
//! reachable from a unit test.

pub mod cases;
pub mod codes;
pub mod compliance;
pub mod config;
pub mod display;
pub mod ev;
pub mod facts;
pub mod flags;
pub mod followups;
pub mod goals;
pub mod health;
pub mod home;
pub mod ingest;
pub mod invoices;
pub mod launches;
pub mod metric;
pub mod money;
pub mod onboarding;
pub mod partners;
pub mod plans;
pub mod profit;
pub mod reports;
pub mod reviews;
pub mod scope;
pub mod status;
pub mod supervisors;
pub mod table;
pub mod time;
pub mod vas;
pub mod week;

pub use codes::{CodeError, PartnerCode, StationCode};
pub use facts::{Counts, Outcome};
pub use money::{AmountError, format_minor, minor_to_decimal, parse_amount};
pub use scope::{Action, Role, Scope};
pub use status::{Mot, Status};
pub use week::IsoWeek;
