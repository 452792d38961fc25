//! The audit journal over GraphQL.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, deps};
use super::types::{OrderDirection, PageInfo, page_parts, page_request};
use crate::audit::{self, AuditFilter, AuditOrder, TargetKind};
use crate::error::ApiResult;
use crate::ids::{CompanyId, NodeId, NodeKind};

/// One entry of the audit journal.
pub struct AuditEvent(audit::AuditEvent);

fn json_text(text: Option<&String>) -> Option<async_graphql::Json<serde_json::Value>> {
    text.and_then(|t| serde_json::from_str(t).ok())
        .map(async_graphql::Json)
}

/// One entry of the audit journal.
#[Object]
impl AuditEvent {
    /// Opaque ID.
    async fn id(&self) -> ID {
        self.0.id.to_string().into()
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// What happened, e.g. `CONTACT_ROLES_CHANGED`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The account that acted (an account node ID), if any.
    async fn actor_id(&self) -> Option<ID> {
        self.0
            .actor_account_id
            .map(|id| NodeId::new(NodeKind::Account, id).to_string().into())
    }

    /// The company concerned (a company node ID), if any.
    async fn company_id(&self) -> Option<ID> {
        self.0
            .company_id
            .map(|id| NodeId::new(NodeKind::Company, id).to_string().into())
    }

    /// The kind of object acted on: `CONTACT`, `COMPANY`, `ACCOUNT`, `REQUEST`.
    async fn target_kind(&self) -> Option<&str> {
        self.0.target_kind.as_deref()
    }

    /// The object acted on (its node ID), if any.
    async fn target_id(&self) -> Option<ID> {
        let kind = match self
            .0
            .target_kind
            .as_deref()
            .and_then(TargetKind::from_code)
        {
            Some(TargetKind::Contact) => NodeKind::Contact,
            Some(TargetKind::Company) => NodeKind::Company,
            Some(TargetKind::Account) => NodeKind::Account,
            Some(TargetKind::Request) => NodeKind::Request,
            None => return None,
        };
        self.0
            .target_id
            .map(|id| NodeId::new(kind, id).to_string().into())
    }

    /// The object before the action.
    async fn before(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json_text(self.0.before.as_ref())
    }

    /// The object after the action.
    async fn after(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json_text(self.0.after.as_ref())
    }
}

/// An entry in a page of the journal.
#[derive(SimpleObject)]
pub struct AuditEventEdge {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The entry.
    pub node: AuditEvent,
}

/// A page of the journal, newest first.
#[derive(SimpleObject)]
pub struct AuditEventConnection {
    /// The entries of this page.
    pub edges: Vec<AuditEventEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// Which journal entries to list.
#[derive(InputObject, Debug, Default)]
pub struct AuditEventFilterInput {
    /// Only these actions (at most 100).
    pub actions: Option<Vec<String>>,
    /// Only entries by this account (an account node ID).
    pub actor_id: Option<ID>,
    /// Only entries about this object (a contact, company, account or request node ID).
    pub target_id: Option<ID>,
    /// Only this company's entries (platform operator; Security Administrators always read
    /// their own company's).
    pub company_id: Option<ID>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
}

impl AuditEventFilterInput {
    fn parse(self) -> ApiResult<AuditFilter> {
        let uuid = |raw: Option<ID>, field: &str| {
            raw.map(|id| NodeId::parse(&id, field).map(|n| n.uuid))
                .transpose()
        };
        Ok(AuditFilter {
            actions: self.actions.unwrap_or_default(),
            actor_account_id: uuid(self.actor_id, "actorId")?,
            target_id: uuid(self.target_id, "targetId")?,
            company_id: uuid(self.company_id, "companyId")?.map(CompanyId::from_uuid),
            since: self.since,
            until: self.until,
        })
    }
}

/// The values the journal can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditEventOrderField {
    /// When it happened (ties broken by the entry's ID).
    #[default]
    OccurredAt,
}

/// Sort order of the journal (default: newest first).
#[derive(InputObject, Debug)]
pub struct AuditEventOrderInput {
    /// The value to sort by.
    #[graphql(default)]
    pub field: AuditEventOrderField,
    /// The direction (default: descending, newest first).
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl AuditEventOrderInput {
    fn order(&self) -> AuditOrder {
        match (self.field, self.direction) {
            (AuditEventOrderField::OccurredAt, OrderDirection::Asc) => AuditOrder::OldestFirst,
            (AuditEventOrderField::OccurredAt, OrderDirection::Desc) => AuditOrder::NewestFirst,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit journal, newest first unless `orderBy` says otherwise: the caller's company
    /// for Security Administrators, everything for the platform operator. A cursor fits only
    /// the order that made it.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which entries to list.")] filter: Option<AuditEventFilterInput>,
        #[graphql(desc = "Sort order (default: newest first).")] order_by: Option<
            AuditEventOrderInput,
        >,
    ) -> ApiResult<AuditEventConnection> {
        let deps = deps(ctx)?;
        let actor = actor(ctx).await?;
        let page = page_request(deps, first, after)?;
        let filter = filter.unwrap_or_default().parse()?;
        let order = order_by.map(|o| o.order()).unwrap_or_default();
        let found = audit::list(deps, actor, filter, order, &page).await?;
        let (edges, page_info) = page_parts(found, AuditEvent);
        let edges = edges
            .into_iter()
            .map(|(cursor, node)| AuditEventEdge { cursor, node })
            .collect();
        Ok(AuditEventConnection { edges, page_info })
    }
}
