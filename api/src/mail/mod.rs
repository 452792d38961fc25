//! Mail: templates, the transactional outbox and the worker that delivers it.
//!
//! A change that causes a mail writes the mail into `mail_outbox` in its own transaction, so a
//! rolled-back change sends nothing and a committed one is never lost. After commit the worker
//! is woken; it claims due mails (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several server
//! instances share the work), sends them over SMTP or writes them as `.eml` files, and retries
//! failures with growing delays.

pub mod templates;
pub mod worker;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{MailStatus, mail_outbox};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use tokio::sync::Notify;
use uuid::Uuid;

pub use self::templates::{Rendered, RequestNotice, Template};
use crate::auth::secrets::SecretBox;
use crate::domain::Language;
use crate::ids::new_uuid;

/// A mail to write into the outbox.
#[derive(Debug, Clone)]
pub struct OutgoingMail<'a> {
    pub template: Template<'a>,
    pub account_id: Option<Uuid>,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub language: Language,
}

/// Wakes the mail worker after a commit that wrote mail.
#[derive(Debug, Clone, Default)]
pub struct MailSignal(Arc<Notify>);

impl MailSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Removes what could end a header line or confuse a reader: control characters (CR, LF, …).
pub fn header_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The host part of `Message-ID`s: the host of the public URL.
pub fn message_id_host(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        "localhost".into()
    } else {
        host.to_owned()
    }
}

/// Where a template puts a sealed link: the worker replaces it when it sends the mail.
pub const LINK_PLACEHOLDER: &str = "https://sealed-link.invalid/";

/// What the stored bodies of a sent mail that held a single-use link become.
pub const BLANKED: &str = "(removed once sent: it held a single-use link)";

/// Writes a mail whose template holds a single-use link (a welcome or reset link) into the
/// outbox, inside the caller's transaction: the template is given [`LINK_PLACEHOLDER`], and
/// `link` is kept sealed with the secret key until the worker sends the mail, so the database
/// (or a backup of it) never holds a usable link.
pub async fn enqueue_with_link<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    public_url: &str,
    secrets: &SecretBox,
    mail: OutgoingMail<'_>,
    link: &str,
) -> Result<String, DbErr> {
    let id = new_uuid();
    let (message_id, mut row) = outbox_row(id, now, public_url, mail);
    let sealed = secrets
        .seal(id, link.as_bytes())
        .map_err(|err| DbErr::Custom(format!("cannot seal a mail link: {err}")))?;
    row.sealed_link = Set(Some(sealed));
    mail_outbox::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(message_id)
}

/// Deletes the mails sent or given up before `before`; how many.
pub async fn purge<C: ConnectionTrait>(conn: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let deleted = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::Status.ne(MailStatus::Pending))
        .filter(mail_outbox::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}

/// Writes a mail into the outbox, inside the caller's transaction. Returns its `Message-ID`.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    public_url: &str,
    mail: OutgoingMail<'_>,
) -> Result<String, DbErr> {
    let (message_id, row) = outbox_row(new_uuid(), now, public_url, mail);
    mail_outbox::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(message_id)
}

/// Writes many mails into the outbox in a few statements, inside the caller's transaction.
pub async fn enqueue_many<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    public_url: &str,
    mails: Vec<OutgoingMail<'_>>,
) -> Result<(), DbErr> {
    // 17 columns a row: stay well below SQLite's 32766 bound parameters per statement.
    const BATCH: usize = 500;
    let mut rows = Vec::with_capacity(mails.len());
    for mail in mails {
        rows.push(outbox_row(new_uuid(), now, public_url, mail).1);
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(BATCH));
        mail_outbox::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A rendered outbox row with this ID, and its `Message-ID`.
fn outbox_row(
    id: Uuid,
    now: DateTime<Utc>,
    public_url: &str,
    mail: OutgoingMail<'_>,
) -> (String, mail_outbox::ActiveModel) {
    let to_name = header_safe(mail.to_name);
    let rendered = templates::render(&mail.template, mail.language, &to_name);
    let message_id = format!("<{}@{}>", id.simple(), message_id_host(public_url));
    let row = mail_outbox::ActiveModel {
        id: Set(id),
        message_id: Set(message_id.clone()),
        kind: Set(mail.template.kind().to_owned()),
        account_id: Set(mail.account_id),
        to_address: Set(header_safe(mail.to_address)),
        to_name: Set(to_name),
        language: Set(mail.language.code().to_owned()),
        subject: Set(header_safe(&rendered.subject)),
        body_text: Set(rendered.text),
        body_html: Set(rendered.html),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        sealed_link: Set(None),
    };
    (message_id, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_lose_line_breaks_and_message_ids_use_the_public_host() {
        assert_eq!(header_safe("Eve\r\nBcc: x@y"), "Eve  Bcc: x@y");
        assert_eq!(
            message_id_host("https://portal.example:8443/x"),
            "portal.example"
        );
        assert_eq!(message_id_host("http://localhost:8080"), "localhost");
    }
}
