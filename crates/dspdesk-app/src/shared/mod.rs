//! What every capability's use cases share: the workspace, the caller, errors, the
//! view cache, the scorecard's model (with every partner's compliance) and the table
//! writers.

pub mod actor;
pub mod cache;
pub mod checklist;
pub mod compliance;
pub mod error;
pub mod model;
pub mod table;
pub mod workspace;
