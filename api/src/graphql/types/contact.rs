use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::enums::{ContactStatusGql, ProviderRoleGql, SupportRoleGql};
use crate::companies;
use crate::contacts::{self, ContactFilter, ContactOrder, ContactSortField, SortDirection};
use crate::error::ApiResult;
use crate::graphql::loaders::loader;
use crate::ids::{ContactId, NodeId};

/// A person's membership of one company, with their roles there.
pub struct Contact(pub contacts::Contact);

/// A person's membership of one company, with their roles there.
#[Object]
impl Contact {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        NodeId::of(ContactId::from_uuid(self.0.id))
            .to_string()
            .into()
    }

    /// The company this contact belongs to.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Company>> {
        let key = companies::CompanyOfContact::of(&self.0);
        Ok(loader(ctx)?.one(key).await?.map(super::Company))
    }

    /// Last name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Professional e-mail address (lower-case).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The support role, if any.
    async fn support_role(&self) -> Option<SupportRoleGql> {
        self.0.support_role.map(Into::into)
    }

    /// Whether the contact is a Security Administrator of the company.
    async fn security_administrator(&self) -> bool {
        self.0.security_admin
    }

    /// The provider-side role, for members of the provider organisation.
    async fn provider_role(&self) -> Option<ProviderRoleGql> {
        self.0.provider_role.map(Into::into)
    }

    /// Whether the contact can act for the company.
    async fn status(&self) -> ContactStatusGql {
        self.0.status.into()
    }

    /// Changes with every update; send it back with edits to detect concurrent changes.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the contact was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the contact was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Which contacts to list.
#[derive(InputObject, Debug, Default)]
pub struct ContactFilterInput {
    /// Only contacts with one of these statuses (all when absent or empty).
    pub statuses: Option<Vec<ContactStatusGql>>,
    /// Name or e-mail contains this text (ignoring case and accents), up to 200
    /// characters.
    pub search: Option<String>,
    /// Only contacts with one of these support roles (all when absent or empty).
    pub support_roles: Option<Vec<SupportRoleGql>>,
    /// Only Security Administrators (`true`) or only other contacts (`false`).
    pub security_administrator: Option<bool>,
}

impl From<ContactFilterInput> for ContactFilter {
    fn from(input: ContactFilterInput) -> Self {
        Self {
            statuses: super::distinct(input.statuses)
                .into_iter()
                .map(Into::into)
                .collect(),
            search: input.search,
            support_roles: super::distinct(input.support_roles)
                .into_iter()
                .map(Into::into)
                .collect(),
            security_admin: input.security_administrator,
        }
    }
}

/// What contacts can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactOrderField {
    /// Last name, then first name (ignoring case and accents).
    #[default]
    Name,
    /// E-mail address.
    Email,
    /// Date added.
    CreatedAt,
}

/// Ascending or descending.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Sort order of a contact list.
#[derive(InputObject, Debug, Default)]
pub struct ContactOrderInput {
    /// The value to sort by.
    #[graphql(default)]
    pub field: ContactOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ContactOrderInput> for ContactOrder {
    fn from(input: ContactOrderInput) -> Self {
        Self {
            field: match input.field {
                ContactOrderField::Name => ContactSortField::Name,
                ContactOrderField::Email => ContactSortField::Email,
                ContactOrderField::CreatedAt => ContactSortField::CreatedAt,
            },
            direction: match input.direction {
                OrderDirection::Asc => SortDirection::Asc,
                OrderDirection::Desc => SortDirection::Desc,
            },
        }
    }
}
