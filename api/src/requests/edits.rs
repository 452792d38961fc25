//! Edits of a submitted, open request: the support edits the classification, the customer the
//! tag, their follow-up and the addresses to notify. Every changed field goes to the history.

use entity::{RequestCategory, RequestKind, Urgency};
use sea_orm::ActiveValue::Set;

use super::access::{self, Visible};
use super::form::RequestForm;
use super::history::NewEvent;
use super::lifecycle::{Side, State};
use super::notify::{self, Notice};
use super::writing::{author, lock_visible, not_allowed, publish, request_entry, write};
use super::{Request, repo};
use crate::audit::{self, AuditAction};
use crate::auth::RequestWorker;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, FormOutcome, InputReason};
use crate::ids::RequestId;
use crate::live::RequestChange;
use crate::mail::RequestNotice;

/// Changes to a submitted request; `None` keeps a value. The support edits the classification,
/// the customer the tag, their follow-up and the addresses to notify.
#[derive(Debug, Clone, Default)]
pub struct RequestEdit {
    pub category: Option<RequestCategory>,
    pub kind: Option<Option<RequestKind>>,
    pub urgency: Option<Urgency>,
    pub product: Option<Option<String>>,
    pub tag: Option<Option<String>>,
    pub follow_up: Option<bool>,
    pub notify_emails: Option<Vec<String>>,
}

impl RequestEdit {
    /// The first field the side may not edit.
    fn forbidden_field(&self, side: Side) -> Option<&'static str> {
        let support = [
            ("category", self.category.is_some()),
            ("kind", self.kind.is_some()),
            ("urgency", self.urgency.is_some()),
            ("product", self.product.is_some()),
        ];
        let customer = [
            ("tag", self.tag.is_some()),
            ("followUp", self.follow_up.is_some()),
            ("notifyEmails", self.notify_emails.is_some()),
        ];
        let others: &[(&'static str, bool)] = match side {
            Side::Agent => &customer,
            Side::Customer => &support,
            Side::System => &[],
        };
        others.iter().find(|(_, set)| *set).map(|(field, _)| *field)
    }

    fn merged(self, mut form: RequestForm) -> RequestForm {
        if let Some(category) = self.category {
            form.category = Some(category);
        }
        if let Some(kind) = self.kind {
            form.kind = kind;
        }
        if let Some(urgency) = self.urgency {
            form.urgency = Some(urgency);
        }
        if let Some(product) = self.product {
            form.product = product;
        }
        if let Some(tag) = self.tag {
            form.tag = tag;
        }
        if let Some(follow_up) = self.follow_up {
            form.follow_up = follow_up;
        }
        if let Some(emails) = self.notify_emails {
            form.notify_emails = emails;
        }
        form.normalised()
    }
}
/// Edits a submitted, open request; every changed field goes to the history. Problems with
/// the resulting form come back all at once and change nothing.
pub async fn update(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    version: Option<i32>,
    edit: RequestEdit,
) -> ApiResult<FormOutcome<Visible<Request>>> {
    let side = access::side(worker);
    if let Some(field) = edit.forbidden_field(side) {
        let whose = match side {
            Side::Agent => "the customer's",
            Side::Customer | Side::System => "the support's",
        };
        return Err(ApiError::bad_input(
            field,
            InputReason::NotEditable,
            format!("this field is {whose} to edit"),
        ));
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    if !State::from(row.state).is_open() {
        return Err(not_allowed("UPDATE", row.state, side));
    }
    if side == Side::Customer
        && edit.follow_up.is_some()
        && row.requester_contact_id != worker.contact_id().uuid()
    {
        return Err(ApiError::bad_input(
            "followUp",
            InputReason::NotEditable,
            "follow-up is the requester's choice",
        ));
    }
    let before = RequestForm::of(&row);
    let after = edit.merged(before.clone());
    let problems = after.problems(now.date_naive());
    if !problems.is_empty() {
        return Ok(FormOutcome::Problems(problems));
    }
    let changed = before.changes(&after);
    if changed.is_empty() {
        return Ok(FormOutcome::Done(Visible::new(row, *worker)));
    }
    let mut changes = repo::Changes {
        updated_at: Set(now),
        ..Default::default()
    };
    after.write(&mut changes);
    let done = write(&txn, &row, changes).await?;
    let mut before_json = serde_json::Map::new();
    let mut after_json = serde_json::Map::new();
    let fields = changed.iter().map(|(field, ..)| field.clone()).collect();
    if side == Side::Agent {
        // The customer side is told what the support reclassified, field by field.
        let summary = reclassification(&changed);
        let notice = Notice {
            notice: RequestNotice::Reclassified,
            text: Some(&summary),
            actor_account_id: Some(worker.account_id().uuid()),
        };
        notify::customer_side(&txn, deps, now, &done, notice).await?;
    }
    publish(
        &txn,
        now,
        &done,
        author(worker),
        RequestChange::FieldsEdited { fields },
    )
    .await?;
    let events = changed
        .into_iter()
        .map(|(field, old, new)| {
            before_json.insert(field.clone(), old.clone());
            after_json.insert(field.clone(), new.clone());
            NewEvent::field_change(field, old.to_string(), new.to_string())
        })
        .collect();
    repo::record(&txn, id, now, author(worker), events).await?;
    let entry = request_entry(
        AuditAction::RequestUpdated,
        Some(worker.account_id()),
        &done,
        Some(before_json.into()),
        Some(after_json.into()),
    );
    audit::record(&txn, now, entry).await?;
    deps.commit(txn).await?;
    Ok(FormOutcome::Done(Visible::new(done, *worker)))
}

/// `urgency: HIGH → URGENT; kind: — → ISSUE`: each changed field (codes, the same in every
/// language).
fn reclassification(changed: &[(String, serde_json::Value, serde_json::Value)]) -> String {
    let plain = |value: &serde_json::Value| match value {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    changed
        .iter()
        .map(|(field, old, new)| format!("{field}: {} → {}", plain(old), plain(new)))
        .collect::<Vec<_>>()
        .join("; ")
}
