//! Reading request rows by position, straight from the driver's row.
//!
//! A queue page of 50 requests reads 2,000 values. SeaORM's own mapping looks each one up by
//! column name and formats an error message for every NULL it turns into `None` (most of the
//! form's optional fields); on PostgreSQL that was about a tenth of a queue page's CPU
//! (`perf`, bench/README.md). Here the select names its columns in [`COLUMNS`] order and each
//! value is decoded by its index with the same driver decoders SeaORM uses.

use entity::request::{self, Column as C};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ActiveEnum, DbErr, FromQueryResult, QueryResult};

/// The columns read, in the order [`Row`] decodes them.
pub const COLUMNS: [C; 37] = [
    C::Id,
    C::CompanyId,
    C::RequesterContactId,
    C::HumanId,
    C::State,
    C::Category,
    C::Kind,
    C::Urgency,
    C::Title,
    C::Description,
    C::Product,
    C::EnvironmentModule,
    C::EnvironmentOs,
    C::EnvironmentBrowser,
    C::EnvironmentVersion,
    C::Regression,
    C::StartedOn,
    C::HappenedBefore,
    C::AffectedUsers,
    C::ExternalReference,
    C::Tag,
    C::NotifyEmails,
    C::FollowUp,
    C::AssigneeContactId,
    C::Version,
    C::CreatedAt,
    C::UpdatedAt,
    C::SubmittedAt,
    C::StateChangedAt,
    C::ClosedAt,
    C::FirstResponseAt,
    C::AutoCloseAt,
    C::RemindAt,
    C::SearchKey,
    C::CustomerWaitSecs,
    C::SupportWaitSecs,
    C::FollowUpOfId,
];

/// Makes `select` read [`COLUMNS`] (the model's fields) instead of SeaORM's default list.
pub fn select_columns(select: &mut SelectStatement) {
    select.clear_selects();
    for column in COLUMNS {
        select.column((request::Entity, column));
    }
}

/// A request read by position; see the module comment.
pub struct Row(pub request::Model);

/// One value of the row, by position.
fn get<T>(res: &QueryResult, index: usize) -> Result<T, DbErr>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>,
{
    use sqlx::Row as _;
    let decoded = if let Some(row) = res.try_as_pg_row() {
        row.try_get(index)
    } else if let Some(row) = res.try_as_sqlite_row() {
        row.try_get(index)
    } else {
        return Err(DbErr::Type("a request row from another driver".into()));
    };
    decoded.map_err(|e| DbErr::Type(format!("requests column {index}: {e}")))
}

/// A stored enum by position.
fn enumerated<E: ActiveEnum<Value = String>>(
    res: &QueryResult,
    index: usize,
) -> Result<Option<E>, DbErr> {
    get::<Option<String>>(res, index)?
        .map(|value| E::try_from_value(&value))
        .transpose()
}

impl FromQueryResult for Row {
    fn from_query_result(res: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        let state = enumerated(res, 4)?.ok_or_else(|| DbErr::Type("requests.state".into()))?;
        Ok(Self(request::Model {
            id: get(res, 0)?,
            company_id: get(res, 1)?,
            requester_contact_id: get(res, 2)?,
            human_id: get(res, 3)?,
            state,
            category: enumerated(res, 5)?,
            kind: enumerated(res, 6)?,
            urgency: enumerated(res, 7)?,
            title: get(res, 8)?,
            description: get(res, 9)?,
            product: get(res, 10)?,
            environment_module: get(res, 11)?,
            environment_os: get(res, 12)?,
            environment_browser: get(res, 13)?,
            environment_version: get(res, 14)?,
            regression: get(res, 15)?,
            started_on: get(res, 16)?,
            happened_before: get(res, 17)?,
            affected_users: get(res, 18)?,
            external_reference: get(res, 19)?,
            tag: get(res, 20)?,
            notify_emails: get(res, 21)?,
            follow_up: get(res, 22)?,
            assignee_contact_id: get(res, 23)?,
            version: get(res, 24)?,
            created_at: get(res, 25)?,
            updated_at: get(res, 26)?,
            submitted_at: get(res, 27)?,
            state_changed_at: get(res, 28)?,
            closed_at: get(res, 29)?,
            first_response_at: get(res, 30)?,
            auto_close_at: get(res, 31)?,
            remind_at: get(res, 32)?,
            search_key: get(res, 33)?,
            customer_wait_secs: get(res, 34)?,
            support_wait_secs: get(res, 35)?,
            follow_up_of_id: get(res, 36)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, Iterable};

    use super::*;

    #[test]
    fn every_column_is_read_once_in_the_models_order() {
        let model: Vec<String> = C::iter().map(|c| c.as_str().to_owned()).collect();
        let read: Vec<String> = COLUMNS.iter().map(|c| c.as_str().to_owned()).collect();
        assert_eq!(read, model);
    }
}
