//! Queue lists: the requests matching a queue, its filter and what the caller may see, in one
//! sort order with the ID as the tie-break, paged by keyset (a cursor holds the sort value and
//! the ID of the last row seen, so a page stays stable while requests arrive).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{RequestCategory, RequestKind, RequestState, Urgency, company, contact, request};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::rows::{Projection, decode, select_columns};
use crate::error::ApiError;
use crate::paging::{Cursor, PageRequest};
use crate::requests::projection::ListRead;
use crate::requests::queues::{QueueQuery, RequestOrder, SortField, TimeRange};
use crate::sql::escape_like;

/// The requests matching `visible` (what the caller may see, in their scope) and the query's
/// queue and filter.
fn matching(visible: Condition, query: &QueueQuery) -> Select<request::Entity> {
    use request::Column as C;
    let mut select = request::Entity::find().filter(visible);
    if let Some(states) = query.queue.states() {
        select = select.filter(C::State.is_in(states.iter().copied()));
    }
    let f = &query.filter;
    if !f.states.is_empty() {
        select = select.filter(C::State.is_in(f.states.iter().copied()));
    }
    if !f.categories.is_empty() {
        select = select.filter(C::Category.is_in(f.categories.iter().copied()));
    }
    if !f.kinds.is_empty() {
        select = select.filter(C::Kind.is_in(f.kinds.iter().copied()));
    }
    if !f.urgencies.is_empty() {
        select = select.filter(C::Urgency.is_in(f.urgencies.iter().copied()));
    }
    if !f.companies.is_empty() {
        select = select.filter(C::CompanyId.is_in(f.companies.iter().map(|c| c.uuid())));
    }
    if !f.requesters.is_empty() {
        let ids = f.requesters.iter().map(|c| c.uuid());
        select = select.filter(C::RequesterContactId.is_in(ids));
    }
    if !f.assignees.is_empty() || f.unassigned {
        let mut assigned = Condition::any();
        if !f.assignees.is_empty() {
            let ids = f.assignees.iter().map(|c| c.uuid());
            assigned = assigned.add(C::AssigneeContactId.is_in(ids));
        }
        if f.unassigned {
            assigned = assigned.add(C::AssigneeContactId.is_null());
        }
        select = select.filter(assigned);
    }
    if !f.products.is_empty() {
        select = select.filter(C::Product.is_in(f.products.iter().cloned()));
    }
    if !f.tags.is_empty() {
        select = select.filter(C::Tag.is_in(f.tags.iter().cloned()));
    }
    for (column, range) in [
        (C::CreatedAt, f.created),
        (C::UpdatedAt, f.updated),
        (C::SubmittedAt, f.submitted),
        (C::ClosedAt, f.closed),
    ] {
        let Some(TimeRange { from, to }) = range else {
            continue;
        };
        if let Some(from) = from {
            select = select.filter(column.gte(from));
        }
        if let Some(to) = to {
            select = select.filter(column.lt(to));
        }
    }
    if let Some(text) = &f.search {
        let pattern = LikeExpr::new(format!("%{}%", escape_like(text))).escape('\\');
        select = select.filter(Expr::col(C::SearchKey).like(pattern));
    }
    select
}

/// Whether `row` is in the query's queue and passes its filter: [`matching`] for one request
/// (the kept counts of views decide with it which counts a change moves), column for column.
pub fn matches(query: &QueueQuery, row: &request::Model) -> bool {
    fn any<T: PartialEq>(values: &[T], value: Option<&T>) -> bool {
        values.is_empty() || value.is_some_and(|v| values.contains(v))
    }
    fn within(range: Option<TimeRange>, at: Option<DateTime<Utc>>) -> bool {
        let Some(TimeRange { from, to }) = range else {
            return true;
        };
        at.is_some_and(|at| from.is_none_or(|from| at >= from) && to.is_none_or(|to| at < to))
    }
    let f = &query.filter;
    let assignee = row.assignee_contact_id;
    query.queue.states().is_none_or(|s| s.contains(&row.state))
        && any(&f.states, Some(&row.state))
        && any(&f.categories, row.category.as_ref())
        && any(&f.kinds, row.kind.as_ref())
        && any(&f.urgencies, row.urgency.as_ref())
        && (f.companies.is_empty() || f.companies.iter().any(|c| c.uuid() == row.company_id))
        && (f.requesters.is_empty()
            || f.requesters
                .iter()
                .any(|c| c.uuid() == row.requester_contact_id))
        && ((f.assignees.is_empty() && !f.unassigned)
            || (f.unassigned && assignee.is_none())
            || f.assignees.iter().any(|c| Some(c.uuid()) == assignee))
        && any(&f.products, row.product.as_ref())
        && any(&f.tags, row.tag.as_ref())
        && within(f.created, Some(row.created_at))
        && within(f.updated, Some(row.updated_at))
        && within(f.submitted, row.submitted_at)
        && within(f.closed, row.closed_at)
        && f.search.as_ref().is_none_or(|text| {
            row.search_key
                .as_deref()
                .is_some_and(|key| key.contains(text.as_str()))
        })
}

/// A listed request and its cursor.
pub struct Listed {
    pub row: request::Model,
    pub cursor: Cursor,
}

/// One page of the matching requests in the query's order, after `after`, with their cursors.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    visible: Condition,
    query: &QueueQuery,
    after: Option<After>,
    page: &PageRequest,
    read: &ListRead,
) -> Result<Vec<Listed>, DbErr> {
    let order = query.order;
    let key = sort_expr(order.field);
    let mut select = matching(visible, query);
    if let Some(After { key: value, id }) = after {
        let row = Expr::tuple([key.clone(), Expr::col(request::Column::Id)]);
        let cursor = Expr::tuple([value, Expr::val(id)]);
        select = select.filter(if order.descending {
            row.lt(cursor)
        } else {
            row.gt(cursor)
        });
    }
    let direction = if order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut select = select
        .order_by(key, direction.clone())
        .order_by(request::Column::Id, direction)
        .limit(page.fetch_limit());
    let projection = Projection::of(read, sort_column(order.field));
    select_columns(QueryTrait::query(&mut select), projection);
    let rows = conn
        .query_all(QueryTrait::as_query(&select))
        .await?
        .iter()
        .map(|row| decode(row, projection))
        .collect::<Result<Vec<_>, _>>()?;
    let names = names(conn, order.field, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|row| Listed {
            cursor: cursor(order, &row, &names),
            row,
        })
        .collect())
}

/// The sort keys of the names a page is sorted on (its companies', requesters' or assignees'),
/// in one statement; none for the other orders.
async fn names<C: ConnectionTrait>(
    conn: &C,
    field: SortField,
    rows: &[request::Model],
) -> Result<HashMap<Uuid, String>, DbErr> {
    let ids: Vec<Uuid> = match field {
        SortField::Company => rows.iter().map(|r| r.company_id).collect(),
        SortField::Requester => rows.iter().map(|r| r.requester_contact_id).collect(),
        SortField::Assignee => rows.iter().filter_map(|r| r.assignee_contact_id).collect(),
        _ => return Ok(HashMap::new()),
    };
    let found: Vec<(Uuid, String)> = if field == SortField::Company {
        company::Entity::find()
            .select_only()
            .columns([company::Column::Id, company::Column::NameKey])
            .filter(company::Column::Id.is_in(ids))
            .into_tuple()
            .all(conn)
            .await?
    } else {
        contact::Entity::find()
            .select_only()
            .columns([contact::Column::Id, contact::Column::NameKey])
            .filter(contact::Column::Id.is_in(ids))
            .into_tuple()
            .all(conn)
            .await?
    };
    Ok(found.into_iter().collect())
}

/// How many requests match, over all pages.
pub async fn count<C: ConnectionTrait>(
    conn: &C,
    visible: Condition,
    query: &QueueQuery,
) -> Result<u64, DbErr> {
    matching(visible, query).count(conn).await
}

/// The start of the nullable time columns' order: a request without the date (not submitted,
/// not closed) sorts before every dated one.
fn no_date() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

const STATE_ORDER: [RequestState; 7] = [
    RequestState::Draft,
    RequestState::SupportAnalysis,
    RequestState::CustomerClarification,
    RequestState::WaitingExternal,
    RequestState::WaitingCorrection,
    RequestState::SolutionProposed,
    RequestState::Closed,
];
const URGENCY_ORDER: [Urgency; 4] = [
    Urgency::Low,
    Urgency::Medium,
    Urgency::High,
    Urgency::Urgent,
];
const KIND_ORDER: [RequestKind; 2] = [RequestKind::Issue, RequestKind::HowTo];
const CATEGORY_ORDER: [RequestCategory; 7] = [
    RequestCategory::SoftwareUsage,
    RequestCategory::SoftwareDownload,
    RequestCategory::SoftwareOrdering,
    RequestCategory::LicenseKeys,
    RequestCategory::ContactManagement,
    RequestCategory::CertificationTraining,
    RequestCategory::AdministrativeApps,
];

/// Position (from 1) of a value in its order; 0 when absent.
fn rank<T: PartialEq>(order: &[T], value: Option<&T>) -> i64 {
    value
        .and_then(|v| order.iter().position(|o| o == v))
        .map_or(0, |i| i as i64 + 1)
}

/// The rank of a column's value as SQL: `CASE col WHEN … THEN 1 … ELSE 0 END`.
fn rank_expr<T>(column: request::Column, order: &[T]) -> Expr
where
    T: Copy + Into<sea_orm::Value>,
{
    let mut case = sea_orm::sea_query::CaseStatement::new();
    for (i, value) in order.iter().enumerate() {
        case = case.case(Expr::col(column).eq(*value), Expr::val(i as i64 + 1));
    }
    case.finally(Expr::val(0_i64)).into()
}

/// The column a sort reads from each request; `None` for the names (read by the IDs every
/// listed request has).
fn sort_column(field: SortField) -> Option<request::Column> {
    use request::Column as C;
    Some(match field {
        SortField::CreatedAt => C::CreatedAt,
        SortField::UpdatedAt => C::UpdatedAt,
        SortField::SubmittedAt => C::SubmittedAt,
        SortField::ClosedAt => C::ClosedAt,
        SortField::HumanId => C::HumanId,
        SortField::Title => C::Title,
        SortField::Product => C::Product,
        SortField::Tag => C::Tag,
        SortField::State => C::State,
        SortField::Urgency => C::Urgency,
        SortField::Category => C::Category,
        SortField::Kind => C::Kind,
        SortField::Company | SortField::Requester | SortField::Assignee => return None,
    })
}

/// The value sorted on, as SQL (never NULL, so that rows compare as tuples).
fn sort_expr(field: SortField) -> Expr {
    use request::Column as C;
    let text = |column: C| Expr::col(column).if_null("");
    match field {
        SortField::CreatedAt => Expr::col(C::CreatedAt),
        SortField::UpdatedAt => Expr::col(C::UpdatedAt),
        SortField::SubmittedAt => Expr::col(C::SubmittedAt).if_null(no_date()),
        SortField::ClosedAt => Expr::col(C::ClosedAt).if_null(no_date()),
        SortField::HumanId => text(C::HumanId),
        SortField::Title => text(C::Title),
        SortField::Product => text(C::Product),
        SortField::Tag => text(C::Tag),
        SortField::State => rank_expr(C::State, &STATE_ORDER),
        SortField::Urgency => rank_expr(C::Urgency, &URGENCY_ORDER),
        SortField::Category => rank_expr(C::Category, &CATEGORY_ORDER),
        SortField::Kind => rank_expr(C::Kind, &KIND_ORDER),
        // The name's sort key (folded, last name first), read for each matching request: these
        // orders sort every matching request (no index holds them).
        SortField::Company => Expr::cust(
            "COALESCE((SELECT name_key FROM companies WHERE companies.id = requests.company_id), '')",
        ),
        SortField::Requester => Expr::cust(
            "COALESCE((SELECT name_key FROM contacts \
             WHERE contacts.id = requests.requester_contact_id), '')",
        ),
        SortField::Assignee => Expr::cust(
            "COALESCE((SELECT name_key FROM contacts \
             WHERE contacts.id = requests.assignee_contact_id), '')",
        ),
    }
}

/// The value a row sorts on, as kept in cursors.
enum SortValue {
    Time(DateTime<Utc>),
    Text(String),
    Rank(i64),
}

fn sort_value(field: SortField, row: &request::Model, names: &HashMap<Uuid, String>) -> SortValue {
    let text = |v: &Option<String>| SortValue::Text(v.clone().unwrap_or_default());
    let name = |id: Option<Uuid>| text(&id.and_then(|id| names.get(&id).cloned()));
    match field {
        SortField::CreatedAt => SortValue::Time(row.created_at),
        SortField::UpdatedAt => SortValue::Time(row.updated_at),
        SortField::SubmittedAt => SortValue::Time(row.submitted_at.unwrap_or_else(no_date)),
        SortField::ClosedAt => SortValue::Time(row.closed_at.unwrap_or_else(no_date)),
        SortField::HumanId => text(&row.human_id),
        SortField::Title => text(&row.title),
        SortField::Product => text(&row.product),
        SortField::Tag => text(&row.tag),
        SortField::State => SortValue::Rank(rank(&STATE_ORDER, Some(&row.state))),
        SortField::Urgency => SortValue::Rank(rank(&URGENCY_ORDER, row.urgency.as_ref())),
        SortField::Category => SortValue::Rank(rank(&CATEGORY_ORDER, row.category.as_ref())),
        SortField::Kind => SortValue::Rank(rank(&KIND_ORDER, row.kind.as_ref())),
        SortField::Company => name(Some(row.company_id)),
        SortField::Requester => name(Some(row.requester_contact_id)),
        SortField::Assignee => name(row.assignee_contact_id),
    }
}

/// Names the order inside cursors, so a cursor is only accepted by the order that made it.
fn tag(order: RequestOrder) -> String {
    let direction = if order.descending { "desc" } else { "asc" };
    format!("{:?}:{direction}", order.field)
}

/// Where a page starts: the sort value and ID of the last row seen.
pub struct After {
    key: Expr,
    id: Uuid,
}

/// The cursor of a request in `order` (`names`: the sort keys of the names it sorts on).
fn cursor(order: RequestOrder, row: &request::Model, names: &HashMap<Uuid, String>) -> Cursor {
    let value = match sort_value(order.field, row, names) {
        SortValue::Time(at) => at.to_rfc3339(),
        SortValue::Text(text) => text,
        SortValue::Rank(rank) => rank.to_string(),
    };
    Cursor::new(vec![tag(order), value, row.id.to_string()])
}

/// Reads a cursor made by [`cursor`] for the same order.
pub fn parse_cursor(order: RequestOrder, cursor: &Cursor) -> Result<After, ApiError> {
    let [tagged, value, id] = cursor.parts() else {
        return Err(Cursor::invalid());
    };
    if *tagged != tag(order) {
        return Err(Cursor::invalid());
    }
    let id = Uuid::try_parse(id).map_err(|_| Cursor::invalid())?;
    let key = match order.field {
        SortField::CreatedAt
        | SortField::UpdatedAt
        | SortField::SubmittedAt
        | SortField::ClosedAt => {
            let at = DateTime::parse_from_rfc3339(value).map_err(|_| Cursor::invalid())?;
            Expr::val(at.with_timezone(&Utc))
        }
        SortField::HumanId
        | SortField::Title
        | SortField::Product
        | SortField::Tag
        | SortField::Company
        | SortField::Requester
        | SortField::Assignee => Expr::val(value.clone()),
        SortField::State | SortField::Urgency | SortField::Category | SortField::Kind => {
            Expr::val(value.parse::<i64>().map_err(|_| Cursor::invalid())?)
        }
    };
    Ok(After { key, id })
}
