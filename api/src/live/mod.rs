//! Live updates (SPEC §8): every change that subscribers follow writes an event in its own
//! transaction ([`publish`]); one reader per instance ([`bus::run`]) takes the committed events
//! in order and hands them to the local subscriptions ([`watch`]), which check each one against
//! the subscriber's current rights before delivering it.
//!
//! The order of events is their place `(tx, id)` (see the `live_events` migration): on
//! PostgreSQL a reader takes only events of transactions older than every one still running,
//! so nothing can commit behind a place already read, and a client that resumes after its
//! cursor gets exactly what it missed. The writing transaction's `NOTIFY` (sent on commit
//! only) wakes the readers of every instance; a commit on this instance wakes its own at once.

pub mod bus;
mod contacts;
mod counts;
mod events;
mod fanout;
mod renders;
mod repo;
mod requests;
mod watch;

pub use bus::Bus;
pub use contacts::*;
pub use counts::*;
pub use events::*;
pub use fanout::{Inbox, Received, Topic};
pub use renders::{RenderKey, Renders};
pub use requests::*;
pub use watch::*;

pub use repo::prune;
