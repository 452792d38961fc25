//! End-to-end tests: the real server, a fresh database per test, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod attachments;
mod auth;
mod capabilities;
mod cli;
mod companies;
mod contacts;
mod counts;
mod crash;
mod errors;
mod export;
mod fuzz;
mod graphql_http;
mod interop;
mod limits;
mod live;
mod metrics;
mod ops;
mod queues;
mod requests;
mod statements;
mod storage;
mod views;
mod web;
mod websocket;
