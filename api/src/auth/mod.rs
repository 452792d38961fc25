//! Who is calling, and what they may do.
//!
//! A request's [`Actor`] is resolved from its session token on first use. Operations that need a
//! right take a capability value ([`PlatformOperator`], [`ContactDirectory`], …) that only the
//! `Actor` methods can produce, so a service cannot be called without the check.

pub mod actor;
pub mod address_counts;
pub mod address_limit;
pub mod capabilities;
pub mod challenges;
pub mod known_clients;
pub mod limits;
pub mod links;
pub mod login;
pub mod password_policy;
pub mod passwords;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod totp;

pub use actor::{
    Actor, CompanyLister, ContactDirectory, CustomerWorker, DashboardViewer, Membership,
    PlatformOperator, Principal, RequestWorker, SecurityAdministrator, SupportStaff,
};
pub use capabilities::Capabilities;
