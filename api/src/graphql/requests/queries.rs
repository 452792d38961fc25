//! Request queries: one request by ID or human ID, and the lists the caller may see.

use async_graphql::{Context, ID, InputObject, Object};

use super::connections::{RequestConnection, connection};
use super::enums::RequestStateGql;
use super::request::Request;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::graphql::context::{deps, worker};
use crate::graphql::types::{distinct, page_request};
use crate::ids::{NodeId, RequestId};
use crate::requests::{self, RequestFilter};

/// Which requests to list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RequestFilterInput {
    /// Only requests in these states (all when empty or absent).
    pub states: Option<Vec<RequestStateGql>>,
    /// Only the caller's own requests (customers).
    #[graphql(default)]
    pub mine: bool,
    /// Only requests assigned to the caller (support).
    #[graphql(default)]
    pub assigned_to_me: bool,
    /// Only requests nobody is assigned to.
    #[graphql(default)]
    pub unassigned: bool,
}

impl From<RequestFilterInput> for RequestFilter {
    fn from(input: RequestFilterInput) -> Self {
        Self {
            states: distinct(input.states).into_iter().map(Into::into).collect(),
            mine: input.mine,
            assigned_to_me: input.assigned_to_me,
            unassigned: input.unassigned,
        }
    }
}

#[derive(Default)]
pub struct RequestQuery;

#[Object]
impl RequestQuery {
    /// A request by its ID or its human ID (`SR-2026-000123`); `null` when unknown or not
    /// visible to the caller.
    async fn request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's ID.")] id: Option<ID>,
        #[graphql(desc = "The request's human ID.")] human_id: Option<String>,
    ) -> ApiResult<Option<Request>> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        match (id, human_id) {
            (Some(id), None) => {
                let Ok(id) = NodeId::typed::<RequestId>(&id, "id") else {
                    return Ok(None);
                };
                match requests::find(deps, &worker, id).await {
                    Ok(row) => Ok(Some(Request(row))),
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(err) => Err(err),
                }
            }
            (None, Some(human_id)) => Ok(requests::find_by_human_id(deps, &worker, &human_id)
                .await?
                .map(Request)),
            _ => Err(ApiError::bad_input(
                "id",
                InputReason::Required,
                "give either id or humanId",
            )),
        }
    }

    /// The requests the caller may see, newest first: customers their own (and, with a team
    /// role, their company's submitted ones), the support every submitted request. Drafts
    /// only to their author.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last request seen.")] after: Option<String>,
        #[graphql(desc = "Which requests.")] filter: Option<RequestFilterInput>,
    ) -> ApiResult<RequestConnection> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let page = page_request(deps, first, after)?;
        let filter = filter.map(Into::into).unwrap_or_default();
        let found = requests::list(deps, &worker, &filter, &page).await?;
        Ok(connection(found, Request, |edges, page_info| {
            RequestConnection { edges, page_info }
        }))
    }
}
