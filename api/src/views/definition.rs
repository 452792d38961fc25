//! What a view holds, and its stored form: codes in JSON, read back leniently.

use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{CompanyId, ContactId};
use crate::requests::queues::{
    Queue, QueueQuery, RequestFilter, RequestOrder, Scope, SortField, TimeRange,
};
use crate::requests::{RequestCategory, RequestKind, RequestState, Urgency};

/// The columns a request table can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    HumanId,
    Title,
    State,
    Urgency,
    Category,
    Kind,
    Product,
    Tag,
    Company,
    Requester,
    Assignee,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    ClosedAt,
}

/// Stored codes of the closed sets a view names; a code missing here (renamed or removed
/// since) is a warning when the view opens.
macro_rules! codes {
    ($name:ident: $ty:ty { $($variant:expr => $code:literal),* $(,)? }) => {
        fn $name(value: $ty) -> &'static str {
            let table: &[($ty, &'static str)] = &[$(($variant, $code)),*];
            table.iter().find(|(v, _)| *v == value).map_or("", |(_, c)| c)
        }
    };
}

fn from_code<T: Copy + PartialEq>(
    code: &str,
    all: &[T],
    to_code: fn(T) -> &'static str,
) -> Option<T> {
    all.iter().copied().find(|v| to_code(*v) == code)
}

codes!(column_code: Column {
    Column::HumanId => "HUMAN_ID", Column::Title => "TITLE", Column::State => "STATE",
    Column::Urgency => "URGENCY", Column::Category => "CATEGORY", Column::Kind => "KIND",
    Column::Product => "PRODUCT", Column::Tag => "TAG", Column::Company => "COMPANY",
    Column::Requester => "REQUESTER", Column::Assignee => "ASSIGNEE",
    Column::CreatedAt => "CREATED_AT", Column::UpdatedAt => "UPDATED_AT",
    Column::SubmittedAt => "SUBMITTED_AT", Column::ClosedAt => "CLOSED_AT",
});
const COLUMNS: [Column; 15] = [
    Column::HumanId,
    Column::Title,
    Column::State,
    Column::Urgency,
    Column::Category,
    Column::Kind,
    Column::Product,
    Column::Tag,
    Column::Company,
    Column::Requester,
    Column::Assignee,
    Column::CreatedAt,
    Column::UpdatedAt,
    Column::SubmittedAt,
    Column::ClosedAt,
];

codes!(queue_code: Queue {
    Queue::ToClarify => "TO_CLARIFY", Queue::ToValidate => "TO_VALIDATE",
    Queue::Drafts => "DRAFTS", Queue::Active => "ACTIVE", Queue::Closed => "CLOSED",
    Queue::All => "ALL",
});
codes!(scope_code: Scope { Scope::Personal => "PERSONAL", Scope::Team => "TEAM" });
codes!(sort_code: SortField {
    SortField::CreatedAt => "CREATED_AT", SortField::UpdatedAt => "UPDATED_AT",
    SortField::SubmittedAt => "SUBMITTED_AT", SortField::ClosedAt => "CLOSED_AT",
    SortField::HumanId => "HUMAN_ID", SortField::Title => "TITLE", SortField::State => "STATE",
    SortField::Urgency => "URGENCY", SortField::Category => "CATEGORY",
    SortField::Product => "PRODUCT", SortField::Tag => "TAG", SortField::Kind => "KIND",
    SortField::Company => "COMPANY", SortField::Requester => "REQUESTER",
    SortField::Assignee => "ASSIGNEE",
});
const SORT_FIELDS: [SortField; 15] = [
    SortField::CreatedAt,
    SortField::UpdatedAt,
    SortField::SubmittedAt,
    SortField::ClosedAt,
    SortField::HumanId,
    SortField::Title,
    SortField::State,
    SortField::Urgency,
    SortField::Category,
    SortField::Product,
    SortField::Tag,
    SortField::Kind,
    SortField::Company,
    SortField::Requester,
    SortField::Assignee,
];

/// A queue by its code (`ACTIVE`).
pub(super) fn queue_by_code(code: &str) -> Option<Queue> {
    from_code(code, &Queue::ALL, queue_code)
}

/// A scope by its code (`TEAM`).
pub(super) fn scope_by_code(code: &str) -> Option<Scope> {
    from_code(code, &[Scope::Personal, Scope::Team], scope_code)
}

/// What a view shows: a queue query and the table's columns, in order.
#[derive(Debug, Clone, Default)]
pub struct ViewDefinition {
    pub query: QueueQuery,
    pub columns: Vec<Column>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Stored {
    queue: String,
    scope: Option<String>,
    columns: Vec<String>,
    order: Option<(String, bool)>,
    filter: StoredFilter,
}

/// A time range as stored: (from, to).
type StoredRange = Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)>;

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct StoredFilter {
    states: Vec<String>,
    categories: Vec<String>,
    kinds: Vec<String>,
    urgencies: Vec<String>,
    companies: Vec<Uuid>,
    requesters: Vec<Uuid>,
    assignees: Vec<Uuid>,
    unassigned: bool,
    products: Vec<String>,
    tags: Vec<String>,
    created: StoredRange,
    updated: StoredRange,
    submitted: StoredRange,
    closed: StoredRange,
    search: Option<String>,
}

fn range_of(range: Option<TimeRange>) -> StoredRange {
    range.map(|r| (r.from, r.to))
}

fn range_from(stored: StoredRange) -> Option<TimeRange> {
    stored.map(|(from, to)| TimeRange { from, to })
}

/// Stored codes of values the database stores as codes too.
fn stored_codes<T: ActiveEnum<Value = String> + Copy>(values: &[T]) -> Vec<String> {
    values.iter().map(|v| v.to_value()).collect()
}

/// The values of `codes` that still exist; a warning for each one that does not.
fn known<T: ActiveEnum<Value = String>>(
    codes: &[String],
    what: &str,
    warnings: &mut Vec<String>,
) -> Vec<T> {
    codes
        .iter()
        .filter_map(|code| match T::try_from_value(code) {
            Ok(value) => Some(value),
            Err(_) => {
                warnings.push(format!(
                    "{what} `{code}` no longer exists; the filter ignores it"
                ));
                None
            }
        })
        .collect()
}

impl ViewDefinition {
    /// The stored form.
    pub fn to_json(&self) -> String {
        let q = &self.query;
        let f = &q.filter;
        let stored = Stored {
            queue: queue_code(q.queue).to_owned(),
            scope: q.scope.map(|s| scope_code(s).to_owned()),
            columns: self
                .columns
                .iter()
                .map(|c| column_code(*c).to_owned())
                .collect(),
            order: Some((sort_code(q.order.field).to_owned(), q.order.descending)),
            filter: StoredFilter {
                states: stored_codes(&f.states),
                categories: stored_codes(&f.categories),
                kinds: stored_codes(&f.kinds),
                urgencies: stored_codes(&f.urgencies),
                companies: f.companies.iter().map(|c| c.uuid()).collect(),
                requesters: f.requesters.iter().map(|c| c.uuid()).collect(),
                assignees: f.assignees.iter().map(|c| c.uuid()).collect(),
                unassigned: f.unassigned,
                products: f.products.clone(),
                tags: f.tags.clone(),
                created: range_of(f.created),
                updated: range_of(f.updated),
                submitted: range_of(f.submitted),
                closed: range_of(f.closed),
                search: f.search.clone(),
            },
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads the stored form; what no longer exists is left out and named in the warnings.
    pub fn from_json(json: &str) -> (Self, Vec<String>) {
        let mut warnings = Vec::new();
        let stored: Stored = serde_json::from_str(json).unwrap_or_else(|_| {
            warnings.push("the view could not be read; it shows every request".into());
            Stored::default()
        });
        let queue = from_code(&stored.queue, &Queue::ALL, queue_code).unwrap_or_else(|| {
            if !stored.queue.is_empty() {
                warnings.push(format!(
                    "queue `{}` no longer exists; all requests show",
                    stored.queue
                ));
            }
            Queue::All
        });
        let scope = stored.scope.as_deref().and_then(|code| {
            let found = from_code(code, &[Scope::Personal, Scope::Team], scope_code);
            if found.is_none() {
                warnings.push(format!("scope `{code}` no longer exists"));
            }
            found
        });
        let columns = stored
            .columns
            .iter()
            .filter_map(|code| {
                let found = from_code(code, &COLUMNS, column_code);
                if found.is_none() {
                    warnings.push(format!("column `{code}` no longer exists; it is not shown"));
                }
                found
            })
            .collect();
        let order = match &stored.order {
            None => RequestOrder::default(),
            Some((code, descending)) => match from_code(code, &SORT_FIELDS, sort_code) {
                Some(field) => RequestOrder {
                    field,
                    descending: *descending,
                },
                None => {
                    warnings.push(format!(
                        "sort column `{code}` no longer exists; newest first"
                    ));
                    RequestOrder::default()
                }
            },
        };
        let f = stored.filter;
        let filter = RequestFilter {
            states: known::<RequestState>(&f.states, "state", &mut warnings),
            categories: known::<RequestCategory>(&f.categories, "category", &mut warnings),
            kinds: known::<RequestKind>(&f.kinds, "kind", &mut warnings),
            urgencies: known::<Urgency>(&f.urgencies, "urgency", &mut warnings),
            companies: f.companies.into_iter().map(CompanyId::from_uuid).collect(),
            requesters: f.requesters.into_iter().map(ContactId::from_uuid).collect(),
            assignees: f.assignees.into_iter().map(ContactId::from_uuid).collect(),
            unassigned: f.unassigned,
            products: f.products,
            tags: f.tags,
            created: range_from(f.created),
            updated: range_from(f.updated),
            submitted: range_from(f.submitted),
            closed: range_from(f.closed),
            search: f.search,
        };
        let query = QueueQuery {
            queue,
            scope,
            filter,
            order,
        };
        (Self { query, columns }, warnings)
    }
}

fn range_json(range: Option<TimeRange>) -> serde_json::Value {
    range.map_or(
        serde_json::Value::Null,
        |r| serde_json::json!({ "from": r.from, "to": r.to }),
    )
}

/// A filter in the shape of the API's `RequestFilterInput`, to show it and send it back.
pub fn filter_as_input(f: &RequestFilter) -> serde_json::Value {
    use crate::ids::NodeId;
    let ids = |ids: Vec<NodeId>| ids.iter().map(ToString::to_string).collect::<Vec<_>>();
    serde_json::json!({
        "states": stored_codes(&f.states),
        "categories": stored_codes(&f.categories),
        "kinds": stored_codes(&f.kinds),
        "urgencies": stored_codes(&f.urgencies),
        "companyIds": ids(f.companies.iter().map(|c| NodeId::of(*c)).collect()),
        "requesterIds": ids(f.requesters.iter().map(|c| NodeId::of(*c)).collect()),
        "assigneeIds": ids(f.assignees.iter().map(|c| NodeId::of(*c)).collect()),
        "unassigned": f.unassigned,
        "products": f.products,
        "tags": f.tags,
        "createdAt": range_json(f.created),
        "updatedAt": range_json(f.updated),
        "submittedAt": range_json(f.submitted),
        "closedAt": range_json(f.closed),
        "search": f.search,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_round_trips_and_unknown_values_become_warnings() {
        let mut view = ViewDefinition::default();
        view.query.queue = Queue::Active;
        view.query.scope = Some(Scope::Team);
        view.query.filter.urgencies = vec![Urgency::High, Urgency::Urgent];
        view.query.filter.search = Some("ecran".into());
        view.query.order = RequestOrder {
            field: SortField::Urgency,
            descending: true,
        };
        view.columns = vec![Column::HumanId, Column::Title, Column::Assignee];
        let json = view.to_json();
        let (read, warnings) = ViewDefinition::from_json(&json);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.to_json(), json);
        assert_eq!(read.columns, view.columns);

        let old = json
            .replace("\"URGENT\"", "\"CRITICAL\"")
            .replace("\"ASSIGNEE\"", "\"OWNER\"");
        let (read, warnings) = ViewDefinition::from_json(&old);
        assert_eq!(read.query.filter.urgencies, [Urgency::High]);
        assert_eq!(read.columns, [Column::HumanId, Column::Title]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("CRITICAL") || warnings[1].contains("CRITICAL"));
    }
}
