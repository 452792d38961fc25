//! GraphQL object types and the enums they expose. Each maps a model; none holds rules.

mod account;
mod company;
mod connection;
mod contact;
mod enums;
mod node;
mod problem;
mod viewer;

pub use account::Account;
pub use company::{Company, CompanyFilterInput};
pub use connection::{CompanyConnection, ContactConnection, PageInfo, page_parts};
pub use contact::{Contact, ContactFilterInput, ContactOrderInput, OrderDirection};
pub use enums::{
    AccountStateGql, CompanyKindGql, ContactStatusGql, LanguageGql, ProviderRoleGql, SupportRoleGql,
};
pub use node::Node;
pub use problem::{InputProblem, Problems, or_problem, outcome};
pub use viewer::Viewer;

use crate::deps::Deps;
use crate::error::ApiResult;
use crate::paging::PageRequest;

/// The page a list field asks for: `first` (within the configured maximum) after `after`.
pub fn page_request(
    deps: &Deps,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<PageRequest> {
    PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)
}

/// The distinct values of a list of enum values, in first-seen order: repeating a value cannot
/// make a query grow.
pub fn distinct<T: PartialEq>(values: Option<Vec<T>>) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for value in values.unwrap_or_default() {
        if !kept.contains(&value) {
            kept.push(value);
        }
    }
    kept
}
