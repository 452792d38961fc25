//! The only place that reads and writes `accounts`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{AccountState, account};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::auth::limits::MAX_LOGIN_CHARS;
use crate::domain::{Email, Language};
use crate::ids::{AccountId, new_uuid};

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: AccountId,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id.uuid()).one(conn).await
}

/// The key a login name or e-mail address is looked up by, if it could name an account.
fn login_key(login: &str) -> Option<String> {
    let key = login.trim().to_lowercase();
    (!key.is_empty() && key.len() <= MAX_LOGIN_CHARS).then_some(key)
}

/// Whether `login` could name an account at all (not empty, not too long).
pub fn could_name_account(login: &str) -> bool {
    login_key(login).is_some()
}

/// The account a login name or e-mail address designates (compared lower-case).
pub async fn find_by_login_or_email<C: ConnectionTrait>(
    conn: &C,
    login: &str,
) -> Result<Option<account::Model>, DbErr> {
    let Some(key) = login_key(login) else {
        return Ok(None);
    };
    account::Entity::find()
        .filter(
            Condition::any()
                .add(account::Column::Login.eq(key.clone()))
                .add(account::Column::Email.eq(key)),
        )
        .one(conn)
        .await
}

/// Stores a new password hash (and, with `activate`, makes a pending account active; never a
/// disabled one), bumping the version.
pub async fn write_password<C: ConnectionTrait>(
    conn: &C,
    account: &account::Model,
    hash: String,
    activate: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Some(hash).into())
        .col_expr(account::Column::MustChangePassword, false.into())
        .col_expr(account::Column::UpdatedAt, now.into())
        .col_expr(account::Column::Version, (account.version + 1).into())
        .filter(account::Column::Id.eq(account.id));
    if activate {
        update = update
            .col_expr(account::Column::State, AccountState::Active.into())
            .filter(account::Column::State.ne(AccountState::Disabled));
    }
    update.exec(conn).await?;
    Ok(())
}

/// Stores the account's language (its mails and the web app follow it), bumping the version.
pub async fn write_language<C: ConnectionTrait>(
    conn: &C,
    account: &account::Model,
    language: Language,
    now: DateTime<Utc>,
) -> Result<account::Model, DbErr> {
    account::Entity::update_many()
        .col_expr(account::Column::Language, language.code().into())
        .col_expr(account::Column::UpdatedAt, now.into())
        .col_expr(account::Column::Version, (account.version + 1).into())
        .filter(account::Column::Id.eq(account.id))
        .exec(conn)
        .await?;
    Ok(account::Model {
        language: language.code().to_owned(),
        updated_at: now,
        version: account.version + 1,
        ..account.clone()
    })
}

/// The language of each account, for mails to many people (chunks of 500 IDs).
pub async fn languages<C: ConnectionTrait>(
    conn: &C,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Language>, DbErr> {
    let ids: Vec<Uuid> = ids.collect();
    let mut languages = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Language)
            .filter(account::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        languages.extend(
            rows.into_iter()
                .map(|(id, code)| (id, Language::from_code(&code))),
        );
    }
    Ok(languages)
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
