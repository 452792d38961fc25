//! `request_watchers`: who follows a request besides its requester, and the contacts a
//! request's mail goes to.

use chrono::{DateTime, Utc};
use entity::{contact, request, request_watcher};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::ids::{AccountId, ContactId, RequestId};

/// Whether `contact` watches the request: `Some(wants_mail)`, or `None`.
pub async fn watching<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
    contact: ContactId,
) -> Result<Option<bool>, DbErr> {
    Ok(
        request_watcher::Entity::find_by_id((request_id.uuid(), contact.uuid()))
            .one(conn)
            .await?
            .map(|w| w.wants_mail),
    )
}

/// Adds a watcher.
pub async fn add_watcher<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
    contact: ContactId,
    wants_mail: bool,
    added_by: AccountId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    request_watcher::Entity::insert(request_watcher::ActiveModel {
        request_id: Set(request_id.uuid()),
        contact_id: Set(contact.uuid()),
        wants_mail: Set(wants_mail),
        added_by_account_id: Set(Some(added_by.uuid())),
        added_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Changes whether a watcher wants mail.
pub async fn set_wants_mail<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
    contact: ContactId,
    wants_mail: bool,
) -> Result<(), DbErr> {
    request_watcher::Entity::update_many()
        .col_expr(request_watcher::Column::WantsMail, wants_mail.into())
        .filter(request_watcher::Column::RequestId.eq(request_id))
        .filter(request_watcher::Column::ContactId.eq(contact))
        .exec(conn)
        .await?;
    Ok(())
}

/// Removes a watcher; whether there was one.
pub async fn remove_watcher<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
    contact: ContactId,
) -> Result<bool, DbErr> {
    let removed = request_watcher::Entity::delete_many()
        .filter(request_watcher::Column::RequestId.eq(request_id))
        .filter(request_watcher::Column::ContactId.eq(contact))
        .exec(conn)
        .await?;
    Ok(removed.rows_affected > 0)
}

/// The requester (unless they turned follow-up off) and the watchers who want mail, in one
/// query.
pub async fn followers<C: ConnectionTrait>(
    conn: &C,
    request: &request::Model,
) -> Result<Vec<contact::Model>, DbErr> {
    let watching = Query::select()
        .column(request_watcher::Column::ContactId)
        .from(request_watcher::Entity)
        .and_where(request_watcher::Column::RequestId.eq(request.id))
        .and_where(request_watcher::Column::WantsMail.eq(true))
        .to_owned();
    let mut who = Condition::any().add(contact::Column::Id.in_subquery(watching));
    if request.follow_up {
        who = who.add(contact::Column::Id.eq(request.requester_contact_id));
    }
    contact::Entity::find().filter(who).all(conn).await
}
