//! Identifiers: opaque typed node IDs for the API, readable human IDs for people, and the
//! counters behind the latter.

use std::fmt;

use sea_orm::{ConnectionTrait, DbErr, Statement};
use uuid::Uuid;

use crate::error::{ApiError, InputReason};
use crate::sql::placeholders;

/// The kinds of object that can be fetched by `node(id:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Company,
    Contact,
    Account,
    Request,
    Message,
    Attachment,
}

impl NodeKind {
    const ALL: [NodeKind; 6] = [
        Self::Company,
        Self::Contact,
        Self::Account,
        Self::Request,
        Self::Message,
        Self::Attachment,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Self::Company => "co",
            Self::Contact => "ct",
            Self::Account => "ac",
            Self::Request => "rq",
            Self::Message => "rm",
            Self::Attachment => "ra",
        }
    }
}

/// A node ID: a type prefix and a UUIDv7, e.g. `co_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b`.
///
/// Primary keys are not guessable sequences; the prefix lets `node(id:)` find the table and
/// makes a company ID useless where a contact ID is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeId {
    pub kind: NodeKind,
    pub uuid: Uuid,
}

impl NodeId {
    pub fn new(kind: NodeKind, uuid: Uuid) -> Self {
        Self { kind, uuid }
    }

    /// Parses any node ID; `field` names the argument for the error.
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::bad_input(field, InputReason::InvalidFormat, "not a valid ID");
        let (prefix, hex) = raw.split_once('_').ok_or_else(invalid)?;
        let kind = NodeKind::ALL
            .into_iter()
            .find(|kind| kind.prefix() == prefix)
            .ok_or_else(invalid)?;
        if hex.len() != 32 {
            return Err(invalid());
        }
        let uuid = Uuid::try_parse(hex).map_err(|_| invalid())?;
        Ok(Self { kind, uuid })
    }
}

impl NodeId {
    /// The UUID of an ID that must be of `kind`. A well-formed ID of another kind names no
    /// such object: `NOT_FOUND`, exactly as an unknown ID.
    pub fn expect(
        raw: &str,
        kind: NodeKind,
        field: &str,
        what: &'static str,
    ) -> Result<Uuid, ApiError> {
        let id = Self::parse(raw, field)?;
        if id.kind == kind {
            Ok(id.uuid)
        } else {
            Err(ApiError::NotFound { what })
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.kind.prefix(), self.uuid.simple())
    }
}

/// A fresh, time-ordered primary key.
pub fn new_uuid() -> Uuid {
    Uuid::now_v7()
}

/// Takes the next value of a named counter inside the caller's transaction.
///
/// The upsert locks the counter row until the transaction ends, so concurrent transactions get
/// distinct values and a rolled-back one gives its number back.
pub async fn next_counter_value<C: ConnectionTrait>(conn: &C, name: &str) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        "INSERT INTO counters (name, value) VALUES (?, 1) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("counter {name}")))?;
    row.try_get_by_index(0)
}

/// `ACC-004217`: the human ID of the company numbered 4217.
pub fn company_human_id(number: i64) -> String {
    format!("ACC-{number:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_round_trip_and_keep_their_kind() {
        let id = NodeId::new(NodeKind::Contact, new_uuid());
        let text = id.to_string();
        assert!(text.starts_with("ct_"));
        assert_eq!(NodeId::parse(&text, "id").unwrap(), id);
    }

    #[test]
    fn malformed_ids_are_bad_input_on_the_named_field() {
        for raw in [
            "",
            "co",
            "co_",
            "xx_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b",
            "co_zz",
            "co_-1",
        ] {
            let err = NodeId::parse(raw, "companyId").unwrap_err();
            assert_eq!(err.field(), Some("companyId"), "{raw}");
        }
    }

    #[test]
    fn company_human_ids_are_zero_padded() {
        assert_eq!(company_human_id(4217), "ACC-004217");
        assert_eq!(company_human_id(1_234_567), "ACC-1234567");
    }
}
