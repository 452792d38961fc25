//! Shared pieces of the benchmarks: a keep-alive HTTP load generator and table printing.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

pub mod compare;
pub mod demo_server;
pub mod floor;
pub mod load;
pub mod process;
pub mod raw;
pub mod raw_lifecycle;
