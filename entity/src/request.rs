//! `requests`: a support request (ticket) with its form fields and its lifecycle state.

use sea_orm::entity::prelude::*;

/// Where a request is in its lifecycle (SPEC §5).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum RequestState {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUPPORT_ANALYSIS")]
    SupportAnalysis,
    #[sea_orm(string_value = "CUSTOMER_CLARIFICATION")]
    CustomerClarification,
    #[sea_orm(string_value = "WAITING_EXTERNAL")]
    WaitingExternal,
    #[sea_orm(string_value = "WAITING_CORRECTION")]
    WaitingCorrection,
    #[sea_orm(string_value = "SOLUTION_PROPOSED")]
    SolutionProposed,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// What a request is about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum RequestCategory {
    /// Technical: using the software (with a kind: bug or question).
    #[sea_orm(string_value = "SOFTWARE_USAGE")]
    SoftwareUsage,
    #[sea_orm(string_value = "SOFTWARE_DOWNLOAD")]
    SoftwareDownload,
    #[sea_orm(string_value = "SOFTWARE_ORDERING")]
    SoftwareOrdering,
    #[sea_orm(string_value = "LICENSE_KEYS")]
    LicenseKeys,
    #[sea_orm(string_value = "CONTACT_MANAGEMENT")]
    ContactManagement,
    #[sea_orm(string_value = "CERTIFICATION_TRAINING")]
    CertificationTraining,
    #[sea_orm(string_value = "ADMINISTRATIVE_APPS")]
    AdministrativeApps,
}

/// The kind of a technical request.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RequestKind {
    /// A bug.
    #[sea_orm(string_value = "ISSUE")]
    Issue,
    /// A question.
    #[sea_orm(string_value = "HOW_TO")]
    HowTo,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Urgency {
    #[sea_orm(string_value = "LOW")]
    Low,
    #[sea_orm(string_value = "MEDIUM")]
    Medium,
    #[sea_orm(string_value = "HIGH")]
    High,
    #[sea_orm(string_value = "URGENT")]
    Urgent,
}

/// Which side acted or wrote.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RequestSide {
    #[sea_orm(string_value = "CUSTOMER")]
    Customer,
    #[sea_orm(string_value = "SUPPORT")]
    Support,
    /// The background job (auto-close, reminders).
    #[sea_orm(string_value = "SYSTEM")]
    System,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub requester_contact_id: Uuid,
    /// `SR-2026-000123`, given at submission.
    pub human_id: Option<String>,
    pub state: RequestState,
    pub category: Option<RequestCategory>,
    pub kind: Option<RequestKind>,
    pub urgency: Option<Urgency>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub product: Option<String>,
    pub environment_module: Option<String>,
    pub environment_os: Option<String>,
    pub environment_browser: Option<String>,
    pub environment_version: Option<String>,
    pub regression: bool,
    pub started_on: Option<Date>,
    pub happened_before: Option<bool>,
    pub affected_users: Option<i32>,
    pub external_reference: Option<String>,
    pub tag: Option<String>,
    /// JSON array of normalised e-mail addresses.
    pub notify_emails: String,
    /// Whether the requester wants mail about the request.
    pub follow_up: bool,
    pub assignee_contact_id: Option<Uuid>,
    /// Optimistic-locking version, bumped by every change.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub state_changed_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub first_response_at: Option<DateTimeUtc>,
    /// When a proposed solution closes by itself (SOLUTION_PROPOSED only).
    pub auto_close_at: Option<DateTimeUtc>,
    /// When the next reminder is due (closure or clarification).
    pub remind_at: Option<DateTimeUtc>,
    /// Human ID, title and description, lower-case without accents, for searching (written
    /// with the request; `None` only on rows from before it existed, until startup fills it).
    pub search_key: Option<String>,
    /// Seconds spent so far in the states that wait on the customer (clarification asked,
    /// solution proposed), counted at each state change.
    pub customer_wait_secs: i64,
    /// Seconds spent so far in the states that wait on support (analysis, waiting for external
    /// information, waiting for a correction), counted at each state change.
    pub support_wait_secs: i64,
    /// The closed request this one follows up, named when it was created.
    pub follow_up_of_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
