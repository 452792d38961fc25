//! The end-to-end harness: boots the real server on port 0 with a fresh database per test
//! (a temporary SQLite file, or a new PostgreSQL database on the local server), and talks to
//! it over HTTP and WebSocket like any client.
//!
//! PostgreSQL is found through `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it is unreachable the PostgreSQL half of
//! each test returns early, unless `CI=true`, where that is a failure; `scripts/test` says so in
//! a loud line before running.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod app;
pub mod cli;
mod fixtures;
mod requests;
pub mod s3;
pub mod smtp;
pub mod ws;

pub use app::{
    Backend, Gql, Instance, MULTIPART_TYPE, MultipartPart, PgDatabase, TestApp, encode_multipart,
    multipart_body, spawn_app, spawn_app_with,
};
pub use fixtures::{Person, Role};
pub use portal_api::config::Settings;
pub use requests::request_form;

/// Runs each test body once on SQLite and once on PostgreSQL, as `<name>::sqlite` and
/// `<name>::postgres`. `with <closure>` adjusts the server's settings first.
#[macro_export]
macro_rules! on_both_databases {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($app:ident) $(with $configure:expr;)? $body:block
    )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                #[allow(unused_variables)]
                let configure = |_: &mut $crate::Settings| {};
                $(let configure = $configure;)?
                let $app = $crate::spawn_app_with($crate::Backend::Sqlite, configure).await.unwrap();
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                #[allow(unused_variables)]
                let configure = |_: &mut $crate::Settings| {};
                $(let configure = $configure;)?
                let Some($app) = $crate::spawn_app_with($crate::Backend::Postgres, configure).await else {
                    return;
                };
                $body
            }
        }
    )*};
}

/// Runs each test body once with `Backend::Sqlite` and once with `Backend::Postgres` (skipped
/// like `on_both_databases!` when PostgreSQL is unreachable outside CI), for tests that run the
/// `portal` binary themselves (`cli::Portal`).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident($backend:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $backend = $crate::Backend::Sqlite;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $backend = $crate::Backend::Postgres;
                if $crate::cli::Portal::new($crate::Backend::Postgres).await.is_none() {
                    return;
                }
                $body
            }
        }
    )*};
}
