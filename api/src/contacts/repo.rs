//! The only place that reads and writes `contacts`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{ContactStatus, ProviderRole, company, contact};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select,
};
use uuid::Uuid;

use super::rules::RoleSet;
use crate::domain::fold;
use crate::error::ApiError;
use crate::ids::{AccountId, CompanyId, ContactId};
use crate::paging::{Cursor, PageRequest};
use crate::sql::escape_like;

/// Which contacts of a company to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    /// Only these statuses (all when empty).
    pub statuses: Vec<ContactStatus>,
    /// Name or e-mail contains this text, ignoring case and accents.
    pub search: Option<String>,
    /// Only contacts with one of these support roles (all when empty).
    pub support_roles: Vec<entity::SupportRole>,
    /// Only Security Administrators (`true`) or only others (`false`).
    pub security_admin: Option<bool>,
}

impl ContactFilter {
    /// `TOO_LONG` on `search` past [`SEARCH_MAX`] characters.
    pub fn check(&self) -> Result<(), ApiError> {
        match &self.search {
            Some(search) if search.chars().count() > SEARCH_MAX => Err(ApiError::bad_input(
                "search",
                crate::error::InputReason::TooLong,
                format!("must be at most {SEARCH_MAX} characters"),
            )),
            _ => Ok(()),
        }
    }
}

/// Longest search text.
pub const SEARCH_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactSortField {
    /// Last name, then first name.
    #[default]
    Name,
    Email,
    CreatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactOrder {
    pub field: ContactSortField,
    pub direction: SortDirection,
}

impl ContactOrder {
    fn column(self) -> contact::Column {
        match self.field {
            ContactSortField::Name => contact::Column::NameKey,
            ContactSortField::Email => contact::Column::Email,
            ContactSortField::CreatedAt => contact::Column::CreatedAt,
        }
    }

    /// Names the sort field inside cursors, so a cursor is only accepted by the order that made it.
    fn tag(self) -> &'static str {
        match self.field {
            ContactSortField::Name => "name",
            ContactSortField::Email => "email",
            ContactSortField::CreatedAt => "created",
        }
    }

    /// The cursor of a contact in this order: the sort field, its value, and the contact's ID
    /// (the tie-breaker).
    pub fn cursor(self, row: &contact::Model) -> Cursor {
        let key = match self.field {
            ContactSortField::Name => row.name_key.clone(),
            ContactSortField::Email => row.email.clone(),
            ContactSortField::CreatedAt => row.created_at.to_rfc3339(),
        };
        Cursor::new(vec![self.tag().to_owned(), key, row.id.to_string()])
    }
}

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: ContactId,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find_by_id(id.uuid()).one(conn).await
}

/// Contacts by ID, read in chunks of 500 (SQLite bounds the parameters of a statement).
pub async fn find_many<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, contact::Model>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = contact::Entity::find()
            .filter(contact::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        found.extend(rows.into_iter().map(|c| (c.id, c)));
    }
    Ok(found)
}

fn filtered(company_id: CompanyId, filter: &ContactFilter) -> Select<contact::Entity> {
    let mut query = contact::Entity::find().filter(contact::Column::CompanyId.eq(company_id));
    if !filter.statuses.is_empty() {
        query = query.filter(contact::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.support_roles.is_empty() {
        query =
            query.filter(contact::Column::SupportRole.is_in(filter.support_roles.iter().copied()));
    }
    if let Some(security_admin) = filter.security_admin {
        query = query.filter(contact::Column::SecurityAdmin.eq(security_admin));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&fold(search)));
        let by_name =
            Expr::col(contact::Column::NameKey).like(LikeExpr::new(pattern.clone()).escape('\\'));
        let by_email = Expr::col(contact::Column::Email).like(LikeExpr::new(pattern).escape('\\'));
        query = query.filter(by_name.or(by_email));
    }
    query
}

/// A decoded cursor: the sort value and ID of the last contact of the previous page.
#[derive(Debug, Clone)]
pub struct After {
    key: Expr,
    id: Uuid,
}

/// One page of a company's contacts in `order`, starting after `after`.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    filter: &ContactFilter,
    order: ContactOrder,
    after: Option<After>,
    page: &PageRequest,
) -> Result<Vec<contact::Model>, DbErr> {
    let column = order.column();
    let mut query = filtered(company_id, filter);
    if let Some(After { key, id }) = after {
        let row = Expr::tuple([Expr::col(column), Expr::col(contact::Column::Id)]);
        let cursor = Expr::tuple([key, id.into()]);
        query = query.filter(match order.direction {
            SortDirection::Asc => row.gt(cursor),
            SortDirection::Desc => row.lt(cursor),
        });
    }
    let direction = match order.direction {
        SortDirection::Asc => Order::Asc,
        SortDirection::Desc => Order::Desc,
    };
    query
        .order_by(column, direction.clone())
        .order_by(contact::Column::Id, direction)
        .limit(page.fetch_limit())
        .all(conn)
        .await
}

/// Reads a cursor made by [`ContactOrder::cursor`] for the same order.
pub fn parse_cursor(order: ContactOrder, cursor: &Cursor) -> Result<After, ApiError> {
    let [tag, key, id] = cursor.parts() else {
        return Err(Cursor::invalid());
    };
    if tag != order.tag() {
        return Err(Cursor::invalid());
    }
    let id = Uuid::try_parse(id).map_err(|_| Cursor::invalid())?;
    let key = match order.field {
        ContactSortField::Name | ContactSortField::Email => Expr::val(key.clone()),
        ContactSortField::CreatedAt => {
            let at = chrono::DateTime::parse_from_rfc3339(key).map_err(|_| Cursor::invalid())?;
            Expr::val(at.with_timezone(&chrono::Utc))
        }
    };
    Ok(After { key, id })
}

/// How many contacts match the filter.
pub async fn count<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    filter: &ContactFilter,
) -> Result<u64, DbErr> {
    filtered(company_id, filter).count(conn).await
}

/// What a new contact starts with.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub company_id: CompanyId,
    pub account_id: AccountId,
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub support_role: Option<entity::SupportRole>,
    pub security_admin: bool,
    pub provider_role: Option<entity::ProviderRole>,
    pub status: ContactStatus,
}

fn active_model(new: NewContact, now: chrono::DateTime<chrono::Utc>) -> contact::ActiveModel {
    use sea_orm::ActiveValue::Set;
    contact::ActiveModel {
        id: Set(crate::ids::new_uuid()),
        company_id: Set(new.company_id.uuid()),
        account_id: Set(new.account_id.uuid()),
        name_key: Set(crate::domain::contact_name_key(
            &new.last_name,
            &new.first_name,
        )),
        last_name: Set(new.last_name),
        first_name: Set(new.first_name),
        email: Set(new.email),
        support_role: Set(new.support_role),
        security_admin: Set(new.security_admin),
        provider_role: Set(new.provider_role),
        status: Set(new.status),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Inserts one contact (inside the caller's transaction); the stored row.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    new: NewContact,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<contact::Model, DbErr> {
    use sea_orm::TryIntoModel as _;
    let row = active_model(new, now);
    let model = row.clone().try_into_model()?;
    contact::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(model)
}

/// Inserts contacts in batches (inside the caller's transaction, if any).
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    contacts: Vec<NewContact>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    // Stay well below SQLite's 32766 bound parameters per statement (14 columns a row).
    const BATCH: usize = 1_000;
    let mut rows = contacts
        .into_iter()
        .map(|new| active_model(new, now))
        .peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        contact::Entity::insert_many(batch)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The contact of an account in a company, if any.
pub async fn find_by_account<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    account_id: AccountId,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(company_id))
        .filter(contact::Column::AccountId.eq(account_id))
        .one(conn)
        .await
}

/// The oldest contact of an account, active or not.
pub async fn first_of_account<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::AccountId.eq(account_id))
        .order_by(contact::Column::CreatedAt, Order::Asc)
        .order_by(contact::Column::Id, Order::Asc)
        .one(conn)
        .await
}

/// The oldest active contact of an account: the company a new session acts for.
pub async fn default_of_account<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::AccountId.eq(account_id))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .order_by(contact::Column::CreatedAt, Order::Asc)
        .order_by(contact::Column::Id, Order::Asc)
        .one(conn)
        .await
}

/// An active contact, if `id` is one.
pub async fn find_active<C: ConnectionTrait>(
    conn: &C,
    id: ContactId,
) -> Result<Option<contact::Model>, DbErr> {
    Ok(find(conn, id)
        .await?
        .filter(|c| c.status == ContactStatus::Active))
}

/// The active contacts of an account (the companies the person can act for), by company name.
pub async fn memberships<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<Vec<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::AccountId.eq(account_id))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .join(JoinType::InnerJoin, contact::Relation::Company.def())
        .order_by_asc(company::Column::NameKey)
        .order_by_asc(contact::Column::Id)
        .all(conn)
        .await
}

/// The first active platform operator (the command line acts as them).
pub async fn first_platform_operator<C: ConnectionTrait>(
    conn: &C,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::ProviderRole.eq(ProviderRole::PlatformOperator))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .order_by_asc(contact::Column::CreatedAt)
        .one(conn)
        .await
}

/// Whether a contact of the company already has this e-mail address.
pub async fn email_taken<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    email: &str,
) -> Result<bool, DbErr> {
    let found = contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(company_id))
        .filter(contact::Column::Email.eq(email))
        .count(conn)
        .await?;
    Ok(found > 0)
}

/// Active Security Administrators of a company.
pub async fn active_security_admins<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
) -> Result<u64, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(company_id))
        .filter(contact::Column::SecurityAdmin.eq(true))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .count(conn)
        .await
}

/// An active support agent or manager, if `id` is one.
pub async fn active_staff<C: ConnectionTrait>(
    conn: &C,
    id: ContactId,
) -> Result<Option<contact::Model>, DbErr> {
    Ok(find_active(conn, id).await?.filter(|c| {
        matches!(
            c.provider_role,
            Some(ProviderRole::SupportAgent | ProviderRole::SupportManager)
        )
    }))
}

/// Every active support agent and manager.
pub async fn all_active_staff<C: ConnectionTrait>(conn: &C) -> Result<Vec<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(
            contact::Column::ProviderRole
                .is_in([ProviderRole::SupportAgent, ProviderRole::SupportManager]),
        )
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .all(conn)
        .await
}

/// Which of `emails` belong to obsolete contacts of the company.
pub async fn obsolete_emails<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    emails: &[String],
) -> Result<Vec<String>, DbErr> {
    contact::Entity::find()
        .select_only()
        .column(contact::Column::Email)
        .filter(contact::Column::CompanyId.eq(company_id))
        .filter(contact::Column::Status.eq(ContactStatus::Obsolete))
        .filter(contact::Column::Email.is_in(emails.iter().cloned()))
        .into_tuple()
        .all(conn)
        .await
}

/// Writes `changed` over the contact if it still has `expected_version` (bumping it); whether
/// it did.
pub async fn write_if_unchanged<C: ConnectionTrait>(
    conn: &C,
    changed: &contact::Model,
    expected_version: i32,
) -> Result<bool, DbErr> {
    let updated = contact::Entity::update_many()
        .col_expr(contact::Column::LastName, changed.last_name.clone().into())
        .col_expr(
            contact::Column::FirstName,
            changed.first_name.clone().into(),
        )
        .col_expr(contact::Column::Email, changed.email.clone().into())
        .col_expr(contact::Column::NameKey, changed.name_key.clone().into())
        .col_expr(contact::Column::SupportRole, changed.support_role.into())
        .col_expr(
            contact::Column::SecurityAdmin,
            changed.security_admin.into(),
        )
        .col_expr(contact::Column::Status, changed.status.into())
        .col_expr(
            contact::Column::Version,
            Expr::col(contact::Column::Version).add(1),
        )
        .col_expr(contact::Column::UpdatedAt, changed.updated_at.into())
        .filter(contact::Column::Id.eq(changed.id))
        .filter(contact::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Writes the roles `to` on these contacts (bumping their versions); how many rows changed.
pub async fn write_roles<C: ConnectionTrait>(
    conn: &C,
    ids: &[ContactId],
    to: RoleSet,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = contact::Entity::update_many()
        .col_expr(contact::Column::SupportRole, to.support_role.into())
        .col_expr(contact::Column::SecurityAdmin, to.security_admin.into())
        .col_expr(
            contact::Column::Version,
            Expr::col(contact::Column::Version).add(1),
        )
        .col_expr(contact::Column::UpdatedAt, now.into())
        .filter(contact::Column::Id.is_in(ids.iter().map(|id| id.uuid())))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
