//! Relay connections of requests, messages and history entries.

use async_graphql::SimpleObject;

use super::parts::{RequestEvent, RequestMessage};
use super::request::Request;
use crate::graphql::types::PageInfo;
use crate::paging::Page;

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
pub struct RequestConnection {
    /// The requests of this page, newest first.
    pub edges: Vec<Edge<Request>>,
    /// Paging information.
    pub page_info: PageInfo,
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
