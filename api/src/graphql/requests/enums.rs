//! The request enums of the schema, mirroring the domain's.

use async_graphql::Enum;

/// Where a request is in its lifecycle.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestState", remote = "crate::requests::RequestState")]
pub enum RequestStateGql {
    /// Saved, not submitted; only its author sees it.
    Draft,
    /// With the support.
    SupportAnalysis,
    /// The support asked the customer a question.
    CustomerClarification,
    /// The support waits for external information.
    WaitingExternal,
    /// A bug sent to R&D, waiting for its correction.
    WaitingCorrection,
    /// The support proposed a solution; the customer validates or refuses it.
    SolutionProposed,
    /// Closed; it can be reopened within the company's reopen window.
    Closed,
}

/// What a request is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestCategory", remote = "crate::requests::RequestCategory")]
pub enum RequestCategoryGql {
    /// Technical: using the software (a bug or a question; see `kind`).
    SoftwareUsage,
    /// Downloading software.
    SoftwareDownload,
    /// Ordering software.
    SoftwareOrdering,
    /// Licence keys.
    LicenseKeys,
    /// Managing the company's contacts.
    ContactManagement,
    /// Certification and training.
    CertificationTraining,
    /// Administrative applications.
    AdministrativeApps,
}

/// The kind of a software usage request.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestKind", remote = "crate::requests::RequestKind")]
pub enum RequestKindGql {
    /// A bug.
    Issue,
    /// A how-to question.
    HowTo,
}

/// How urgent a request is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Urgency", remote = "crate::requests::Urgency")]
pub enum UrgencyGql {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Urgent: work is blocked.
    Urgent,
}

/// Which side wrote or acted.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestSide", remote = "crate::requests::RequestSide")]
pub enum RequestSideGql {
    /// The customer company.
    Customer,
    /// The support.
    Support,
    /// The portal itself (automatic closure, reminders).
    System,
}

/// A lifecycle action (SPEC §5).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(
    name = "RequestAction",
    remote = "crate::requests::lifecycle::ActionKind"
)]
pub enum RequestActionGql {
    /// Submit a draft (`submitRequest`).
    Submit,
    /// Agent: ask the customer a question (text required).
    RequestClarification,
    /// Customer: answer the support's question (text required).
    Clarify,
    /// Agent: pause while waiting for external information.
    PauseForExternal,
    /// Agent: resume the analysis.
    Resume,
    /// Agent: declare a bug and send it to R&D.
    SendToRnd,
    /// Agent: the correction is delivered; proposes the closure.
    #[graphql(name = "DELIVER_CORRECTION")]
    CorrectionDelivered,
    /// Agent: propose a solution and the closure (text required: the final answer).
    ProposeClosure,
    /// Customer: validate the proposed solution; closes the request.
    #[graphql(name = "VALIDATE_CLOSURE")]
    Validate,
    /// Customer: refuse the proposed solution (text required: the reason).
    #[graphql(name = "REFUSE_CLOSURE")]
    Refuse,
    /// The portal: close a proposed solution left unanswered.
    AutoClose,
    /// Close now (an agent must give the final answer as text).
    Close,
    /// Reopen a closed request within the reopen window.
    Reopen,
    /// Write a message without changing the state (`addRequestMessage`).
    AddMessage,
}
