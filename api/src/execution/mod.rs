//! The GraphQL execution engine every transport shares: parsing with a document cache, the
//! limits checked before validation (depth, aliases, expanded selections, variables), running
//! an operation on the schema, and turning the result into a response with stable error codes.
//!
//! HTTP (`http/graphql.rs`, `http/upload.rs`) and WebSocket (`http/ws/`) call the [`Executor`];
//! the schema itself is `graphql/`.

mod cache;
pub mod codes;
pub mod document;
pub mod executor;
pub mod response;

pub use codes::ErrorCode;
pub use executor::{Executor, GraphqlParams, Prepared};
