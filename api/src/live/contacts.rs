//! Following a company's contacts: what its Security Administrators' screens show, kept up to
//! date when another administrator (or the operator) adds, edits, re-roles, marks obsolete or
//! reactivates a contact.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{ContactStatus, SupportRole, contact, live_event};
use futures_util::Stream;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Body, CONTACT_CHANGED, Delivered, Follow, Topic, follow, repo};
use crate::auth::Actor;
use crate::deps::Deps;
use crate::error::ApiResult;

/// A contact as the contact list shows it, after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactSnapshot {
    pub id: Uuid,
    pub company_id: Uuid,
    pub account_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub support_role: Option<SupportRole>,
    pub security_admin: bool,
    pub status: ContactStatus,
    pub version: i32,
}

impl From<&contact::Model> for ContactSnapshot {
    fn from(row: &contact::Model) -> Self {
        Self {
            id: row.id,
            company_id: row.company_id,
            account_id: row.account_id,
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone(),
            support_role: row.support_role,
            security_admin: row.security_admin,
            status: row.status,
            version: row.version,
        }
    }
}

/// What happened to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactChange {
    Added,
    /// Name or e-mail edited.
    Edited,
    /// Roles changed by an applied batch.
    RolesChanged,
    MarkedObsolete,
    Reactivated,
}

/// A change of a contact, as Security Administrators receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactEvent {
    pub change: ContactChange,
    /// The account that made the change.
    pub by_account_id: Option<Uuid>,
    pub contact: ContactSnapshot,
}

/// Writes that these contacts (as they are after the change) changed, in the caller's
/// transaction: the company's Security Administrators are told, and each contact's own
/// subscriptions check their rights again, when it commits.
pub async fn contacts_changed<'a, C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    change: ContactChange,
    by_account_id: Option<Uuid>,
    contacts: impl IntoIterator<Item = &'a contact::Model>,
) -> Result<(), DbErr> {
    let mut rows = Vec::new();
    for row in contacts {
        let event = ContactEvent {
            change,
            by_account_id,
            contact: ContactSnapshot::from(row),
        };
        let payload = serde_json::to_string(&event).map_err(|e| DbErr::Custom(e.to_string()))?;
        rows.push(live_event::ActiveModel {
            id: NotSet,
            tx: NotSet,
            occurred_at: Set(now),
            kind: Set(CONTACT_CHANGED.into()),
            company_id: Set(Some(row.company_id)),
            account_id: Set(Some(row.account_id)),
            request_id: Set(None),
            payload: Set(payload),
        });
    }
    repo::insert(conn, rows).await
}

struct Contacts {
    /// The company whose contacts are followed, while the subscriber administers it.
    company: Option<Uuid>,
}

impl Follow for Contacts {
    type Item = Arc<ContactEvent>;

    fn admit(&mut self, actor: &Actor) -> ApiResult<()> {
        self.company = Some(actor.security_administrator()?.company_id().uuid());
        Ok(())
    }

    fn topics(&self) -> Vec<Topic> {
        self.company.map(Topic::Company).into_iter().collect()
    }

    fn pick(&mut self, body: &Body) -> Option<Arc<ContactEvent>> {
        match body {
            Body::Contact(event) if Some(event.contact.company_id) == self.company => {
                Some(Arc::clone(event))
            }
            _ => None,
        }
    }
}

/// The changes of the contacts of the company the session of `token` administers (see
/// [`follow`]): for Security Administrators, in a two-factor session.
pub async fn contact_events(
    deps: &Arc<Deps>,
    token: Option<String>,
    after: Option<&str>,
) -> ApiResult<impl Stream<Item = ApiResult<Delivered<Arc<ContactEvent>>>> + use<>> {
    follow(deps, token, Contacts { company: None }, after).await
}
