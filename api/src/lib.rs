//! The support portal server.
//!
//! Layout: `config` (typed settings), `startup` (build and run), `http` (routes and the GraphQL
//! transports), `graphql` (the schema: thin resolvers), `auth` (actors, capabilities,
//! sessions, passwords), and one module per area (`companies`, `contacts`, `accounts`), each
//! with a service that owns its transactions and a repo that is the only code touching its
//! tables.

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
pub mod mail;
pub mod paging;
pub mod requests;
pub mod sql;
pub mod startup;
pub mod telemetry;
