//! Request queries: one request by ID or human ID, and the lists the caller may see.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::connections::RequestConnection;
use super::enums::{RequestCategoryGql, RequestKindGql, RequestStateGql, UrgencyGql};
use super::projection::list_read;
use super::request::Request;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::graphql::context::{deps, worker};
use crate::graphql::types::{OrderDirection, page_request};
use crate::ids::{NodeId, RequestId};
use crate::requests::queues::{RequestOrder, TimeRange};
use crate::requests::{self, QueueQuery, RequestFilter};

/// The predefined queues of the console.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::requests::queues::Queue")]
pub enum RequestQueue {
    /// The support asked a question (CUSTOMER_CLARIFICATION).
    ToClarify,
    /// A solution waits for the customer's answer (SOLUTION_PROPOSED).
    ToValidate,
    /// Saved, not submitted (only their author sees them).
    Drafts,
    /// Submitted and not closed.
    Active,
    /// Closed.
    Closed,
    /// Every request, whatever its state.
    #[default]
    All,
}

/// Whose requests a queue shows.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::requests::queues::Scope")]
pub enum RequestScope {
    /// Customers: their own requests. Support: the requests assigned to them.
    Personal,
    /// Customers with a team role: their company's requests (`NOT_ALLOWED` for Support
    /// Restricted). Support: every company's.
    Team,
}

/// A span of time: `from` included, `to` excluded, at most 10 years; either end may be
/// absent.
#[derive(InputObject, Debug, Clone, Default)]
pub struct DateTimeRangeInput {
    /// Start (included).
    pub from: Option<DateTime<Utc>>,
    /// End (excluded).
    pub to: Option<DateTime<Utc>>,
}

/// Which requests of a queue to show. Values of one field are alternatives (at most 100);
/// fields combine.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RequestFilterInput {
    /// In one of these states.
    pub states: Option<Vec<RequestStateGql>>,
    /// In one of these categories.
    pub categories: Option<Vec<RequestCategoryGql>>,
    /// Of one of these kinds.
    pub kinds: Option<Vec<RequestKindGql>>,
    /// With one of these urgencies.
    pub urgencies: Option<Vec<UrgencyGql>>,
    /// For one of these companies (support; a customer sees only their own).
    pub company_ids: Option<Vec<ID>>,
    /// Opened by one of these contacts.
    pub requester_ids: Option<Vec<ID>>,
    /// Assigned to one of these agents (or to nobody, with `unassigned`).
    pub assignee_ids: Option<Vec<ID>>,
    /// Assigned to nobody (with `assigneeIds`: to nobody or one of them).
    #[graphql(default)]
    pub unassigned: bool,
    /// With one of these products (exact names).
    pub products: Option<Vec<String>>,
    /// With one of these tags (exact).
    pub tags: Option<Vec<String>>,
    /// Created in this range.
    pub created_at: Option<DateTimeRangeInput>,
    /// Last changed in this range.
    pub updated_at: Option<DateTimeRangeInput>,
    /// Submitted in this range.
    pub submitted_at: Option<DateTimeRangeInput>,
    /// Closed in this range.
    pub closed_at: Option<DateTimeRangeInput>,
    /// Text found in the human ID, the title or the description, ignoring case and accents
    /// (at most 200 characters).
    pub search: Option<String>,
}

impl RequestFilterInput {
    pub(crate) fn parse(self) -> ApiResult<RequestFilter> {
        fn values<T: PartialEq>(raw: Option<Vec<T>>, name: &str) -> ApiResult<Vec<T>> {
            RequestFilter::values(raw.unwrap_or_default(), name)
        }
        fn enums<G: PartialEq + Into<T>, T>(raw: Option<Vec<G>>, name: &str) -> ApiResult<Vec<T>> {
            Ok(values(raw, name)?.into_iter().map(Into::into).collect())
        }
        fn ids<T: crate::ids::TypedId>(raw: Option<Vec<ID>>, name: &str) -> ApiResult<Vec<T>> {
            let field = format!("filter.{name}");
            values(raw, name)?
                .iter()
                .map(|id| NodeId::typed::<T>(id, &field))
                .collect()
        }
        fn range(raw: Option<DateTimeRangeInput>, name: &str) -> ApiResult<Option<TimeRange>> {
            raw.map(|r| TimeRange::new(r.from, r.to, &format!("filter.{name}")))
                .transpose()
        }
        Ok(RequestFilter {
            states: enums(self.states, "states")?,
            categories: enums(self.categories, "categories")?,
            kinds: enums(self.kinds, "kinds")?,
            urgencies: enums(self.urgencies, "urgencies")?,
            companies: ids(self.company_ids, "companyIds")?,
            requesters: ids(self.requester_ids, "requesterIds")?,
            assignees: ids(self.assignee_ids, "assigneeIds")?,
            unassigned: self.unassigned,
            products: values(self.products, "products")?,
            tags: values(self.tags, "tags")?,
            created: range(self.created_at, "createdAt")?,
            updated: range(self.updated_at, "updatedAt")?,
            submitted: range(self.submitted_at, "submittedAt")?,
            closed: range(self.closed_at, "closedAt")?,
            search: RequestFilter::search_text(self.search.as_deref())?,
        })
    }
}

/// The columns a request list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::requests::queues::SortField")]
pub enum RequestOrderField {
    /// When it was created.
    #[default]
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
    /// When it was submitted (drafts first in ascending order).
    SubmittedAt,
    /// When it was closed (open requests first in ascending order).
    ClosedAt,
    /// Its human ID.
    HumanId,
    /// Its title.
    Title,
    /// Its state, in lifecycle order (draft, support analysis … closed).
    State,
    /// Its urgency, from low to urgent.
    Urgency,
    /// Its category, in the form's order.
    Category,
    /// Its kind, in the form's order (issue, then how-to).
    Kind,
    /// Its product.
    Product,
    /// Its tag.
    Tag,
    /// Its company's name.
    Company,
    /// Its requester's name (last name, then first name).
    Requester,
    /// Its assignee's name (last name, then first name; unassigned first in ascending order).
    Assignee,
}

/// Sort order of a request list; ties are broken by the request's ID in the same direction.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct RequestOrderInput {
    /// The column.
    #[graphql(default)]
    pub field: RequestOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<RequestOrderInput> for RequestOrder {
    fn from(input: RequestOrderInput) -> Self {
        Self {
            field: input.field.into(),
            descending: input.direction == OrderDirection::Desc,
        }
    }
}

/// How many requests each queue holds (the console's tiles): exact after every change, read
/// from counts kept by each change rather than by counting requests.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct QueueCounts {
    /// The support asked a question.
    pub to_clarify: i32,
    /// A solution waits for the customer's answer.
    pub to_validate: i32,
    /// Saved, not submitted.
    pub drafts: i32,
    /// Submitted and not closed.
    pub active: i32,
    /// Closed.
    pub closed: i32,
    /// Every request.
    pub all: i32,
}

impl QueueCounts {
    /// The tiles, from how many requests each queue holds.
    pub fn of(count: impl Fn(crate::requests::queues::Queue) -> i64) -> Self {
        use crate::requests::queues::Queue;
        let of = |queue| i32::try_from(count(queue)).unwrap_or(i32::MAX);
        Self {
            to_clarify: of(Queue::ToClarify),
            to_validate: of(Queue::ToValidate),
            drafts: of(Queue::Drafts),
            active: of(Queue::Active),
            closed: of(Queue::Closed),
            all: of(Queue::All),
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

    /// How many requests each queue holds for the caller in `scope` (default: everything they
    /// may see), as the console's tiles show them.
    async fn queue_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Personal or team.")] scope: Option<RequestScope>,
    ) -> ApiResult<QueueCounts> {
        let counts =
            requests::queue_counts(deps(ctx)?, &worker(ctx).await?, scope.map(Into::into)).await?;
        Ok(QueueCounts::of(|queue| counts.of(queue)))
    }

    /// A queue of requests (newest first unless `orderBy` says otherwise), within what the
    /// caller may see: customers their own requests (and, with a team role, their company's
    /// submitted ones), the support every submitted request; drafts only to their author.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last request seen.")] after: Option<String>,
        #[graphql(desc = "The queue (default: all requests).")] queue: Option<RequestQueue>,
        #[graphql(desc = "Personal or team (default: everything the caller may see).")]
        scope: Option<RequestScope>,
        #[graphql(desc = "Which requests of the queue.")] filter: Option<RequestFilterInput>,
        #[graphql(desc = "Sort column and direction (default: newest first).")] order_by: Option<
            RequestOrderInput,
        >,
    ) -> ApiResult<RequestConnection> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let query = QueueQuery {
            queue: queue.unwrap_or_default().into(),
            scope: scope.map(Into::into),
            filter: filter.unwrap_or_default().parse()?,
            order: order_by.map(Into::into).unwrap_or_default(),
        };
        let page = page_request(deps, first, after)?;
        let found = requests::list(deps, &worker, &query, &page, &list_read(ctx)).await?;
        Ok(RequestConnection::new(found, worker, query))
    }
}
