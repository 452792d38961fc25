//! A request's history (SPEC §5: every state change and field edit, who, when, the comment):
//! what an entry records, with its kinds and actions as enums whose stored codes never change.

use entity::{RequestSide, RequestState};
use uuid::Uuid;

use super::action_code;
use super::lifecycle::ActionKind;
use crate::codes::stored_codes;

stored_codes! {
    /// What a history entry records (`RequestEvent.kind`).
    pub enum EventKind {
        StateChanged => "STATE_CHANGED",
        FieldChanged => "FIELD_CHANGED",
        Assigned => "ASSIGNED",
        WatcherAdded => "WATCHER_ADDED",
        WatcherRemoved => "WATCHER_REMOVED",
        ReminderSent => "REMINDER_SENT",
    }
}

stored_codes! {
    /// A history action that is not a lifecycle action.
    pub enum OtherAction {
        /// The first save of a draft.
        SaveDraft => "SAVE_DRAFT",
        ClosureReminder => "CLOSURE_REMINDER",
        ClarificationReminder => "CLARIFICATION_REMINDER",
    }
}

/// The action of a history entry (`RequestEvent.action`): a lifecycle action, or one of the
/// others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Lifecycle(ActionKind),
    Other(OtherAction),
}

impl EventAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Lifecycle(action) => action_code(action),
            Self::Other(other) => other.code(),
        }
    }
}

/// The field of an assignment entry; its values are contact IDs.
pub const ASSIGNEE_FIELD: &str = "assignee";
/// The field of watcher entries; their values are contact IDs.
pub const WATCHERS_FIELD: &str = "watchers";

/// Whether the values of `field` in history are contact IDs.
pub fn names_contacts(field: &str) -> bool {
    field == ASSIGNEE_FIELD || field == WATCHERS_FIELD
}

/// Who did something on a request; `None` fields for the system.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub account_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub side: RequestSide,
}

impl Author {
    pub const SYSTEM: Author = Author {
        account_id: None,
        contact_id: None,
        side: RequestSide::System,
    };
}

/// One history entry to write.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub action: Option<EventAction>,
    pub from_state: Option<RequestState>,
    pub to_state: Option<RequestState>,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub comment: Option<String>,
}

impl NewEvent {
    fn of(kind: EventKind) -> Self {
        Self {
            kind,
            action: None,
            from_state: None,
            to_state: None,
            field: None,
            before: None,
            after: None,
            comment: None,
        }
    }

    /// A state change by `action` (`from` is `None` for a new draft), with its text.
    pub fn state_change(
        action: EventAction,
        from: Option<RequestState>,
        to: RequestState,
        comment: Option<String>,
    ) -> Self {
        Self {
            action: Some(action),
            from_state: from,
            to_state: Some(to),
            comment,
            ..Self::of(EventKind::StateChanged)
        }
    }

    /// A form field edited: its values before and after, as JSON.
    pub fn field_change(field: String, before: String, after: String) -> Self {
        Self {
            field: Some(field),
            before: Some(before),
            after: Some(after),
            ..Self::of(EventKind::FieldChanged)
        }
    }

    /// An assignment from one agent (or nobody) to another.
    pub fn assigned(before: Option<Uuid>, after: Uuid) -> Self {
        Self {
            field: Some(ASSIGNEE_FIELD.to_owned()),
            before: before.map(|id| id.to_string()),
            after: Some(after.to_string()),
            ..Self::of(EventKind::Assigned)
        }
    }

    pub fn watcher_added(contact: Uuid) -> Self {
        Self {
            field: Some(WATCHERS_FIELD.to_owned()),
            after: Some(contact.to_string()),
            ..Self::of(EventKind::WatcherAdded)
        }
    }

    pub fn watcher_removed(contact: Uuid) -> Self {
        Self {
            field: Some(WATCHERS_FIELD.to_owned()),
            before: Some(contact.to_string()),
            ..Self::of(EventKind::WatcherRemoved)
        }
    }

    /// A reminder sent by the portal.
    pub fn reminder(which: OtherAction) -> Self {
        Self {
            action: Some(EventAction::Other(which)),
            ..Self::of(EventKind::ReminderSent)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_codes_are_distinct_from_each_other_and_from_lifecycle_actions() {
        assert!(crate::codes::distinct(
            EventKind::ALL.iter().map(|k| k.code())
        ));
        let actions = OtherAction::ALL
            .iter()
            .map(|a| a.code())
            .chain(ActionKind::ALL.into_iter().map(action_code));
        assert!(crate::codes::distinct(actions));
    }
}
