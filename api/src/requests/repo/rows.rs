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

/// The columns, in the order [`decode`] reads them (the model's).
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

/// Where `column` is in [`COLUMNS`].
fn position(column: C) -> usize {
    let name = column.as_str();
    COLUMNS.iter().position(|c| c.as_str() == name).unwrap_or(0)
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

/// Decodes a row read with [`select_columns`]: the projection's columns in order; the
/// model's other fields hold their type's default.
pub fn decode(res: &QueryResult, projection: Projection) -> Result<request::Model, DbErr> {
    let mut r = Reader {
        res,
        projection,
        field: 0,
        next: 0,
    };
    // A struct expression evaluates its fields in the order written: [`COLUMNS`] order.
    Ok(request::Model {
        id: r.value()?,
        company_id: r.value()?,
        requester_contact_id: r.value()?,
        human_id: r.value()?,
        state: r
            .enumerated()?
            .ok_or_else(|| DbErr::Type("requests.state is NULL".into()))?,
        category: r.enumerated()?,
        kind: r.enumerated()?,
        urgency: r.enumerated()?,
        title: r.value()?,
        description: r.value()?,
        product: r.value()?,
        environment_module: r.value()?,
        environment_os: r.value()?,
        environment_browser: r.value()?,
        environment_version: r.value()?,
        regression: r.value()?,
        started_on: r.value()?,
        happened_before: r.value()?,
        affected_users: r.value()?,
        external_reference: r.value()?,
        tag: r.value()?,
        notify_emails: r.value()?,
        follow_up: r.value()?,
        assignee_contact_id: r.value()?,
        version: r.value()?,
        created_at: r.value()?,
        updated_at: r.value()?,
        submitted_at: r.value()?,
        state_changed_at: r.value()?,
        closed_at: r.value()?,
        first_response_at: r.value()?,
        auto_close_at: r.value()?,
        remind_at: r.value()?,
        search_key: r.value()?,
        customer_wait_secs: r.value()?,
        support_wait_secs: r.value()?,
        follow_up_of_id: r.value()?,
    })
}

/// Walks a row's fields in [`COLUMNS`] order, decoding those the projection read.
struct Reader<'a> {
    res: &'a QueryResult,
    projection: Projection,
    /// The next field, as an index in [`COLUMNS`].
    field: usize,
    /// The next value in the row.
    next: usize,
}

impl Reader<'_> {
    fn value<T>(&mut self) -> Result<T, DbErr>
    where
        T: Default
            + for<'r> sqlx::Decode<'r, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>,
    {
        let field = self.field;
        self.field += 1;
        if !self.projection.has(field) {
            return Ok(T::default());
        }
        self.next += 1;
        get(self.res, self.next - 1)
    }

    fn enumerated<E: ActiveEnum<Value = String>>(&mut self) -> Result<Option<E>, DbErr> {
        self.value::<Option<String>>()?
            .map(|value| E::try_from_value(&value))
            .transpose()
    }
}

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

#[cfg(test)]
mod tests {
    use sea_orm::{IdenStatic, Iterable};

    use super::*;

    #[test]
    fn every_column_is_read_once_in_the_models_order() {
        let model: Vec<String> = C::iter().map(|c| c.as_str().to_owned()).collect();
        let read: Vec<String> = COLUMNS.iter().map(|c| c.as_str().to_owned()).collect();
        assert_eq!(read, model);
    }
}
