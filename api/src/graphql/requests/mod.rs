//! Support requests over GraphQL: the form and its drafts, the lifecycle, messages, history,
//! watchers and assignment. Resolvers parse input and call `requests`, which decides who may
//! see and do what; every object here wraps something the requests area handed out as
//! visible to the caller.

mod connections;
mod enums;
mod inputs;
pub(crate) use inputs::parse_day;
mod mutations;
mod parts;
mod projection;
mod queries;
mod request;

pub use connections::RequestConnection;
pub use enums::{
    RequestActionGql, RequestCategoryGql, RequestKindGql, RequestSideGql, RequestStateGql,
    UrgencyGql,
};
pub use mutations::RequestMutation;
pub use parts::{RequestAttachment, RequestEvent, RequestMessage, RequestWatcher};
pub use projection::list_read;
pub use queries::{
    QueueCounts, RequestFilterInput, RequestOrderField, RequestOrderInput, RequestQuery,
    RequestQueue, RequestScope,
};
pub use request::{Environment, Request};
