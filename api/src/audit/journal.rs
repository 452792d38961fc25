//! Reading the journal: the platform operator reads everything, a Security Administrator their
//! own company's entries only.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AuditEvent, repo};
use crate::auth::Actor;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::CompanyId;
use crate::paging::{Cursor, Page, PageRequest};

/// Which journal entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these action codes (all when empty).
    pub actions: Vec<String>,
    /// Only entries by this account.
    pub actor_account_id: Option<Uuid>,
    /// Only entries about this object.
    pub target_id: Option<Uuid>,
    /// Only this company's entries (the platform operator; Security Administrators always get
    /// their own company's).
    pub company_id: Option<CompanyId>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
}

/// Most actions a filter may name (there are fewer than 50).
const MAX_ACTIONS: usize = 100;

/// The journal's order: by time, with the entry's ID as the tie-break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl AuditOrder {
    /// The tag of the order's cursors: a cursor fits only the order that made it.
    fn tag(self) -> &'static str {
        match self {
            Self::NewestFirst => "audit",
            Self::OldestFirst => "audit-asc",
        }
    }
}

/// One page of the journal in `order`.
pub async fn list(
    deps: &Deps,
    actor: &Actor,
    filter: AuditFilter,
    order: AuditOrder,
    page: &PageRequest,
) -> ApiResult<Page<AuditEvent>> {
    let company = if actor.platform_operator().is_ok() {
        filter.company_id
    } else {
        Some(actor.security_administrator()?.company_id())
    };
    if filter.actions.len() > MAX_ACTIONS || filter.actions.iter().any(|a| a.len() > 64) {
        return Err(ApiError::bad_input(
            "actions",
            InputReason::TooLong,
            format!("give at most {MAX_ACTIONS} actions of at most 64 characters"),
        ));
    }
    let after = page
        .after
        .as_ref()
        .map(|c| parse_cursor(c, order))
        .transpose()?;
    let oldest_first = order == AuditOrder::OldestFirst;
    let rows = repo::page(
        deps.db.reader(),
        company,
        &filter,
        oldest_first,
        after,
        page.fetch_limit(),
    )
    .await?;
    Ok(Page::from_rows(page, rows, |event| cursor(event, order)))
}

fn cursor(event: &AuditEvent, order: AuditOrder) -> Cursor {
    Cursor::new(vec![
        order.tag().to_owned(),
        event.occurred_at.to_rfc3339(),
        event.id.to_string(),
    ])
}

fn parse_cursor(cursor: &Cursor, order: AuditOrder) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = Cursor::invalid;
    let [tag, at, id] = cursor.parts() else {
        return Err(invalid());
    };
    if tag != order.tag() {
        return Err(invalid());
    }
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| invalid())?;
    let id = Uuid::try_parse(id).map_err(|_| invalid())?;
    Ok((at.with_timezone(&Utc), id))
}
