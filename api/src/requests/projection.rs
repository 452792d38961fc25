//! What of each request a list reads: whole rows, or only the columns its page shows.
//!
//! A queue page that shows a few plain columns (an ID, a title, a state, dates) need not read
//! the 37 columns of every request; decoding them was a tenth of such a page's CPU. The
//! GraphQL layer says which columns a page asks for; everything else (the description, the
//! environment, the actions, messages…) makes the list read whole rows.

/// A request column a list page may show on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedColumn {
    HumanId,
    Version,
    Category,
    Kind,
    Urgency,
    Title,
    Product,
    Tag,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    StateChangedAt,
    ClosedAt,
}

/// What of each request a list reads. Whatever it is, each request also has what decides who
/// sees it (its ID, company, requester, assignee and state) and the column the list is sorted
/// on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ListRead {
    /// Every column.
    #[default]
    Whole,
    /// Only these columns; the request's other fields hold their type's default and must not
    /// be shown.
    Columns(Vec<ListedColumn>),
}
