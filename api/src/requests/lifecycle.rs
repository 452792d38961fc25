//! The request lifecycle of SPEC §5 as a pure, synchronous state machine. Services call
//! [`decide`] inside the transaction that applies its outcome.
//!
//! Every (state, action) pair is decided in one exhaustive `match` without wildcard on either
//! side: adding a state or an action does not compile until each of its cells is decided.

use chrono::{DateTime, Duration, Utc};

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Draft,
    SupportAnalysis,
    CustomerClarification,
    WaitingExternal,
    WaitingCorrection,
    SolutionProposed,
    Closed,
}

impl State {
    pub const ALL: [State; 7] = [
        Self::Draft,
        Self::SupportAnalysis,
        Self::CustomerClarification,
        Self::WaitingExternal,
        Self::WaitingCorrection,
        Self::SolutionProposed,
        Self::Closed,
    ];

    /// Submitted and not closed.
    pub fn is_open(self) -> bool {
        match self {
            Self::SupportAnalysis
            | Self::CustomerClarification
            | Self::WaitingExternal
            | Self::WaitingCorrection
            | Self::SolutionProposed => true,
            Self::Draft | Self::Closed => false,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The requester or a team member of the customer company.
    Customer,
    /// Provider staff (agents and managers).
    Agent,
    /// The background job (auto-close).
    System,
}

/// What is asked, without its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    Submit,
    RequestClarification,
    Clarify,
    PauseForExternal,
    Resume,
    SendToRnd,
    CorrectionDelivered,
    ProposeClosure,
    Validate,
    Refuse,
    AutoClose,
    Close,
    Reopen,
    AddMessage,
}

impl ActionKind {
    pub const ALL: [ActionKind; 14] = [
        Self::Submit,
        Self::RequestClarification,
        Self::Clarify,
        Self::PauseForExternal,
        Self::Resume,
        Self::SendToRnd,
        Self::CorrectionDelivered,
        Self::ProposeClosure,
        Self::Validate,
        Self::Refuse,
        Self::AutoClose,
        Self::Close,
        Self::Reopen,
        Self::AddMessage,
    ];
}

/// An action with the text it carries (a question, an answer, a reason, a final answer or a
/// message), if any.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    pub kind: ActionKind,
    pub text: Option<&'a str>,
}

/// The facts time-based rules need.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: DateTime<Utc>,
    /// When the request was closed, for the reopen window.
    pub closed_at: Option<DateTime<Utc>>,
    /// The company's reopen window.
    pub reopen_window: Duration,
}

impl Clock {
    /// Until when a closed request can be reopened; `None` while it is not closed.
    pub fn reopenable_until(&self) -> Option<DateTime<Utc>> {
        self.closed_at
            .map(|closed_at| closed_at + self.reopen_window)
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not possible in this state, or not for this side: the actions this side may take now.
    NotAllowed {
        state: State,
        allowed: Vec<ActionKind>,
    },
    /// The action needs a text (a question, an answer, a reason, a final answer, a message).
    TextRequired,
    /// A closed request can no longer be reopened.
    ReopenWindowOver { closed_at: DateTime<Utc> },
}

/// What deciding an action gives: the next state (equal to the current one for a message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub to: State,
}

/// Who may do what in each state, and where it leads (`None`: not allowed). The one place
/// where the lifecycle table lives.
fn cell(state: State, action: ActionKind, side: Side) -> Option<State> {
    use ActionKind as A;
    use Side::{Agent, Customer, System};
    use State as S;
    let customer = side == Customer;
    let agent = side == Agent;
    let system = side == System;
    let to = |allowed: bool, to: State| allowed.then_some(to);
    match state {
        S::Draft => match action {
            A::Submit => to(customer, S::SupportAnalysis),
            A::RequestClarification
            | A::Clarify
            | A::PauseForExternal
            | A::Resume
            | A::SendToRnd
            | A::CorrectionDelivered
            | A::ProposeClosure
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Close
            | A::Reopen
            | A::AddMessage => None,
        },
        S::SupportAnalysis => match action {
            A::RequestClarification => to(agent, S::CustomerClarification),
            A::PauseForExternal => to(agent, S::WaitingExternal),
            A::SendToRnd => to(agent, S::WaitingCorrection),
            A::ProposeClosure => to(agent, S::SolutionProposed),
            A::Close => to(customer || agent, S::Closed),
            A::AddMessage => to(customer || agent, S::SupportAnalysis),
            A::Submit
            | A::Clarify
            | A::Resume
            | A::CorrectionDelivered
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Reopen => None,
        },
        S::CustomerClarification => match action {
            A::Clarify => to(customer, S::SupportAnalysis),
            A::Close => to(customer || agent, S::Closed),
            A::AddMessage => to(customer || agent, S::CustomerClarification),
            A::Submit
            | A::RequestClarification
            | A::PauseForExternal
            | A::Resume
            | A::SendToRnd
            | A::CorrectionDelivered
            | A::ProposeClosure
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Reopen => None,
        },
        S::WaitingExternal => match action {
            A::RequestClarification => to(agent, S::CustomerClarification),
            A::Resume => to(agent, S::SupportAnalysis),
            A::ProposeClosure => to(agent, S::SolutionProposed),
            A::Close => to(customer || agent, S::Closed),
            A::AddMessage => to(customer || agent, S::WaitingExternal),
            A::Submit
            | A::Clarify
            | A::PauseForExternal
            | A::SendToRnd
            | A::CorrectionDelivered
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Reopen => None,
        },
        S::WaitingCorrection => match action {
            A::RequestClarification => to(agent, S::CustomerClarification),
            A::CorrectionDelivered => to(agent, S::SolutionProposed),
            A::Close => to(customer || agent, S::Closed),
            A::AddMessage => to(customer || agent, S::WaitingCorrection),
            A::Submit
            | A::Clarify
            | A::PauseForExternal
            | A::Resume
            | A::SendToRnd
            | A::ProposeClosure
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Reopen => None,
        },
        S::SolutionProposed => match action {
            A::Validate => to(customer, S::Closed),
            A::Refuse => to(customer, S::SupportAnalysis),
            A::AutoClose => to(system, S::Closed),
            A::Close => to(customer || agent, S::Closed),
            A::AddMessage => to(customer || agent, S::SolutionProposed),
            A::Submit
            | A::RequestClarification
            | A::Clarify
            | A::PauseForExternal
            | A::Resume
            | A::SendToRnd
            | A::CorrectionDelivered
            | A::ProposeClosure
            | A::Reopen => None,
        },
        S::Closed => match action {
            A::Reopen => to(customer || agent, S::SupportAnalysis),
            A::Submit
            | A::RequestClarification
            | A::Clarify
            | A::PauseForExternal
            | A::Resume
            | A::SendToRnd
            | A::CorrectionDelivered
            | A::ProposeClosure
            | A::Validate
            | A::Refuse
            | A::AutoClose
            | A::Close
            | A::AddMessage => None,
        },
    }
}

/// Whether the action needs a text from this side: a question, an answer, a refusal's reason,
/// an agent's final answer, a message.
pub fn needs_text(action: ActionKind, side: Side) -> bool {
    use ActionKind as A;
    match action {
        A::RequestClarification | A::Clarify | A::Refuse | A::ProposeClosure | A::AddMessage => {
            true
        }
        A::Close => side == Side::Agent,
        A::Submit
        | A::PauseForExternal
        | A::Resume
        | A::SendToRnd
        | A::CorrectionDelivered
        | A::Validate
        | A::AutoClose
        | A::Reopen => false,
    }
}

/// The actions `side` may take in `state`, in a stable order.
pub fn allowed(state: State, side: Side) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|action| cell(state, *action, side).is_some())
        .collect()
}

/// Decides `action` by `side` on a request in `state`.
pub fn decide(
    state: State,
    action: Action<'_>,
    side: Side,
    clock: &Clock,
) -> Result<Decision, Refusal> {
    let Some(to) = cell(state, action.kind, side) else {
        return Err(Refusal::NotAllowed {
            state,
            allowed: allowed(state, side),
        });
    };
    let has_text = action.text.is_some_and(|t| !t.trim().is_empty());
    if needs_text(action.kind, side) && !has_text {
        return Err(Refusal::TextRequired);
    }
    if action.kind == ActionKind::Reopen
        && let (Some(closed_at), Some(until)) = (clock.closed_at, clock.reopenable_until())
        && clock.now > until
    {
        return Err(Refusal::ReopenWindowOver { closed_at });
    }
    Ok(Decision { to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActionKind as A;
    use Side::{Agent, Customer, System};
    use State as S;

    fn clock() -> Clock {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        Clock {
            now,
            closed_at: Some(now - Duration::days(1)),
            reopen_window: Duration::days(183),
        }
    }

    /// The lifecycle table of SPEC §5, written out independently of [`cell`]: every allowed
    /// (state, action, side) and where it leads. Every other cell must be refused.
    const ALLOWED: &[(State, ActionKind, Side, State)] = &[
        (S::Draft, A::Submit, Customer, S::SupportAnalysis),
        // Request clarification: agent, from analysis and both waiting states.
        (
            S::SupportAnalysis,
            A::RequestClarification,
            Agent,
            S::CustomerClarification,
        ),
        (
            S::WaitingExternal,
            A::RequestClarification,
            Agent,
            S::CustomerClarification,
        ),
        (
            S::WaitingCorrection,
            A::RequestClarification,
            Agent,
            S::CustomerClarification,
        ),
        (
            S::CustomerClarification,
            A::Clarify,
            Customer,
            S::SupportAnalysis,
        ),
        (
            S::SupportAnalysis,
            A::PauseForExternal,
            Agent,
            S::WaitingExternal,
        ),
        (S::WaitingExternal, A::Resume, Agent, S::SupportAnalysis),
        (
            S::SupportAnalysis,
            A::SendToRnd,
            Agent,
            S::WaitingCorrection,
        ),
        (
            S::WaitingCorrection,
            A::CorrectionDelivered,
            Agent,
            S::SolutionProposed,
        ),
        (
            S::SupportAnalysis,
            A::ProposeClosure,
            Agent,
            S::SolutionProposed,
        ),
        (
            S::WaitingExternal,
            A::ProposeClosure,
            Agent,
            S::SolutionProposed,
        ),
        (S::SolutionProposed, A::Validate, Customer, S::Closed),
        (S::SolutionProposed, A::Refuse, Customer, S::SupportAnalysis),
        (S::SolutionProposed, A::AutoClose, System, S::Closed),
        // Close: any open state, customer or agent.
        (S::SupportAnalysis, A::Close, Customer, S::Closed),
        (S::SupportAnalysis, A::Close, Agent, S::Closed),
        (S::CustomerClarification, A::Close, Customer, S::Closed),
        (S::CustomerClarification, A::Close, Agent, S::Closed),
        (S::WaitingExternal, A::Close, Customer, S::Closed),
        (S::WaitingExternal, A::Close, Agent, S::Closed),
        (S::WaitingCorrection, A::Close, Customer, S::Closed),
        (S::WaitingCorrection, A::Close, Agent, S::Closed),
        (S::SolutionProposed, A::Close, Customer, S::Closed),
        (S::SolutionProposed, A::Close, Agent, S::Closed),
        (S::Closed, A::Reopen, Customer, S::SupportAnalysis),
        (S::Closed, A::Reopen, Agent, S::SupportAnalysis),
        // Add message: every open state, both sides, the state stays.
        (
            S::SupportAnalysis,
            A::AddMessage,
            Customer,
            S::SupportAnalysis,
        ),
        (S::SupportAnalysis, A::AddMessage, Agent, S::SupportAnalysis),
        (
            S::CustomerClarification,
            A::AddMessage,
            Customer,
            S::CustomerClarification,
        ),
        (
            S::CustomerClarification,
            A::AddMessage,
            Agent,
            S::CustomerClarification,
        ),
        (
            S::WaitingExternal,
            A::AddMessage,
            Customer,
            S::WaitingExternal,
        ),
        (S::WaitingExternal, A::AddMessage, Agent, S::WaitingExternal),
        (
            S::WaitingCorrection,
            A::AddMessage,
            Customer,
            S::WaitingCorrection,
        ),
        (
            S::WaitingCorrection,
            A::AddMessage,
            Agent,
            S::WaitingCorrection,
        ),
        (
            S::SolutionProposed,
            A::AddMessage,
            Customer,
            S::SolutionProposed,
        ),
        (
            S::SolutionProposed,
            A::AddMessage,
            Agent,
            S::SolutionProposed,
        ),
    ];

    #[test]
    fn every_state_action_and_side_is_decided_as_the_table_says() {
        let mut checked = 0;
        for state in State::ALL {
            for action in ActionKind::ALL {
                for side in [Customer, Agent, System] {
                    let expected = ALLOWED
                        .iter()
                        .find(|(s, a, who, _)| *s == state && *a == action && *who == side)
                        .map(|(_, _, _, to)| *to);
                    let decided = decide(
                        state,
                        Action {
                            kind: action,
                            text: Some("a text"),
                        },
                        side,
                        &clock(),
                    );
                    match (expected, decided) {
                        (Some(to), Ok(decision)) => assert_eq!(decision.to, to),
                        (None, Err(Refusal::NotAllowed { state: s, allowed })) => {
                            assert_eq!(s, state);
                            assert!(!allowed.contains(&action));
                        }
                        (expected, decided) => {
                            panic!(
                                "{state:?} {action:?} by {side:?}: expected {expected:?}, got {decided:?}"
                            )
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 14 * 3);
    }

    #[test]
    fn refusals_name_the_state_and_what_this_side_may_do() {
        let refused = decide(
            S::CustomerClarification,
            Action {
                kind: A::ProposeClosure,
                text: Some("done"),
            },
            Agent,
            &clock(),
        );
        assert_eq!(
            refused,
            Err(Refusal::NotAllowed {
                state: S::CustomerClarification,
                allowed: vec![A::Close, A::AddMessage],
            })
        );
        assert_eq!(
            allowed(S::CustomerClarification, Customer),
            [A::Clarify, A::Close, A::AddMessage]
        );
        assert!(
            allowed(S::Draft, Agent).is_empty(),
            "drafts are the author's only"
        );
    }

    #[test]
    fn questions_reasons_answers_and_messages_need_a_text() {
        for (state, kind, side) in [
            (S::SupportAnalysis, A::RequestClarification, Agent),
            (S::CustomerClarification, A::Clarify, Customer),
            (S::SolutionProposed, A::Refuse, Customer),
            (S::SupportAnalysis, A::ProposeClosure, Agent),
            (S::SupportAnalysis, A::Close, Agent),
            (S::WaitingExternal, A::AddMessage, Customer),
        ] {
            for text in [None, Some(""), Some("  \n ")] {
                let decided = decide(state, Action { kind, text }, side, &clock());
                assert_eq!(decided, Err(Refusal::TextRequired), "{kind:?} {text:?}");
            }
        }
        // A customer closes without a final answer; validating needs none either.
        let close = Action {
            kind: A::Close,
            text: None,
        };
        assert!(decide(S::SupportAnalysis, close, Customer, &clock()).is_ok());
        let validate = Action {
            kind: A::Validate,
            text: None,
        };
        assert!(decide(S::SolutionProposed, validate, Customer, &clock()).is_ok());
    }

    #[test]
    fn reopening_is_allowed_until_the_window_ends() {
        let reopen = Action {
            kind: A::Reopen,
            text: None,
        };
        let mut at = clock();
        let closed_at = at.now;
        at.closed_at = Some(closed_at);
        at.now = closed_at + Duration::days(183);
        assert!(decide(S::Closed, reopen, Customer, &at).is_ok(), "last day");
        at.now += Duration::seconds(1);
        assert_eq!(
            decide(S::Closed, reopen, Agent, &at),
            Err(Refusal::ReopenWindowOver { closed_at })
        );
    }

    #[test]
    fn a_message_never_changes_the_state() {
        for state in State::ALL.into_iter().filter(|s| s.is_open()) {
            for side in [Customer, Agent] {
                let message = Action {
                    kind: A::AddMessage,
                    text: Some("hello"),
                };
                assert_eq!(
                    decide(state, message, side, &clock()).map(|d| d.to),
                    Ok(state)
                );
            }
        }
    }
}
