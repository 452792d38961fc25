//! Request queues (SPEC §6): the six predefined queues, in personal or team scope, narrowed by
//! filters on every column (several values at once, date ranges, a text search) and sorted on
//! one column with the request's ID as the tie-break. Everything here is a closed set of
//! values: nothing a client sends reaches SQL as text.

use chrono::{DateTime, Duration, Utc};

use super::{RequestCategory, RequestKind, RequestState, Urgency};
use crate::domain::fold;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{CompanyId, ContactId};

/// The predefined queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Queue {
    /// The support asked the customer a question (CUSTOMER_CLARIFICATION).
    ToClarify,
    /// A solution waits for the customer's answer (SOLUTION_PROPOSED).
    ToValidate,
    /// Saved, not submitted (only their author ever sees them).
    Drafts,
    /// Submitted and not closed.
    Active,
    /// Closed.
    Closed,
    /// Every request, whatever its state.
    #[default]
    All,
}

impl Queue {
    /// The states of the queue; `None` for every state.
    pub fn states(self) -> Option<&'static [RequestState]> {
        use RequestState::*;
        match self {
            Self::ToClarify => Some(&[CustomerClarification]),
            Self::ToValidate => Some(&[SolutionProposed]),
            Self::Drafts => Some(&[Draft]),
            Self::Active => Some(&[
                SupportAnalysis,
                CustomerClarification,
                WaitingExternal,
                WaitingCorrection,
                SolutionProposed,
            ]),
            Self::Closed => Some(&[Closed]),
            Self::All => None,
        }
    }

    /// Every queue, in the console's order.
    pub const ALL: [Queue; 6] = [
        Self::ToClarify,
        Self::ToValidate,
        Self::Drafts,
        Self::Active,
        Self::Closed,
        Self::All,
    ];
}

/// Whose requests a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A customer's own requests; the requests assigned to a support agent.
    Personal,
    /// The company's requests (customers with a team role); every company's (support).
    Team,
}

/// A span of time: `from` included, `to` excluded; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The longest span a range may cover.
pub const RANGE_YEARS_MAX: i64 = 10;

impl TimeRange {
    /// A range whose ends are in order and at most [`RANGE_YEARS_MAX`] years apart.
    pub fn new(
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        field: &str,
    ) -> ApiResult<Self> {
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(ApiError::bad_input(
                    field,
                    InputReason::OutOfRange,
                    "`from` is after `to`",
                ));
            }
            if to - from > Duration::days(366 * RANGE_YEARS_MAX) {
                return Err(ApiError::bad_input(
                    field,
                    InputReason::OutOfRange,
                    format!("a range covers at most {RANGE_YEARS_MAX} years"),
                ));
            }
        }
        Ok(Self { from, to })
    }
}

/// Most values one filter list may hold.
pub const FILTER_VALUES_MAX: usize = 100;
/// Longest search text, in characters.
pub const SEARCH_MAX: usize = 200;

/// Which requests of a queue to show; every list empty (or range absent) keeps all. Values of
/// one column are alternatives; columns combine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub states: Vec<RequestState>,
    pub categories: Vec<RequestCategory>,
    pub kinds: Vec<RequestKind>,
    pub urgencies: Vec<Urgency>,
    /// Only these companies' requests (useful to the support; a customer sees one company).
    pub companies: Vec<CompanyId>,
    pub requesters: Vec<ContactId>,
    /// Requests assigned to one of these agents (or to nobody, with `unassigned`).
    pub assignees: Vec<ContactId>,
    /// Requests assigned to nobody (with `assignees`: to nobody or to one of them).
    pub unassigned: bool,
    /// Exact product names.
    pub products: Vec<String>,
    /// Exact tags.
    pub tags: Vec<String>,
    pub created: Option<TimeRange>,
    pub updated: Option<TimeRange>,
    pub submitted: Option<TimeRange>,
    pub closed: Option<TimeRange>,
    /// Folded text ([`fold`]) found in the human ID, the title or the description.
    pub search: Option<String>,
}

impl RequestFilter {
    /// Checks a list's length (the field is named `filter.<name>` in errors).
    pub fn values<T: PartialEq>(values: Vec<T>, name: &str) -> ApiResult<Vec<T>> {
        let mut kept: Vec<T> = Vec::with_capacity(values.len().min(FILTER_VALUES_MAX));
        if values.len() > FILTER_VALUES_MAX {
            return Err(ApiError::bad_input(
                format!("filter.{name}"),
                InputReason::OutOfRange,
                format!("at most {FILTER_VALUES_MAX} values"),
            ));
        }
        for value in values {
            if !kept.contains(&value) {
                kept.push(value);
            }
        }
        Ok(kept)
    }

    /// The search text, folded (case and accents ignored); `None` when blank.
    pub fn search_text(raw: Option<&str>) -> ApiResult<Option<String>> {
        let Some(raw) = raw else { return Ok(None) };
        if raw.chars().count() > SEARCH_MAX {
            return Err(ApiError::bad_input(
                "filter.search",
                InputReason::TooLong,
                format!("must be at most {SEARCH_MAX} characters"),
            ));
        }
        let folded = fold(raw);
        Ok((!folded.is_empty()).then_some(folded))
    }
}

/// The columns a queue can be sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortField {
    #[default]
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    ClosedAt,
    HumanId,
    Title,
    /// In lifecycle order (draft first, closed last).
    State,
    /// From low to urgent.
    Urgency,
    /// In the form's order.
    Category,
    /// In the form's order.
    Kind,
    Product,
    Tag,
    /// By the company's name.
    Company,
    /// By the requester's name.
    Requester,
    /// By the assignee's name (unassigned first in ascending order).
    Assignee,
}

/// One sort column and its direction; the request's ID breaks ties in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestOrder {
    pub field: SortField,
    pub descending: bool,
}

impl Default for RequestOrder {
    /// Newest first.
    fn default() -> Self {
        Self {
            field: SortField::CreatedAt,
            descending: true,
        }
    }
}

/// A queue, its scope (everything the caller may see when `None`), filter and order.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    pub queue: Queue,
    pub scope: Option<Scope>,
    pub filter: RequestFilter,
    pub order: RequestOrder,
}

/// How many requests each queue holds for someone, from the counts kept by every change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts {
    by_state: Vec<(RequestState, i64)>,
}

impl QueueCounts {
    pub fn new(by_state: Vec<(RequestState, i64)>) -> Self {
        Self { by_state }
    }

    /// The requests of `queue`.
    pub fn of(&self, queue: Queue) -> i64 {
        self.by_state
            .iter()
            .filter(|(state, _)| queue.states().is_none_or(|states| states.contains(state)))
            .map(|(_, n)| n)
            .sum()
    }
}

/// The key a request is searched by: its human ID, title and description, folded.
pub fn search_key(
    human_id: Option<&str>,
    title: Option<&str>,
    description: Option<&str>,
) -> String {
    let parts = [human_id, title, description];
    fold(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_ordered_and_at_most_ten_years() {
        let at = |y: i32| {
            DateTime::parse_from_rfc3339(&format!("{y}-01-01T00:00:00Z"))
                .unwrap()
                .with_timezone(&Utc)
        };
        assert!(TimeRange::new(Some(at(2020)), Some(at(2026)), "r").is_ok());
        assert!(TimeRange::new(None, Some(at(2026)), "r").is_ok());
        for (from, to) in [(at(2026), at(2020)), (at(2010), at(2026))] {
            let err = TimeRange::new(Some(from), Some(to), "filter.createdAt").unwrap_err();
            assert_eq!(err.field(), Some("filter.createdAt"));
        }
    }

    #[test]
    fn filter_lists_are_bounded_and_deduplicated() {
        assert_eq!(RequestFilter::values(vec![1, 2, 1], "x").unwrap(), [1, 2]);
        let err = RequestFilter::values(vec![0; 10_000], "states").unwrap_err();
        assert_eq!(err.field(), Some("filter.states"));
    }

    #[test]
    fn search_ignores_case_and_accents_and_is_bounded() {
        assert_eq!(
            RequestFilter::search_text(Some("  Élément ")).unwrap(),
            Some("element".into())
        );
        assert_eq!(RequestFilter::search_text(Some("   ")).unwrap(), None);
        assert!(RequestFilter::search_text(Some(&"a".repeat(201))).is_err());
        assert_eq!(
            search_key(Some("SR-2026-000001"), Some("Écran"), None),
            "sr-2026-000001 ecran"
        );
    }
}
