//! Relay connections of requests, messages and history entries.

use async_graphql::{ComplexObject, Context, SimpleObject};

use super::parts::{RequestEvent, RequestMessage};
use super::request::Request;
use crate::auth::RequestWorker;
use crate::error::ApiResult;
use crate::graphql::context::deps;
use crate::graphql::types::PageInfo;
use crate::paging::Page;
use crate::requests::{self, QueueQuery};

/// Builds a connection from a page.
pub(super) fn connection<T, N, C>(
    page: Page<T>,
    node: impl Fn(T) -> N,
    build: impl FnOnce(Vec<Edge<N>>, PageInfo) -> C,
) -> C
where
    N: async_graphql::OutputType,
{
    let edges: Vec<Edge<N>> = page
        .items
        .into_iter()
        .map(|(cursor, item)| Edge {
            cursor: cursor.encode(),
            node: node(item),
        })
        .collect();
    let info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    build(edges, info)
}

/// An item of a list, with its cursor.
#[derive(SimpleObject)]
#[graphql(concrete(name = "RequestEdge", params(Request)))]
#[graphql(concrete(name = "RequestMessageEdge", params(RequestMessage)))]
#[graphql(concrete(name = "RequestEventEdge", params(RequestEvent)))]
pub struct Edge<N: async_graphql::OutputType> {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The item.
    pub node: N,
}

/// A page of requests.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RequestConnection {
    /// The requests of this page, in the list's order.
    pub edges: Vec<Edge<Request>>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    worker: RequestWorker,
    #[graphql(skip)]
    query: QueueQuery,
}

impl RequestConnection {
    pub fn new(
        page: Page<requests::Visible<requests::Request>>,
        worker: RequestWorker,
        query: QueueQuery,
    ) -> Self {
        connection(page, Request, |edges, page_info| Self {
            edges,
            page_info,
            worker,
            query,
        })
    }
}

#[ComplexObject]
impl RequestConnection {
    /// Number of requests in the list, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let count = requests::count(deps(ctx)?, &self.worker, &self.query).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// A page of messages.
#[derive(SimpleObject)]
pub struct RequestMessageConnection {
    /// The messages of this page, oldest first.
    pub edges: Vec<Edge<RequestMessage>>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// A page of history.
#[derive(SimpleObject)]
pub struct RequestEventConnection {
    /// The entries of this page, oldest first.
    pub edges: Vec<Edge<RequestEvent>>,
    /// Paging information.
    pub page_info: PageInfo,
}
