//! Who is told what about a request (SPEC §9): support-side actions mail the requester, the
//! addresses to notify and the watchers who want mail; customer actions mail the assigned
//! agent, or the support staff while nobody is assigned. Never an obsolete contact, never
//! someone who turned follow-up off, never the person who acted. Mails are written to the
//! outbox in the caller's transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{ContactStatus, contact, request};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use super::{form, repo};
use crate::accounts;
use crate::companies;
use crate::contacts;
use crate::deps::Deps;
use crate::domain::Language;
use crate::ids::{CompanyId, ContactId};
use crate::mail::{self, OutgoingMail, RequestNotice, Template};

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
pub fn request_link(deps: &Deps, request: &request::Model) -> String {
    let base = deps.settings.http.public_url.trim_end_matches('/');
    format!(
        "{base}/requests/{}",
        request.human_id.as_deref().unwrap_or_default()
    )
}

/// Mails the customer side about a support-side or system action.
pub async fn customer_side<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    for follower in repo::followers(conn, request).await? {
        recipients.add_contact(&follower, notice.actor_account_id);
    }
    let extra = form::notify_emails(request);
    if !extra.is_empty() {
        // An address that belongs to an obsolete contact of the company gets nothing.
        let company = CompanyId::from_uuid(request.company_id);
        let obsolete = contacts::repo::obsolete_emails(conn, company, &extra).await?;
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
    send(conn, deps, now, request, notice, recipients).await
}

/// Mails the support side about a customer action: the assignee, or every active agent and
/// manager while nobody is assigned.
pub async fn support_side<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    let staff = match request.assignee_contact_id {
        Some(assignee) => contacts::repo::find(conn, ContactId::from_uuid(assignee))
            .await?
            .into_iter()
            .collect(),
        None => contacts::repo::all_active_staff(conn).await?,
    };
    for person in &staff {
        recipients.add_contact(person, notice.actor_account_id);
    }
    send(conn, deps, now, request, notice, recipients).await
}

/// Mails one contact (an assignment).
pub async fn one_contact<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    request: &request::Model,
    contact: &contact::Model,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut recipients = Recipients::default();
    recipients.add_contact(contact, notice.actor_account_id);
    send(conn, deps, now, request, notice, recipients).await
}

async fn send<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    request: &request::Model,
    notice: Notice<'_>,
    recipients: Recipients,
) -> Result<(), DbErr> {
    if recipients.0.is_empty() {
        return Ok(());
    }
    let accounts = recipients.0.values().filter_map(|r| r.account_id);
    let languages = accounts::repo::languages(conn, accounts).await?;
    // The company's language, for addresses without an account, read only when one is there.
    let without_account = recipients
        .0
        .values()
        .any(|r| r.account_id.is_none_or(|id| !languages.contains_key(&id)));
    let company_language = match without_account {
        true => companies::repo::find(conn, CompanyId::from_uuid(request.company_id))
            .await?
            .map_or(Language::En, |company| {
                Language::from_code(&company.language)
            }),
        false => Language::En,
    };
    let link = request_link(deps, request);
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
    mail::enqueue_many(conn, now, &deps.settings.http.public_url, mails).await
}
