//! What an event says, how it is written in a change's transaction, and its cursor.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::{RequestCategory, RequestSide, RequestState, Urgency, live_event, request};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ContactEvent, Renders, repo};
use crate::auth::secrets::SecretBox;
use crate::error::{ApiError, ApiResult, InputReason};

/// Where an event is in the stream: events are delivered in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Place {
    pub tx: i64,
    pub id: i64,
}

/// A request as lists and the request page show it, at the time of the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestSnapshot {
    pub id: Uuid,
    pub human_id: Option<String>,
    pub title: Option<String>,
    pub state: RequestState,
    pub urgency: Option<Urgency>,
    pub category: Option<RequestCategory>,
    pub company_id: Uuid,
    pub requester_contact_id: Uuid,
    pub assignee_contact_id: Option<Uuid>,
    /// The request's version after the change (a client holding an older one is behind).
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<&request::Model> for RequestSnapshot {
    fn from(row: &request::Model) -> Self {
        Self {
            id: row.id,
            human_id: row.human_id.clone(),
            title: row.title.clone(),
            state: row.state,
            urgency: row.urgency,
            category: row.category,
            company_id: row.company_id,
            requester_contact_id: row.requester_contact_id,
            assignee_contact_id: row.assignee_contact_id,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestChange {
    /// Saved as a draft, or submitted at once.
    Created,
    /// A lifecycle action moved it (or a message was added with an action that keeps it).
    #[serde(rename_all = "camelCase")]
    StateChanged {
        /// The lifecycle action's code (`SUBMIT`, `REQUEST_CLARIFICATION`…).
        action: String,
        from: RequestState,
        to: RequestState,
        /// Whether the action carried a text (a question, an answer, a reason).
        comment: bool,
    },
    #[serde(rename_all = "camelCase")]
    MessageAdded { message_id: Uuid },
    #[serde(rename_all = "camelCase")]
    Assigned {
        from: Option<Uuid>,
        to: Option<Uuid>,
    },
    /// Form fields edited (their names, as in the history).
    FieldsEdited { fields: Vec<String> },
    #[serde(rename_all = "camelCase")]
    WatchersChanged { contact_id: Uuid, added: bool },
    /// A draft deleted by its author.
    Deleted,
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedBy {
    /// The contact who acted; absent for the system (auto-close, reminders).
    pub contact_id: Option<Uuid>,
    pub side: RequestSide,
}

/// A change of a request, as subscribers receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestEvent {
    #[serde(flatten)]
    pub change: RequestChange,
    pub by: ChangedBy,
    pub request: RequestSnapshot,
}

/// An event as the reader takes it from the database.
#[derive(Debug, Clone)]
pub struct Event {
    pub place: Place,
    /// The place, sealed for clients (see [`Cursor`]).
    pub cursor: String,
    pub occurred_at: DateTime<Utc>,
    pub body: Body,
    /// What subscribers made of it, shared by all (see [`Renders`]).
    pub renders: Renders,
}

#[derive(Debug, Clone)]
pub enum Body {
    Request(Arc<RequestEvent>),
    /// Sessions or roles of this account changed: its subscriptions check their rights again.
    Access {
        account_id: Uuid,
    },
    /// A contact changed (its account's subscriptions check their rights again too).
    Contact(Arc<ContactEvent>),
    /// What this instance cannot read (a newer version wrote it): skipped.
    Unknown,
}

const REQUEST_CHANGED: &str = "REQUEST_CHANGED";
const ACCESS_CHANGED: &str = "ACCESS_CHANGED";
pub(super) const CONTACT_CHANGED: &str = "CONTACT_CHANGED";

impl Body {
    /// The account whose access may have changed with this event.
    pub fn account_id(&self) -> Option<Uuid> {
        match self {
            Self::Access { account_id } => Some(*account_id),
            Self::Contact(event) => Some(event.contact.account_id),
            Self::Request(_) | Self::Unknown => None,
        }
    }
}

impl Event {
    pub(super) fn from_row(secrets: &SecretBox, row: live_event::Model) -> Self {
        let place = Place {
            tx: row.tx,
            id: row.id,
        };
        let body = match row.kind.as_str() {
            REQUEST_CHANGED => serde_json::from_str(&row.payload)
                .map(|event| Body::Request(Arc::new(event)))
                .unwrap_or(Body::Unknown),
            ACCESS_CHANGED => match row.account_id {
                Some(account_id) => Body::Access { account_id },
                None => Body::Unknown,
            },
            CONTACT_CHANGED => serde_json::from_str(&row.payload)
                .map(|event| Body::Contact(Arc::new(event)))
                .unwrap_or(Body::Unknown),
            _ => Body::Unknown,
        };
        Self {
            place,
            cursor: Cursor::seal(secrets, place),
            occurred_at: row.occurred_at,
            body,
            renders: Renders::default(),
        }
    }
}

/// Writes that `row` changed (`row` as it is after the change; before, for a deleted draft),
/// in the caller's transaction: subscribers see it when that transaction commits.
pub async fn request_changed<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    row: &request::Model,
    by: ChangedBy,
    change: RequestChange,
) -> Result<(), DbErr> {
    let event = RequestEvent {
        change,
        by,
        request: RequestSnapshot::from(row),
    };
    let payload = serde_json::to_string(&event).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = live_event::ActiveModel {
        id: NotSet,
        tx: NotSet,
        occurred_at: Set(now),
        kind: Set(REQUEST_CHANGED.into()),
        company_id: Set(Some(row.company_id)),
        account_id: Set(None),
        request_id: Set(Some(row.id)),
        payload: Set(payload),
    };
    repo::insert(conn, vec![row]).await
}

/// Writes that the sessions or roles of `account_id` changed, in the caller's transaction:
/// when it commits, that account's subscriptions check their rights again.
pub async fn access_changed<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    account_id: Uuid,
) -> Result<(), DbErr> {
    let row = live_event::ActiveModel {
        id: NotSet,
        tx: NotSet,
        occurred_at: Set(now),
        kind: Set(ACCESS_CHANGED.into()),
        company_id: Set(None),
        account_id: Set(Some(account_id)),
        request_id: Set(None),
        payload: Set("{}".into()),
    };
    repo::insert(conn, vec![row]).await
}

/// A place as clients hold it: sealed with the server's key, so that it says nothing about
/// the events of others (how many there were) and cannot be forged.
pub struct Cursor;

/// What a cursor's seal is bound to, so that no other sealed value passes for one.
const CURSOR_OWNER: Uuid = Uuid::from_u128(0x6c69_7665_2d63_7572_736f_7200_0000_0001);

impl Cursor {
    pub fn seal(secrets: &SecretBox, place: Place) -> String {
        let mut plain = [0_u8; 16];
        plain[..8].copy_from_slice(&place.tx.to_be_bytes());
        plain[8..].copy_from_slice(&place.id.to_be_bytes());
        // Sealing 16 bytes cannot fail; an empty cursor would only be refused on resume.
        secrets
            .seal(CURSOR_OWNER, &plain)
            .map(|sealed| URL_SAFE_NO_PAD.encode(sealed))
            .unwrap_or_default()
    }

    /// The place of a cursor this server handed out; `after` names the argument.
    pub fn open(secrets: &SecretBox, cursor: &str) -> ApiResult<Place> {
        let invalid = || {
            ApiError::bad_input(
                "after",
                InputReason::InvalidFormat,
                "is not a cursor of this server's events",
            )
        };
        let sealed = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let plain = secrets.open(CURSOR_OWNER, &sealed).map_err(|_| invalid())?;
        let (tx, id) = plain.split_at_checked(8).ok_or_else(invalid)?;
        let tx = <[u8; 8]>::try_from(tx).map_err(|_| invalid())?;
        let id = <[u8; 8]>::try_from(id).map_err(|_| invalid())?;
        Ok(Place {
            tx: i64::from_be_bytes(tx),
            id: i64::from_be_bytes(id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_to_its_place_and_nothing_else_passes_for_one() {
        let secrets = SecretBox::new(&[7; 32]);
        let place = Place { tx: 812, id: 9 };
        let cursor = Cursor::seal(&secrets, place);
        assert_eq!(Cursor::open(&secrets, &cursor).unwrap(), place);
        assert!(Cursor::open(&SecretBox::new(&[8; 32]), &cursor).is_err());
        assert!(Cursor::open(&secrets, "not-a-cursor").is_err());
        let other = URL_SAFE_NO_PAD.encode(secrets.seal(Uuid::nil(), &[0; 16]).unwrap());
        assert!(Cursor::open(&secrets, &other).is_err());
    }

    #[test]
    fn a_request_event_reads_back_as_written() {
        let event = RequestEvent {
            change: RequestChange::StateChanged {
                action: "SUBMIT".into(),
                from: RequestState::Draft,
                to: RequestState::SupportAnalysis,
                comment: false,
            },
            by: ChangedBy {
                contact_id: Some(Uuid::from_u128(1)),
                side: RequestSide::Customer,
            },
            request: RequestSnapshot {
                id: Uuid::from_u128(2),
                human_id: Some("SR-2026-000001".into()),
                title: Some("Export fails".into()),
                state: RequestState::SupportAnalysis,
                urgency: Some(Urgency::High),
                category: None,
                company_id: Uuid::from_u128(3),
                requester_contact_id: Uuid::from_u128(1),
                assignee_contact_id: None,
                version: 2,
                updated_at: DateTime::UNIX_EPOCH,
            },
        };
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains(r#""change":"STATE_CHANGED""#), "{json}");
        assert!(json.contains(r#""state":"SUPPORT_ANALYSIS""#), "{json}");
        assert_eq!(serde_json::from_str::<RequestEvent>(&json).unwrap(), event);
    }
}
