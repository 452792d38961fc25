//! GraphQL enums mirroring the stored string enums.

use async_graphql::Enum;

use crate::accounts::AccountState;
use crate::companies::CompanyKind;
use crate::contacts::{ContactStatus, ProviderRole, SupportRole};
use crate::domain::Language;

/// Which side of the support relationship a company is on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CompanyKind")]
pub enum CompanyKindGql {
    /// The vendor running the portal.
    Provider,
    /// A customer company.
    Customer,
}

impl From<CompanyKind> for CompanyKindGql {
    fn from(kind: CompanyKind) -> Self {
        match kind {
            CompanyKind::Provider => Self::Provider,
            CompanyKind::Customer => Self::Customer,
        }
    }
}

/// Language of pages and mails.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Language")]
pub enum LanguageGql {
    /// English.
    En,
    /// French.
    Fr,
}

impl From<LanguageGql> for Language {
    fn from(language: LanguageGql) -> Self {
        match language {
            LanguageGql::En => Self::En,
            LanguageGql::Fr => Self::Fr,
        }
    }
}

impl From<Language> for LanguageGql {
    fn from(language: Language) -> Self {
        match language {
            Language::En => Self::En,
            Language::Fr => Self::Fr,
        }
    }
}

/// A customer contact's support role; at most one per contact and company.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SupportRole")]
pub enum SupportRoleGql {
    /// Works on their own requests only.
    SupportRestricted,
    /// Also sees and acts on every request of the company.
    SupportAdvanced,
    /// The above, plus adds contacts.
    SupportAdministrator,
}

impl From<SupportRole> for SupportRoleGql {
    fn from(role: SupportRole) -> Self {
        match role {
            SupportRole::Restricted => Self::SupportRestricted,
            SupportRole::Advanced => Self::SupportAdvanced,
            SupportRole::Administrator => Self::SupportAdministrator,
        }
    }
}

impl From<SupportRoleGql> for SupportRole {
    fn from(role: SupportRoleGql) -> Self {
        match role {
            SupportRoleGql::SupportRestricted => Self::Restricted,
            SupportRoleGql::SupportAdvanced => Self::Advanced,
            SupportRoleGql::SupportAdministrator => Self::Administrator,
        }
    }
}

/// The role of a member of the provider organisation.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ProviderRole")]
pub enum ProviderRoleGql {
    /// Works on every company's submitted requests.
    SupportAgent,
    /// An agent who also dispatches requests and sees cross-company metrics.
    SupportManager,
    /// Manages customer companies and provider staff.
    PlatformOperator,
}

impl From<ProviderRole> for ProviderRoleGql {
    fn from(role: ProviderRole) -> Self {
        match role {
            ProviderRole::SupportAgent => Self::SupportAgent,
            ProviderRole::SupportManager => Self::SupportManager,
            ProviderRole::PlatformOperator => Self::PlatformOperator,
        }
    }
}

/// Whether a contact can act for their company.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ContactStatus")]
pub enum ContactStatusGql {
    /// Can act for the company.
    Active,
    /// Left the company: keeps history, cannot act, receives nothing.
    Obsolete,
}

impl From<ContactStatus> for ContactStatusGql {
    fn from(status: ContactStatus) -> Self {
        match status {
            ContactStatus::Active => Self::Active,
            ContactStatus::Obsolete => Self::Obsolete,
        }
    }
}

impl From<ContactStatusGql> for ContactStatus {
    fn from(status: ContactStatusGql) -> Self {
        match status {
            ContactStatusGql::Active => Self::Active,
            ContactStatusGql::Obsolete => Self::Obsolete,
        }
    }
}

/// Life cycle of an account.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AccountState")]
pub enum AccountStateGql {
    /// Set-up link sent; no password chosen yet.
    Pending,
    /// Can log in.
    Active,
    /// Cannot log in.
    Disabled,
}

impl From<AccountState> for AccountStateGql {
    fn from(state: AccountState) -> Self {
        match state {
            AccountState::Pending => Self::Pending,
            AccountState::Active => Self::Active,
            AccountState::Disabled => Self::Disabled,
        }
    }
}

/// Why an input value was refused; sent as `extensions.reason` and in form problems.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "InputReason", remote = "crate::error::InputReason")]
pub enum InputReasonGql {
    /// The value is missing or empty.
    Required,
    /// The value is longer than allowed.
    TooLong,
    /// The value does not have the expected form.
    InvalidFormat,
    /// The value is outside the allowed range.
    OutOfRange,
    /// The value is already used by another object.
    Taken,
    /// The value is shorter than allowed.
    TooShort,
    /// The password is too easy to guess (common, or made of the person's own names).
    TooGuessable,
    /// The link or code has expired, was already used, or never existed.
    InvalidOrExpired,
    /// The password or code given to confirm the change is wrong.
    WrongCredential,
    /// The contact is obsolete: reactivate it first.
    Obsolete,
    /// The caller's side may not change this field.
    NotEditable,
    /// The caller's roles do not allow this value (the team scope for Support Restricted).
    NotAllowed,
}
