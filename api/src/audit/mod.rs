//! The audit journal: append-only records of security and administrative actions, written in
//! the transaction of the action they record (`record`), read page by page (`list`).

mod actions;
mod journal;
mod repo;

use std::net::IpAddr;

pub use actions::{AuditAction, TargetKind};
pub use journal::{AuditFilter, AuditOrder, list};
pub use repo::{record, record_many};

use crate::ids::{AccountId, CompanyId, ContactId, RequestId};

/// A stored journal entry.
pub type AuditEvent = entity::audit_event::Model;

/// The object an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Account(AccountId),
    Company(CompanyId),
    Contact(ContactId),
    Request(RequestId),
}

impl Target {
    pub fn kind(self) -> TargetKind {
        match self {
            Self::Account(_) => TargetKind::Account,
            Self::Company(_) => TargetKind::Company,
            Self::Contact(_) => TargetKind::Contact,
            Self::Request(_) => TargetKind::Request,
        }
    }

    fn uuid(self) -> uuid::Uuid {
        match self {
            Self::Account(id) => id.uuid(),
            Self::Company(id) => id.uuid(),
            Self::Contact(id) => id.uuid(),
            Self::Request(id) => id.uuid(),
        }
    }
}

/// One journal entry.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub action: AuditAction,
    /// The account that acted; `None` for the portal itself.
    pub actor: Option<AccountId>,
    /// The company concerned, whose Security Administrators read the entry.
    pub company: Option<CompanyId>,
    pub target: Option<Target>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<IpAddr>,
}

impl AuditEntry {
    /// `action` by `actor`, about nothing in particular yet.
    pub fn new(action: AuditAction, actor: Option<AccountId>) -> Self {
        Self {
            action,
            actor,
            company: None,
            target: None,
            before: None,
            after: None,
            client_addr: None,
        }
    }

    /// An action of a person on their own account.
    pub fn on_account(
        action: AuditAction,
        account: AccountId,
        client_addr: Option<IpAddr>,
    ) -> Self {
        Self {
            target: Some(Target::Account(account)),
            client_addr,
            ..Self::new(action, Some(account))
        }
    }

    /// The entry about `target` of `company`.
    pub fn about(mut self, company: CompanyId, target: Target) -> Self {
        self.company = Some(company);
        self.target = Some(target);
        self
    }

    /// The object before and after the action.
    pub fn change(
        mut self,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}
