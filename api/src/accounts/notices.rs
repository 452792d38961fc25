//! Security notices: mails that tell an account's owner about a change or a sign of attack on
//! their credentials, in their language, written in the transaction of what caused them.

use chrono::{DateTime, Utc};
use entity::account;
use sea_orm::{ConnectionTrait, DbErr};

use crate::deps::Deps;
use crate::domain::Language;
use crate::mail::{self, OutgoingMail, Template};

/// Writes a notice to the account's owner into the outbox.
pub(crate) async fn send<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account: &account::Model,
    template: Template<'_>,
) -> Result<(), DbErr> {
    mail::enqueue(
        conn,
        now,
        &deps.settings.http.public_url,
        OutgoingMail {
            template,
            account_id: Some(account.id),
            to_address: &account.email,
            to_name: &account.display_name,
            language: Language::from_code(&account.language),
        },
    )
    .await?;
    Ok(())
}
