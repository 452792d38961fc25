//! The support portal server.
//!
//! Four layers, each using only those below it (`architecture.rs` checks it): composition
//! (`startup`, `cli`, `demo`, `bootstrap`), transport (`http`, `execution`), schema (`graphql`:
//! thin resolvers), and the domain: one module per area (`accounts`, `audit`, `auth`,
//! `companies`, `contacts`, `requests`, `mail`, `files`) with services that own their
//! transactions, pure rules beside them and repos that run the queries, over the low-level
//! modules (`deps`, `config`, `db`, `clock`, `error`, `ids`, `domain`, `paging`, `counters`,
//! `idempotency`). The README's "How it is built" says where each rule lives.

/// mimalloc for every process that links the portal (the server, its tests, the benchmarks, so
/// that a benchmark's raw side runs on the same allocator). A page of a queue allocates a few
/// thousand small values (every column of every row, copied out of SQLite, then mapped); with
/// glibc's allocator a tenth of the server's CPU on that page went to `malloc_consolidate` and
/// its neighbours (perf, bench/README.md "queues").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod accounts;
#[cfg(test)]
mod architecture;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod clock;
mod codes;
pub mod companies;
pub mod config;
pub mod contacts;
pub mod counters;
pub mod db;
pub mod demo;
pub mod deps;
pub mod domain;
pub mod error;
pub mod execution;
pub mod files;
pub mod graphql;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod live;
pub mod mail;
pub mod memo;
pub mod metrics;
pub mod paging;
pub mod requests;
pub mod sql;
pub mod startup;
pub mod telemetry;
pub mod views;
