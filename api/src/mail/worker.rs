//! The mail worker: claims due outbox mails, delivers them, and retries failures.

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use entity::{MailStatus, mail_outbox};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, Statement,
};
use tokio_util::sync::CancellationToken;

use super::{BLANKED, LINK_PLACEHOLDER, MailSignal, message_id_host};
use crate::config::{Settings, SmtpTls};
use crate::deps::Deps;
use crate::sql::placeholders;

/// Mails claimed at once.
const BATCH: u64 = 10;
/// Delay before the first retry; it doubles per attempt up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::seconds(30);
const MAX_RETRY_DELAY: Duration = Duration::hours(1);

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    /// `.eml` files in this directory.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let Some(smtp) = &settings.mail.smtp else {
            return Ok(Self::Files(settings.data_dir.join("mail")));
        };
        let parameters = || -> anyhow::Result<TlsParameters> {
            let mut builder = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &smtp.ca_file {
                let pem = std::fs::read(path)
                    .with_context(|| format!("cannot read mail.smtp.ca_file {}", path.display()))?;
                let certificate = Certificate::from_pem(&pem).with_context(|| {
                    format!("mail.smtp.ca_file {} holds no certificate", path.display())
                })?;
                builder = builder.add_root_certificate(certificate);
            }
            Ok(builder.build_rustls()?)
        };
        let tls = match smtp.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(parameters()?),
            SmtpTls::Tls => Tls::Wrapper(parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .tls(tls)
            .hello_name(ClientId::Domain(message_id_host(&settings.http.public_url)))
            .timeout(Some(StdDuration::from_secs(smtp.timeout_secs.max(1))));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self::Smtp(Box::new(builder.build())))
    }

    /// A line for the start-up log: where mails go.
    pub fn describe(&self, settings: &Settings) -> String {
        match (self, &settings.mail.smtp) {
            (Self::Files(dir), _) => format!(".eml files in {}", dir.display()),
            (Self::Smtp(_), Some(smtp)) => {
                format!("SMTP {}:{} ({:?})", smtp.host, smtp.port, smtp.tls)
            }
            (Self::Smtp(_), None) => "SMTP".into(),
        }
    }

    async fn send(&self, id: uuid::Uuid, message: Message) -> Result<(), String> {
        match self {
            Self::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Self::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let name = format!("{}.eml", id.simple());
                let partial = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::rename(&partial, dir.join(name))
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// Builds the message of an outbox row.
pub fn message(row: &mail_outbox::Model, from: &Mailbox) -> Result<Message, String> {
    let to = Mailbox::new(
        Some(row.to_name.clone()).filter(|name| !name.is_empty()),
        row.to_address
            .parse()
            .map_err(|e| format!("bad address: {e}"))?,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(row.created_at.into())
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))
        .map_err(|e| e.to_string())
}

/// The row with its sealed link, if any, put where the template left the placeholder.
fn unsealed(deps: &Deps, row: &mail_outbox::Model) -> Result<mail_outbox::Model, String> {
    let Some(sealed) = &row.sealed_link else {
        return Ok(row.clone());
    };
    let link = deps
        .secrets
        .open(row.id, sealed)
        .map_err(|err| format!("cannot open the sealed link: {err}"))?;
    let link = String::from_utf8(link).map_err(|_| "the sealed link is not text".to_owned())?;
    Ok(mail_outbox::Model {
        body_text: row.body_text.replace(LINK_PLACEHOLDER, &link),
        body_html: row.body_html.replace(LINK_PLACEHOLDER, &link),
        ..row.clone()
    })
}

/// Whether the stored mail holds a single-use link (sealed, or in the clear in rows written
/// before links were sealed): its bodies are blanked once it is sent or given up.
fn holds_link(row: &mail_outbox::Model) -> bool {
    row.sealed_link.is_some() || row.kind == "WELCOME" || row.kind == "PASSWORD_RESET"
}

/// The update, blanking the bodies and dropping the sealed link when `blank`.
fn blanked(
    update: sea_orm::UpdateMany<mail_outbox::Entity>,
    blank: bool,
) -> sea_orm::UpdateMany<mail_outbox::Entity> {
    if !blank {
        return update;
    }
    update
        .col_expr(mail_outbox::Column::BodyText, BLANKED.into())
        .col_expr(
            mail_outbox::Column::BodyHtml,
            format!("<p>{BLANKED}</p>").into(),
        )
        .col_expr(
            mail_outbox::Column::SealedLink,
            Option::<Vec<u8>>::None.into(),
        )
}

fn retry_delay(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(12);
    (FIRST_RETRY_DELAY * 2_i32.pow(doublings)).min(MAX_RETRY_DELAY)
}

const CLAIM_SQL: &str = "\
UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1 \
WHERE id IN (SELECT id FROM mail_outbox \
             WHERE status = 'PENDING' AND next_attempt_at <= ? \
               AND (claimed_until IS NULL OR claimed_until <= ?) \
             ORDER BY next_attempt_at, id LIMIT ?{lock}) \
RETURNING *";

/// Claims up to [`BATCH`] due mails for this worker.
async fn claim(deps: &Deps, now: DateTime<Utc>) -> Result<Vec<mail_outbox::Model>, DbErr> {
    let backend = deps.db.backend();
    let lock = match backend {
        DatabaseBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let sql = CLAIM_SQL.replace("{lock}", lock);
    // How long this worker holds the mails before another (or a restarted) one may take them.
    // (At most a day: the configuration is checked.)
    let lease =
        Duration::seconds(i64::try_from(deps.settings.mail.claim_lease_secs).unwrap_or(86_400));
    mail_outbox::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        [
            (now + lease).into(),
            now.into(),
            now.into(),
            i64::try_from(BATCH).unwrap_or(10).into(),
        ],
    ))
    .all(deps.db.writer())
    .await
}

/// Sends every mail due now, one batch at a time; returns how many were sent.
pub async fn deliver_due(
    deps: &Deps,
    transport: &Transport,
    from: &Mailbox,
) -> Result<usize, DbErr> {
    let mut sent = 0;
    loop {
        let now = deps.clock.now();
        let batch = claim(deps, now).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for row in batch {
            let result = match unsealed(deps, &row).and_then(|row| message(&row, from)) {
                Ok(message) => transport.send(row.id, message).await,
                Err(err) => Err(err),
            };
            let blank = holds_link(&row);
            let now = deps.clock.now();
            let update = mail_outbox::Entity::update_many()
                .filter(mail_outbox::Column::Id.eq(row.id))
                .col_expr(
                    mail_outbox::Column::ClaimedUntil,
                    Option::<DateTime<Utc>>::None.into(),
                );
            match result {
                Ok(()) => {
                    sent += 1;
                    tracing::info!(message_id = %row.message_id, kind = %row.kind, "mail sent");
                    blanked(update, blank)
                        .col_expr(mail_outbox::Column::Status, MailStatus::Sent.into())
                        .col_expr(mail_outbox::Column::SentAt, Some(now).into())
                        .col_expr(
                            mail_outbox::Column::LastError,
                            Option::<String>::None.into(),
                        )
                        .exec(deps.db.writer())
                        .await?;
                }
                Err(err) => {
                    let give_up = row.attempts
                        >= i32::try_from(deps.settings.mail.max_attempts).unwrap_or(i32::MAX);
                    let status = if give_up {
                        MailStatus::Failed
                    } else {
                        MailStatus::Pending
                    };
                    tracing::warn!(
                        message_id = %row.message_id,
                        attempts = row.attempts,
                        give_up,
                        error = %err,
                        "mail delivery failed"
                    );
                    blanked(update, blank && give_up)
                        .col_expr(mail_outbox::Column::Status, status.into())
                        .col_expr(
                            mail_outbox::Column::NextAttemptAt,
                            (now + retry_delay(row.attempts)).into(),
                        )
                        .col_expr(mail_outbox::Column::LastError, Some(err).into())
                        .exec(deps.db.writer())
                        .await?;
                }
            }
        }
    }
}

/// Runs until `shutdown`: delivers when woken after a commit, and every poll interval for
/// retries and mails written by other instances.
pub async fn run(
    deps: Deps,
    transport: Transport,
    signal: MailSignal,
    shutdown: CancellationToken,
) {
    let from: Mailbox = match deps.settings.mail.from.parse() {
        Ok(from) => from,
        Err(err) => {
            tracing::error!(%err, "mail.from is not an address; the mail worker does not run");
            return;
        }
    };
    let poll = StdDuration::from_millis(deps.settings.mail.poll_interval_ms);
    loop {
        // Reset requests are queued so that answering takes the same time for every address;
        // their mails go out in the same round.
        if let Err(err) = crate::accounts::credentials::handle_reset_requests(&deps).await {
            tracing::warn!(?err, "cannot handle the queued password reset requests");
        }
        if let Err(err) = deliver_due(&deps, &transport, &from).await {
            tracing::warn!(%err, "the mail worker cannot read the outbox");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = signal.woken() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_thirty_seconds_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(
            retry_delay(8),
            Duration::seconds(3840).min(Duration::hours(1))
        );
        assert_eq!(retry_delay(30), Duration::hours(1));
    }
}
