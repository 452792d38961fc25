//! Relay connections: `edges { cursor node }`, `pageInfo` and a `totalCount` computed only
//! when asked for.

use async_graphql::{ComplexObject, Context, SimpleObject};

use super::company::Company;
use super::contact::Contact;
use crate::auth::ContactDirectory;
use crate::companies;
use crate::contacts::{self, ContactFilter};
use crate::error::ApiResult;
use crate::graphql::context::deps;
use crate::paging::Page;

/// Where a page is in its list.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// Whether a page follows this one.
    pub has_next_page: bool,
    /// Whether this page was requested after a cursor.
    pub has_previous_page: bool,
    /// Cursor of the first edge.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// The edges (cursor, node) and paging information of a page.
pub fn page_parts<T, N>(page: Page<T>, node: impl Fn(T) -> N) -> (Vec<(String, N)>, PageInfo) {
    let edges: Vec<(String, N)> = page
        .items
        .into_iter()
        .map(|(cursor, item)| (cursor.encode(), node(item)))
        .collect();
    let info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: edges.first().map(|(cursor, _)| cursor.clone()),
        end_cursor: edges.last().map(|(cursor, _)| cursor.clone()),
    };
    (edges, info)
}

/// A contact in a list.
#[derive(SimpleObject)]
pub struct ContactEdge {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The contact.
    pub node: Contact,
}

/// A page of contacts.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ContactConnection {
    /// The contacts of this page, in order.
    pub edges: Vec<ContactEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    directory: ContactDirectory,
    #[graphql(skip)]
    filter: ContactFilter,
}

impl ContactConnection {
    pub fn new(
        page: Page<contacts::Contact>,
        directory: ContactDirectory,
        filter: ContactFilter,
    ) -> Self {
        let (edges, page_info) = page_parts(page, Contact);
        Self {
            edges: edges
                .into_iter()
                .map(|(cursor, node)| ContactEdge { cursor, node })
                .collect(),
            page_info,
            directory,
            filter,
        }
    }
}

#[ComplexObject]
impl ContactConnection {
    /// Number of contacts matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let count = contacts::count(deps(ctx)?, &self.directory, &self.filter).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// A company in a list.
#[derive(SimpleObject)]
pub struct CompanyEdge {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The company.
    pub node: Company,
}

/// A page of companies.
#[derive(SimpleObject)]
pub struct CompanyConnection {
    /// The companies of this page, in order.
    pub edges: Vec<CompanyEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

impl CompanyConnection {
    pub fn new(page: Page<companies::Company>) -> Self {
        let (edges, page_info) = page_parts(page, Company);
        Self {
            edges: edges
                .into_iter()
                .map(|(cursor, node)| CompanyEdge { cursor, node })
                .collect(),
            page_info,
        }
    }
}
