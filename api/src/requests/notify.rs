//! Who is told what about a request (SPEC §9): support-side actions mail the requester, the
//! addresses to notify and the watchers who want mail; customer actions mail the assigned
//! agent, or the support staff while nobody is assigned. Never an obsolete contact, never
//! someone who turned follow-up off, never the person who acted. Mails are written to the
//! outbox in the caller's transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{ContactStatus, ProviderRole, contact, request, request_watcher};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::form;
use crate::contacts::roles::account_languages;
use crate::domain::Language;
use crate::mail::{self, OutgoingMail, RequestNotice, Template};
use crate::state::Services;

/// What to tell.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    pub notice: RequestNotice,
    pub text: Option<&'a str>,
    /// The account that acted (never told about its own action).
    pub actor_account_id: Option<Uuid>,
}

struct Recipient {
    name: String,
    account_id: Option<Uuid>,
}

/// Who gets mail, by address (an address gets one mail however many roles it has).
#[derive(Default)]
struct Recipients(BTreeMap<String, Recipient>);

impl Recipients {
    fn add_contact(&mut self, contact: &contact::Model, actor: Option<Uuid>) {
        if contact.status != ContactStatus::Active || Some(contact.account_id) == actor {
            return;
        }
        self.0
            .entry(contact.email.clone())
            .or_insert_with(|| Recipient {
                name: format!("{} {}", contact.first_name, contact.last_name),
                account_id: Some(contact.account_id),
            });
    }
}

/// The page of a request, for links in mails.
pub fn request_link(services: &Services, request: &request::Model) -> String {
    let base = services.settings.http.public_url.trim_end_matches('/');
    format!(
        "{base}/requests/{}",
        request.human_id.as_deref().unwrap_or_default()
    )
}

/// Mails the customer side about a support-side or system action.
pub async fn customer_side<C: ConnectionTrait>(
    conn: &C,
    services: &Services,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    if request.follow_up
        && let Some(requester) = contact::Entity::find_by_id(request.requester_contact_id)
            .one(conn)
            .await?
    {
        recipients.add_contact(&requester, notice.actor_account_id);
    }
    add_watchers(conn, request, notice.actor_account_id, &mut recipients).await?;
    let extra = form::notify_emails(request);
    if !extra.is_empty() {
        // An address that belongs to an obsolete contact of the company gets nothing.
        let obsolete: Vec<String> = contact::Entity::find()
            .filter(contact::Column::CompanyId.eq(request.company_id))
            .filter(contact::Column::Status.eq(ContactStatus::Obsolete))
            .filter(contact::Column::Email.is_in(extra.iter().cloned()))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| c.email)
            .collect();
        for address in extra {
            if !obsolete.contains(&address) && !recipients.0.contains_key(&address) {
                recipients.0.insert(
                    address.clone(),
                    Recipient {
                        name: address,
                        account_id: None,
                    },
                );
            }
        }
    }
    send(conn, services, now, request, notice, recipients).await
}

/// Mails the support side about a customer action: the assignee, or every active agent and
/// manager while nobody is assigned.
pub async fn support_side<C: ConnectionTrait>(
    conn: &C,
    services: &Services,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    let staff = match request.assignee_contact_id {
        Some(assignee) => contact::Entity::find_by_id(assignee)
            .one(conn)
            .await?
            .into_iter()
            .collect(),
        None => {
            contact::Entity::find()
                .filter(
                    contact::Column::ProviderRole
                        .is_in([ProviderRole::SupportAgent, ProviderRole::SupportManager]),
                )
                .filter(contact::Column::Status.eq(ContactStatus::Active))
                .all(conn)
                .await?
        }
    };
    for person in &staff {
        recipients.add_contact(person, notice.actor_account_id);
    }
    send(conn, services, now, request, notice, recipients).await
}

/// Mails one contact (an assignment).
pub async fn one_contact<C: ConnectionTrait>(
    conn: &C,
    services: &Services,
    now: DateTime<Utc>,
    request: &request::Model,
    contact: &contact::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    recipients.add_contact(contact, notice.actor_account_id);
    send(conn, services, now, request, notice, recipients).await
}

async fn add_watchers<C: ConnectionTrait>(
    conn: &C,
    request: &request::Model,
    actor: Option<Uuid>,
    recipients: &mut Recipients,
) -> Result<(), DbErr> {
    let watching: Vec<Uuid> = request_watcher::Entity::find()
        .filter(request_watcher::Column::RequestId.eq(request.id))
        .filter(request_watcher::Column::WantsMail.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|w| w.contact_id)
        .collect();
    if watching.is_empty() {
        return Ok(());
    }
    let contacts = contact::Entity::find()
        .filter(contact::Column::Id.is_in(watching))
        .all(conn)
        .await?;
    for watcher in &contacts {
        recipients.add_contact(watcher, actor);
    }
    Ok(())
}

async fn send<C: ConnectionTrait>(
    conn: &C,
    services: &Services,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
    recipients: Recipients,
) -> Result<(), DbErr> {
    if recipients.0.is_empty() {
        return Ok(());
    }
    let company_language = match crate::companies::repo::find(conn, request.company_id).await? {
        Some(company) => Language::from_code(&company.language),
        None => Language::En,
    };
    let languages =
        account_languages(conn, recipients.0.values().filter_map(|r| r.account_id)).await?;
    let link = request_link(services, request);
    let human_id = request.human_id.as_deref().unwrap_or_default();
    let title = request.title.as_deref().unwrap_or_default();
    let closes_at = match notice.notice {
        RequestNotice::ClosureProposed
        | RequestNotice::CorrectionDelivered
        | RequestNotice::ClosureReminder => request.auto_close_at,
        _ => None,
    };
    let mails = recipients
        .0
        .iter()
        .map(|(address, recipient)| OutgoingMail {
            template: Template::Request {
                notice: notice.notice,
                human_id,
                title,
                text: notice.text,
                closes_at,
                link: &link,
            },
            account_id: recipient.account_id,
            to_address: address,
            to_name: &recipient.name,
            language: recipient
                .account_id
                .and_then(|id| languages.get(&id).copied())
                .unwrap_or(company_language),
        })
        .collect();
    mail::enqueue_many(conn, now, &services.settings.http.public_url, mails).await
}
