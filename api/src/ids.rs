//! Identifiers: typed IDs for the services, opaque node IDs for the API, and readable human
//! IDs for people (their numbers come from `counters`).

use std::fmt;

use uuid::Uuid;

use crate::error::{ApiError, InputReason};

/// The kinds of object that can be fetched by `node(id:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Company,
    Contact,
    Account,
    Request,
    Message,
    Attachment,
    SavedView,
}

impl NodeKind {
    const ALL: [NodeKind; 7] = [
        Self::Company,
        Self::Contact,
        Self::Account,
        Self::Request,
        Self::Message,
        Self::Attachment,
        Self::SavedView,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Self::Company => "co",
            Self::Contact => "ct",
            Self::Account => "ac",
            Self::Request => "rq",
            Self::Message => "rm",
            Self::Attachment => "ra",
            Self::SavedView => "vw",
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

impl NodeId {
    /// The typed ID of an API ID that must be of `T`'s kind; another kind answers `NOT_FOUND`
    /// exactly as an unknown ID (see [`NodeId::expect`]).
    pub fn typed<T: TypedId>(raw: &str, field: &str) -> Result<T, ApiError> {
        Self::expect(raw, T::KIND, field, T::WHAT).map(T::from_uuid)
    }

    /// The API ID of a typed ID.
    pub fn of<T: TypedId>(id: T) -> Self {
        Self::new(T::KIND, id.uuid())
    }
}

/// An ID that names one kind of object: a contact ID cannot be passed where a request ID is
/// expected. Services take these; the API's node IDs are parsed into them at the edge.
pub trait TypedId: Copy {
    /// The kind of node it is in the API.
    const KIND: NodeKind;
    /// What a `NOT_FOUND` for it names.
    const WHAT: &'static str;

    fn from_uuid(uuid: Uuid) -> Self;
    fn uuid(self) -> Uuid;
}

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $kind:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl TypedId for $name {
            const KIND: NodeKind = NodeKind::$kind;
            const WHAT: &'static str = $what;

            fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A company (customer or provider).
    CompanyId,
    Company,
    "company"
);
typed_id!(
    /// A contact: one person's membership of one company.
    ContactId,
    Contact,
    "contact"
);
typed_id!(
    /// An account: a person's identity and credentials.
    AccountId,
    Account,
    "account"
);
typed_id!(
    /// A support request.
    RequestId,
    Request,
    "request"
);
typed_id!(
    /// A file attached to a request.
    AttachmentId,
    Attachment,
    "attachment"
);

typed_id!(
    /// A saved request view.
    SavedViewId,
    SavedView,
    "saved view"
);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.kind.prefix(), self.uuid.simple())
    }
}

/// A fresh, time-ordered primary key.
pub fn new_uuid() -> Uuid {
    Uuid::now_v7()
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
    fn typed_ids_accept_their_own_kind_only() {
        let contact = ContactId::from_uuid(new_uuid());
        let text = NodeId::of(contact).to_string();
        assert_eq!(NodeId::typed::<ContactId>(&text, "id").unwrap(), contact);
        let err = NodeId::typed::<RequestId>(&text, "id").unwrap_err();
        assert!(matches!(err, ApiError::NotFound { what: "request" }));
    }

    #[test]
    fn company_human_ids_are_zero_padded() {
        assert_eq!(company_human_id(4217), "ACC-004217");
        assert_eq!(company_human_id(1_234_567), "ACC-1234567");
    }
}
