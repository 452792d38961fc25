//! Reading request rows by position, straight from the driver's row.
//!
//! A queue page of 50 requests reads 2,000 values. SeaORM's own mapping looks each one up by
//! column name and formats an error message for every NULL it turns into `None` (most of the
//! form's optional fields); on PostgreSQL that was about a tenth of a queue page's CPU
//! (`perf`, bench/README.md). Here the select names its columns in [`COLUMNS`] order and each
//! value is decoded by its index with the same driver decoders SeaORM uses; a list can also
//! read only the columns its page shows (a [`Projection`]).

use entity::request::{self, Column as C};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ActiveEnum, DbErr, IdenStatic, QueryResult};

use crate::requests::projection::{ListRead, ListedColumn};

/// The columns in the model's order, which is the order of a row's values (of those a
/// [`Projection`] reads).
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

/// Which of [`COLUMNS`] a read takes (bit `i` for `COLUMNS[i]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Projection(u64);

/// What every read request has: what decides who sees it.
const ALWAYS: [C; 5] = [
    C::Id,
    C::CompanyId,
    C::RequesterContactId,
    C::AssigneeContactId,
    C::State,
];

impl Projection {
    /// Every column.
    pub const WHOLE: Self = Self((1 << COLUMNS.len()) - 1);

    /// The columns `read` names, what decides who sees a request, and `sort` (the column a list
    /// is sorted on, which its cursors hold).
    pub fn of(read: &ListRead, sort: Option<C>) -> Self {
        let ListRead::Columns(columns) = read else {
            return Self::WHOLE;
        };
        let listed = columns.iter().map(|c| listed(*c));
        ALWAYS
            .into_iter()
            .chain(listed)
            .chain(sort)
            .fold(Self(0), |p, c| Self(p.0 | 1 << position(c)))
    }

    fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }
}

fn listed(column: ListedColumn) -> C {
    use ListedColumn as L;
    match column {
        L::HumanId => C::HumanId,
        L::Version => C::Version,
        L::Category => C::Category,
        L::Kind => C::Kind,
        L::Urgency => C::Urgency,
        L::Title => C::Title,
        L::Product => C::Product,
        L::Tag => C::Tag,
        L::CreatedAt => C::CreatedAt,
        L::UpdatedAt => C::UpdatedAt,
        L::SubmittedAt => C::SubmittedAt,
        L::StateChangedAt => C::StateChangedAt,
        L::ClosedAt => C::ClosedAt,
    }
}

/// Where `column` is in [`COLUMNS`]: the model's order (tested), that of the enum's variants.
fn position(column: C) -> usize {
    column as usize
}

/// Makes `select` read the projection's columns, in [`COLUMNS`] order, instead of SeaORM's
/// default list.
pub fn select_columns(select: &mut SelectStatement, projection: Projection) {
    select.clear_selects();
    for (index, column) in COLUMNS.into_iter().enumerate() {
        if projection.has(index) {
            select.column((request::Entity, column));
        }
    }
}

/// Decodes a row read with [`select_columns`]: the projection's columns; the model's other
/// fields hold their type's default.
pub fn decode(res: &QueryResult, projection: Projection) -> Result<request::Model, DbErr> {
    let r = Reader { res, projection };
    Ok(request::Model {
        id: r.at(C::Id)?,
        company_id: r.at(C::CompanyId)?,
        requester_contact_id: r.at(C::RequesterContactId)?,
        human_id: r.at(C::HumanId)?,
        state: r
            .enumerated(C::State)?
            .ok_or_else(|| DbErr::Type("requests.state is NULL".into()))?,
        category: r.enumerated(C::Category)?,
        kind: r.enumerated(C::Kind)?,
        urgency: r.enumerated(C::Urgency)?,
        title: r.at(C::Title)?,
        description: r.at(C::Description)?,
        product: r.at(C::Product)?,
        environment_module: r.at(C::EnvironmentModule)?,
        environment_os: r.at(C::EnvironmentOs)?,
        environment_browser: r.at(C::EnvironmentBrowser)?,
        environment_version: r.at(C::EnvironmentVersion)?,
        regression: r.at(C::Regression)?,
        started_on: r.at(C::StartedOn)?,
        happened_before: r.at(C::HappenedBefore)?,
        affected_users: r.at(C::AffectedUsers)?,
        external_reference: r.at(C::ExternalReference)?,
        tag: r.at(C::Tag)?,
        notify_emails: r.at(C::NotifyEmails)?,
        follow_up: r.at(C::FollowUp)?,
        assignee_contact_id: r.at(C::AssigneeContactId)?,
        version: r.at(C::Version)?,
        created_at: r.at(C::CreatedAt)?,
        updated_at: r.at(C::UpdatedAt)?,
        submitted_at: r.at(C::SubmittedAt)?,
        state_changed_at: r.at(C::StateChangedAt)?,
        closed_at: r.at(C::ClosedAt)?,
        first_response_at: r.at(C::FirstResponseAt)?,
        auto_close_at: r.at(C::AutoCloseAt)?,
        remind_at: r.at(C::RemindAt)?,
        search_key: r.at(C::SearchKey)?,
        customer_wait_secs: r.at(C::CustomerWaitSecs)?,
        support_wait_secs: r.at(C::SupportWaitSecs)?,
        follow_up_of_id: r.at(C::FollowUpOfId)?,
    })
}

/// Reads the fields of one row that the projection read.
struct Reader<'a> {
    res: &'a QueryResult,
    projection: Projection,
}

impl Reader<'_> {
    /// The value of `column`, or its type's default when the projection did not read it.
    fn at<T>(&self, column: C) -> Result<T, DbErr>
    where
        T: Default
            + for<'r> sqlx::Decode<'r, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>,
    {
        // The column's place in [`COLUMNS`] (the model's order, tested) and so in the row:
        // after the projection's columns before it.
        let index = position(column);
        if !self.projection.has(index) {
            return Ok(T::default());
        }
        let before = (self.projection.0 & ((1 << index) - 1)).count_ones() as usize;
        get(self.res, before, column)
    }

    fn enumerated<E: ActiveEnum<Value = String>>(&self, column: C) -> Result<Option<E>, DbErr> {
        self.at::<Option<String>>(column)?
            .map(|value| E::try_from_value(&value))
            .transpose()
    }
}

/// One value of the row, by position (`column` names it in errors).
fn get<T>(res: &QueryResult, index: usize, column: C) -> Result<T, DbErr>
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
    decoded.map_err(|e| DbErr::Type(format!("requests.{}: {e}", column.as_str())))
}

#[cfg(test)]
mod tests {
    use sea_orm::{IdenStatic, Iterable};

    use super::*;

    #[test]
    fn every_column_is_read_once_in_the_models_order() {
        let model: Vec<String> = C::iter().map(|c| c.as_str().to_owned()).collect();
        let read: Vec<String> = COLUMNS.iter().map(|c| c.as_str().to_owned()).collect();
        assert_eq!(read, model);
        for (index, column) in COLUMNS.into_iter().enumerate() {
            assert_eq!(position(column), index, "{}", column.as_str());
        }
    }
}
