//! The real application on a random port, a fresh database per test (SQLite, and
//! PostgreSQL where a server answers), a real HTTP client: one module per capability,
//! as the code is laid out.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod config;
mod documents;
mod followups;
mod goals;
mod hardening;
mod health;
mod home;
mod ingest;
mod invoices;
mod network;
mod ops;
mod people;
mod profit;
mod reports;
mod supervisors;
mod walk;
