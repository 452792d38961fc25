//! Who is calling, and what they may do.
//!
//! A request's [`Actor`] is resolved from its session token on first use. Operations that need a
//! right take a capability value ([`PlatformOperator`], [`ContactDirectory`], …) that only the
//! `Actor` methods can produce, so a service cannot be called without the check.

pub mod actor;
pub mod passwords;
pub mod sessions;

pub use actor::{Actor, ContactDirectory, Membership, PlatformOperator, Principal};
