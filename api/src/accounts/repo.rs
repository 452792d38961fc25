//! The only place that reads and writes `accounts`.

use chrono::{DateTime, Utc};
use entity::{AccountState, account};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::{Email, Language};
use crate::ids::new_uuid;

pub async fn find<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id).one(conn).await
}

pub async fn find_by_email<C: ConnectionTrait>(
    conn: &C,
    email: &Email,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(conn)
        .await
}

/// What a new account starts with.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: String,
    pub email: Email,
    pub display_name: String,
    pub language: Language,
    pub state: AccountState,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
}

pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    new: NewAccount,
    now: DateTime<Utc>,
) -> Result<account::Model, DbErr> {
    let model = model(new, now);
    account::Entity::insert(active_model(&model))
        .exec_without_returning(conn)
        .await?;
    Ok(model)
}

/// Inserts accounts in batches (inside the caller's transaction, if any).
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    accounts: Vec<NewAccount>,
    now: DateTime<Utc>,
) -> Result<Vec<account::Model>, DbErr> {
    // Stay well below SQLite's 32766 bound parameters per statement (11 columns a row).
    const BATCH: usize = 1_000;
    let models: Vec<account::Model> = accounts.into_iter().map(|new| model(new, now)).collect();
    for batch in models.chunks(BATCH) {
        account::Entity::insert_many(batch.iter().map(active_model))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(models)
}

fn model(new: NewAccount, now: DateTime<Utc>) -> account::Model {
    account::Model {
        id: new_uuid(),
        login: new.login.trim().to_lowercase(),
        email: new.email.as_str().to_owned(),
        display_name: new.display_name,
        language: new.language.code().to_owned(),
        state: new.state,
        password_hash: new.password_hash,
        must_change_password: new.must_change_password,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn active_model(model: &account::Model) -> account::ActiveModel {
    account::ActiveModel {
        id: Set(model.id),
        login: Set(model.login.clone()),
        email: Set(model.email.clone()),
        display_name: Set(model.display_name.clone()),
        language: Set(model.language.clone()),
        state: Set(model.state),
        password_hash: Set(model.password_hash.clone()),
        must_change_password: Set(model.must_change_password),
        version: Set(model.version),
        created_at: Set(model.created_at),
        updated_at: Set(model.updated_at),
    }
}
