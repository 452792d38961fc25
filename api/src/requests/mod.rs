//! Support requests (SPEC §5): the form and its drafts, the lifecycle on both sides, messages,
//! history, watchers, attachments, notifications and the time-based rules.
//!
//! The rules are pure: `lifecycle` (who may do what in which state), `form` (what a draft holds
//! and what submission needs), `access` (who sees which request), `history` (what an entry
//! records). Each operation has its module (`drafts`, `transitions`, `messages`,
//! `assignment`, `edits`, `watchers`, `attachments`, `timers`) and runs in one transaction
//! built with `writing`; `reads` hands out what callers may see; `notify` decides who is
//! mailed; `repo` is the only code running queries on the request tables.

pub mod access;
mod assignment;
pub mod attachments;
pub mod batches;
mod drafts;
mod edits;
pub mod form;
pub mod history;
pub mod lifecycle;
mod messages;
mod notify;
pub mod projection;
pub mod queues;
mod reads;
pub mod repo;
pub mod timers;
mod transitions;
mod watchers;
mod writing;

pub use access::Visible;
pub use assignment::assign;
pub use drafts::{delete_draft, human_id, save_draft, submit};
pub use edits::{RequestEdit, update};
pub use entity::{RequestCategory, RequestKind, RequestSide, RequestState, Urgency};
pub use messages::add_message;
pub use queues::{QueueQuery, RequestFilter};
pub use reads::{
    allowed_actions, available_actions, count, find, find_by_human_id, history, list,
    message_attachments, messages, queue_counts, reopenable_until, submission_problems,
};
pub use transitions::transition;
pub use watchers::{add_watcher, remove_watcher};

use sea_orm::ActiveEnum as _;

use self::lifecycle::{ActionKind, State};
use crate::audit::AuditAction;

/// A request as stored.
pub type Request = entity::request::Model;
/// A message on a request.
pub type Message = entity::request_message::Model;
/// A file attached to a request or to one of its messages.
pub type Attachment = entity::request_attachment::Model;
/// An entry of a request's history.
pub type HistoryEntry = entity::request_event::Model;
/// Someone following a request.
pub type Watcher = entity::request_watcher::Model;

impl From<RequestState> for State {
    fn from(state: RequestState) -> Self {
        match state {
            RequestState::Draft => Self::Draft,
            RequestState::SupportAnalysis => Self::SupportAnalysis,
            RequestState::CustomerClarification => Self::CustomerClarification,
            RequestState::WaitingExternal => Self::WaitingExternal,
            RequestState::WaitingCorrection => Self::WaitingCorrection,
            RequestState::SolutionProposed => Self::SolutionProposed,
            RequestState::Closed => Self::Closed,
        }
    }
}

impl From<State> for RequestState {
    fn from(state: State) -> Self {
        match state {
            State::Draft => Self::Draft,
            State::SupportAnalysis => Self::SupportAnalysis,
            State::CustomerClarification => Self::CustomerClarification,
            State::WaitingExternal => Self::WaitingExternal,
            State::WaitingCorrection => Self::WaitingCorrection,
            State::SolutionProposed => Self::SolutionProposed,
            State::Closed => Self::Closed,
        }
    }
}

/// The stored and API name of a state, e.g. `SUPPORT_ANALYSIS`.
pub fn state_code(state: State) -> String {
    RequestState::from(state).to_value()
}

/// The stored and API name of an action, e.g. `REQUEST_CLARIFICATION`.
pub fn action_code(action: ActionKind) -> &'static str {
    match action {
        ActionKind::Submit => "SUBMIT",
        ActionKind::RequestClarification => "REQUEST_CLARIFICATION",
        ActionKind::Clarify => "CLARIFY",
        ActionKind::PauseForExternal => "PAUSE_FOR_EXTERNAL",
        ActionKind::Resume => "RESUME",
        ActionKind::SendToRnd => "SEND_TO_RND",
        ActionKind::CorrectionDelivered => "DELIVER_CORRECTION",
        ActionKind::ProposeClosure => "PROPOSE_CLOSURE",
        ActionKind::Validate => "VALIDATE_CLOSURE",
        ActionKind::Refuse => "REFUSE_CLOSURE",
        ActionKind::AutoClose => "AUTO_CLOSE",
        ActionKind::Close => "CLOSE",
        ActionKind::Reopen => "REOPEN",
        ActionKind::AddMessage => "ADD_MESSAGE",
    }
}

/// The journal's action for a lifecycle action.
pub fn audit_action(action: ActionKind) -> AuditAction {
    match action {
        ActionKind::Submit => AuditAction::RequestSubmitted,
        ActionKind::RequestClarification => AuditAction::RequestClarificationRequested,
        ActionKind::Clarify => AuditAction::RequestClarified,
        ActionKind::PauseForExternal => AuditAction::RequestPaused,
        ActionKind::Resume => AuditAction::RequestResumed,
        ActionKind::SendToRnd => AuditAction::RequestSentToRnd,
        ActionKind::CorrectionDelivered => AuditAction::RequestCorrectionDelivered,
        ActionKind::ProposeClosure => AuditAction::RequestClosureProposed,
        ActionKind::Validate => AuditAction::RequestClosureValidated,
        ActionKind::Refuse => AuditAction::RequestClosureRefused,
        ActionKind::AutoClose => AuditAction::RequestAutoClosed,
        ActionKind::Close => AuditAction::RequestClosed,
        ActionKind::Reopen => AuditAction::RequestReopened,
        ActionKind::AddMessage => AuditAction::RequestMessageAdded,
    }
}

/// The action named `code`, if any.
pub fn action_of_code(code: &str) -> Option<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .find(|action| action_code(*action) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_the_stored_enum() {
        for state in State::ALL {
            assert_eq!(State::from(RequestState::from(state)), state);
        }
        assert_eq!(state_code(State::SupportAnalysis), "SUPPORT_ANALYSIS");
    }

    #[test]
    fn action_codes_are_distinct_and_round_trip() {
        for action in ActionKind::ALL {
            assert_eq!(action_of_code(action_code(action)), Some(action));
        }
        let journal = ActionKind::ALL.into_iter().map(|a| audit_action(a).code());
        assert!(crate::codes::distinct(journal));
    }
}
