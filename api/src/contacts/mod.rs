//! Contacts: people's memberships of companies, with their roles there.
//!
//! `rules` holds the pure rules (role sets, the batch checks, obsolete marking); `adding`,
//! `editing` and `roles` the operations, each in its own transaction; `reads` what callers may
//! see; `repo` and `staged_repo` are the only code touching `contacts` and
//! `staged_role_changes`.

mod adding;
mod editing;
mod journal;
mod reads;
pub mod repo;
pub(crate) mod rights;
mod roles;
pub mod rules;
pub mod staged_repo;

pub use adding::{
    NewPerson, add, add_first_security_administrator, add_support_staff,
    create_company_with_security_administrator,
};
pub use editing::{ContactEdit, StatusChange, edit, mark_obsolete, reactivate};
pub use entity::{ContactStatus, ProviderRole, SupportRole};
pub use reads::{acting, count, find_visible, list, memberships, support_staff};
pub use repo::{ContactFilter, ContactOrder, ContactSortField, SortDirection};
pub use roles::{AppliedChange, ApplyOutcome, apply, discard, stage, staged};
pub use rules::{ContactProblem, ContactProblemCode, RoleSet, roles_of};
pub use staged_repo::StagedChange;

use crate::error::{ApiError, InputReason};

/// A contact as stored.
pub type Contact = entity::contact::Model;

fn taken_email() -> ApiError {
    ApiError::bad_input(
        "email",
        InputReason::Taken,
        "This person is already a contact of the company",
    )
}
