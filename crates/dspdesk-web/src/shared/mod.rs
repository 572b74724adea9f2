//! What every capability's routes share: who is asking, the extractors, errors,
//! rendering, grids, downloads, charts, the OpenAPI document and telemetry.

pub mod auth;
pub mod charts;
pub mod download;
pub mod error;
pub mod extract;
pub mod files;
pub mod grid;
pub mod openapi;
pub mod render;
pub mod server;
pub mod telemetry;
