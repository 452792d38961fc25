//! Support requests (SPEC §5): the form and its drafts, the lifecycle on both sides, messages,
//! history, watchers, notifications and the time-based rules.

pub mod access;
pub mod attachments;
pub mod form;
pub mod lifecycle;
pub mod notify;
pub mod repo;
pub mod service;
pub mod timers;

use entity::RequestState;
use sea_orm::ActiveEnum as _;

use self::lifecycle::{ActionKind, State};

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

/// The journal's name of an action, e.g. `REQUEST_CLARIFICATION_REQUESTED`.
pub fn audit_action(action: ActionKind) -> &'static str {
    match action {
        ActionKind::Submit => "REQUEST_SUBMITTED",
        ActionKind::RequestClarification => "REQUEST_CLARIFICATION_REQUESTED",
        ActionKind::Clarify => "REQUEST_CLARIFIED",
        ActionKind::PauseForExternal => "REQUEST_PAUSED",
        ActionKind::Resume => "REQUEST_RESUMED",
        ActionKind::SendToRnd => "REQUEST_SENT_TO_RND",
        ActionKind::CorrectionDelivered => "REQUEST_CORRECTION_DELIVERED",
        ActionKind::ProposeClosure => "REQUEST_CLOSURE_PROPOSED",
        ActionKind::Validate => "REQUEST_CLOSURE_VALIDATED",
        ActionKind::Refuse => "REQUEST_CLOSURE_REFUSED",
        ActionKind::AutoClose => "REQUEST_AUTO_CLOSED",
        ActionKind::Close => "REQUEST_CLOSED",
        ActionKind::Reopen => "REQUEST_REOPENED",
        ActionKind::AddMessage => "REQUEST_MESSAGE_ADDED",
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
    }
}
