//! Root query fields: `node` and `viewer` here, the others in their area's module. The merge
//! order is the order of the fields in the schema.

use async_graphql::{Context, ID, MergedObject, Object};

use super::audit::AuditQuery;
use super::companies::CompanyQuery;
use super::contacts::ContactQuery;
use super::context::{actor, deps};
use super::metrics::MetricsQuery;
use super::requests::{Request, RequestQuery};
use super::types::{Account, Company, Contact, Node, Viewer};
use super::views::ViewQuery;
use crate::auth::Actor;
use crate::error::{ApiError, ApiResult};
use crate::ids::{AccountId, CompanyId, ContactId, NodeId, NodeKind, RequestId};
use crate::{accounts, companies, contacts, requests};

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    ViewerQuery,
    CompanyQuery,
    ContactQuery,
    AuditQuery,
    RequestQuery,
    ViewQuery,
    MetricsQuery,
);

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by ID. Objects the caller may not see answer `null`, exactly like IDs
    /// that do not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's ID.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        let id = NodeId::parse(&id, "id")?;
        let deps = deps(ctx)?;
        let actor = actor(ctx).await?;
        Ok(match id.kind {
            NodeKind::Company => {
                companies::find_visible(deps, actor, CompanyId::from_uuid(id.uuid))
                    .await?
                    .map(|c| Node::Company(Company(c)))
            }
            NodeKind::Contact => contacts::find_visible(deps, actor, ContactId::from_uuid(id.uuid))
                .await?
                .map(|c| Node::Contact(Contact(c))),
            NodeKind::Account => accounts::find_visible(deps, actor, AccountId::from_uuid(id.uuid))
                .await?
                .map(|a| Node::Account(Account(a))),
            NodeKind::Request => match actor.request_worker() {
                Ok(worker) => {
                    match requests::find(deps, &worker, RequestId::from_uuid(id.uuid)).await {
                        Ok(row) => Some(Node::Request(Box::new(Request(row)))),
                        Err(ApiError::NotFound { .. }) => None,
                        Err(err) => return Err(err),
                    }
                }
                Err(_) => None,
            },
            NodeKind::Message | NodeKind::Attachment | NodeKind::SavedView => None,
        })
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller: `null` without a valid session.
    async fn viewer(&self, ctx: &Context<'_>) -> ApiResult<Option<Viewer>> {
        Ok(match actor(ctx).await? {
            Actor::Person(principal) => Some(Viewer(principal.clone())),
            Actor::Anonymous => None,
        })
    }
}
