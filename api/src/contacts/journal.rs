//! What the journal and the mails say about a contact.

use chrono::{DateTime, Utc};
use entity::contact;
use sea_orm::{ActiveEnum as _, ConnectionTrait, DbErr};

use crate::audit::{AuditAction, AuditEntry, Target};
use crate::deps::Deps;
use crate::domain::Language;
use crate::ids::{AccountId, CompanyId, ContactId};
use crate::mail::{self, OutgoingMail, Template};

/// The journal's picture of a contact (enum values as stored and as the API spells them).
pub(crate) fn contact_json(contact: &contact::Model) -> serde_json::Value {
    serde_json::json!({
        "lastName": contact.last_name,
        "firstName": contact.first_name,
        "email": contact.email,
        "supportRole": contact.support_role.map(|r| r.to_value()),
        "securityAdministrator": contact.security_admin,
        "providerRole": contact.provider_role.map(|r| r.to_value()),
        "status": contact.status.to_value(),
    })
}

/// The journal entry of an action on a contact: `before` (if it existed) → `after`.
pub(crate) fn contact_entry(
    action: AuditAction,
    actor: AccountId,
    before: Option<&contact::Model>,
    after: &contact::Model,
) -> AuditEntry {
    AuditEntry::new(action, Some(actor))
        .about(
            CompanyId::from_uuid(after.company_id),
            Target::Contact(ContactId::from_uuid(after.id)),
        )
        .change(before.map(contact_json), Some(contact_json(after)))
}

/// Writes the mail that tells an account's owner something about one contact.
pub(crate) async fn mail_contact<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    contact: &contact::Model,
    language: Language,
    template: Template<'_>,
) -> Result<(), DbErr> {
    mail_contact_at(conn, deps, now, contact, &contact.email, language, template).await
}

/// The same, to `address` (the contact's former address, for a change of address).
pub(crate) async fn mail_contact_at<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    contact: &contact::Model,
    address: &str,
    language: Language,
    template: Template<'_>,
) -> Result<(), DbErr> {
    let name = format!("{} {}", contact.first_name, contact.last_name);
    mail::enqueue(
        conn,
        now,
        &deps.settings.http.public_url,
        OutgoingMail {
            template,
            account_id: Some(contact.account_id),
            to_address: address,
            to_name: &name,
            language,
        },
    )
    .await?;
    Ok(())
}
