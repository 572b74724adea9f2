//! The network: stations (with their time zones) and the partners that serve them.

mod stations;

pub use stations::StationRow;
