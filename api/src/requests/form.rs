//! The request form (SPEC §5): what a draft holds, the limits a saved draft must respect, and
//! the recap check that reports every missing or invalid field at once before submission.

use chrono::NaiveDate;
use entity::{RequestCategory, RequestKind, Urgency, request};
use sea_orm::ActiveEnum as _;
use sea_orm::ActiveValue::Set;
use serde_json::{Map, Value, json};

use crate::domain::Email;
use crate::error::{ApiError, InputReason};

/// Longest title accepted at submission.
pub const TITLE_MAX: usize = 200;
/// Longest description accepted at submission.
pub const DESCRIPTION_MAX: usize = 20_000;
/// Longest message, and longest text of a lifecycle action (a question, an answer, a reason, a
/// final answer).
pub const MESSAGE_MAX: usize = 20_000;
/// Longest short text (product, environment, reference).
pub const SHORT_MAX: usize = 200;
/// Longest tag.
pub const TAG_MAX: usize = 100;
/// Most extra addresses to notify.
pub const NOTIFY_MAX: usize = 20;
/// Most users a request can say are affected.
pub const AFFECTED_USERS_MAX: i32 = 10_000_000;

/// Hard limits of a saved draft, far above the form's: a draft keeps what the person typed,
/// but not without bound.
const DRAFT_TEXT_MAX: usize = 100_000;
const DRAFT_SHORT_MAX: usize = 2_000;
const DRAFT_NOTIFY_MAX: usize = 100;

/// Every field of the form; `None` is an empty field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestForm {
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
    pub started_on: Option<NaiveDate>,
    pub happened_before: Option<bool>,
    pub affected_users: Option<i32>,
    pub external_reference: Option<String>,
    pub tag: Option<String>,
    pub notify_emails: Vec<String>,
    pub follow_up: bool,
}

/// The text fields with their schema names and limits at submission.
fn texts(form: &RequestForm) -> [(&'static str, &Option<String>, usize); 9] {
    [
        ("title", &form.title, TITLE_MAX),
        ("description", &form.description, DESCRIPTION_MAX),
        ("product", &form.product, SHORT_MAX),
        ("environment.module", &form.environment_module, SHORT_MAX),
        ("environment.os", &form.environment_os, SHORT_MAX),
        ("environment.browser", &form.environment_browser, SHORT_MAX),
        ("environment.version", &form.environment_version, SHORT_MAX),
        ("externalReference", &form.external_reference, SHORT_MAX),
        ("tag", &form.tag, TAG_MAX),
    ]
}

fn problem(field: &str, reason: InputReason, message: impl Into<String>) -> ApiError {
    ApiError::bad_input(field, reason, message)
}

impl RequestForm {
    /// Trims texts (an empty text is an empty field) and drops blank or repeated addresses.
    pub fn normalised(mut self) -> Self {
        for text in [
            &mut self.title,
            &mut self.product,
            &mut self.environment_module,
            &mut self.environment_os,
            &mut self.environment_browser,
            &mut self.environment_version,
            &mut self.external_reference,
            &mut self.tag,
        ] {
            *text = text
                .take()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
        }
        // The description keeps its inner layout; only blank descriptions are empty.
        self.description = self.description.filter(|d| !d.trim().is_empty());
        let mut seen = std::collections::BTreeSet::new();
        self.notify_emails = self
            .notify_emails
            .into_iter()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty() && seen.insert(e.clone()))
            .collect();
        self
    }

    /// Refuses a draft too large to keep (the form's own limits wait for the check).
    pub fn within_draft_limits(&self) -> Result<(), ApiError> {
        for (field, value, _) in texts(self) {
            let max = if field == "description" {
                DRAFT_TEXT_MAX
            } else {
                DRAFT_SHORT_MAX
            };
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(problem(
                    field,
                    InputReason::TooLong,
                    format!("must be at most {max} characters"),
                ));
            }
        }
        if self.notify_emails.len() > DRAFT_NOTIFY_MAX
            || self.notify_emails.iter().any(|e| e.len() > 320)
        {
            return Err(problem(
                "notifyEmails",
                InputReason::TooLong,
                format!("at most {NOTIFY_MAX} addresses"),
            ));
        }
        Ok(())
    }

    /// The recap check: every missing or invalid field, in form order. Empty when the request
    /// can be submitted.
    pub fn problems(&self, today: NaiveDate) -> Vec<ApiError> {
        use InputReason::{InvalidFormat, OutOfRange, Required, TooLong};
        let mut problems = Vec::new();
        match (self.category, self.kind) {
            (None, _) => problems.push(problem("category", Required, "choose a category")),
            (Some(RequestCategory::SoftwareUsage), None) => problems.push(problem(
                "kind",
                Required,
                "a software usage request is an issue (bug) or a how-to question",
            )),
            (Some(RequestCategory::SoftwareUsage), Some(_)) | (Some(_), None) => {}
            (Some(_), Some(_)) => problems.push(problem(
                "kind",
                InvalidFormat,
                "only software usage requests have a kind",
            )),
        }
        if self.urgency.is_none() {
            problems.push(problem("urgency", Required, "choose an urgency"));
        }
        for (field, value, max) in texts(self) {
            match value {
                None if field == "title" || field == "description" => {
                    problems.push(problem(field, Required, "must not be empty"));
                }
                None => {}
                Some(text) => {
                    if text.chars().count() > max {
                        problems.push(problem(
                            field,
                            TooLong,
                            format!("must be at most {max} characters"),
                        ));
                    } else if field != "description" && text.chars().any(char::is_control) {
                        problems.push(problem(
                            field,
                            InvalidFormat,
                            "must not contain control characters",
                        ));
                    }
                }
            }
        }
        if self.started_on.is_some_and(|day| day > today) {
            problems.push(problem(
                "startedOn",
                OutOfRange,
                "must not be in the future",
            ));
        }
        if self
            .affected_users
            .is_some_and(|n| !(1..=AFFECTED_USERS_MAX).contains(&n))
        {
            problems.push(problem(
                "affectedUsers",
                OutOfRange,
                format!("must be between 1 and {AFFECTED_USERS_MAX}"),
            ));
        }
        if self.notify_emails.len() > NOTIFY_MAX {
            problems.push(problem(
                "notifyEmails",
                TooLong,
                format!("at most {NOTIFY_MAX} addresses"),
            ));
        }
        for address in &self.notify_emails {
            if Email::parse(address, "notifyEmails").is_err() {
                problems.push(problem(
                    "notifyEmails",
                    InvalidFormat,
                    format!("{address} is not an e-mail address"),
                ));
            }
        }
        problems
    }

    /// Writes the form into a request row.
    pub fn write(&self, row: &mut request::ActiveModel) {
        row.category = Set(self.category);
        row.kind = Set(self.kind);
        row.urgency = Set(self.urgency);
        row.title = Set(self.title.clone());
        row.description = Set(self.description.clone());
        row.product = Set(self.product.clone());
        row.environment_module = Set(self.environment_module.clone());
        row.environment_os = Set(self.environment_os.clone());
        row.environment_browser = Set(self.environment_browser.clone());
        row.environment_version = Set(self.environment_version.clone());
        row.regression = Set(self.regression);
        row.started_on = Set(self.started_on);
        row.happened_before = Set(self.happened_before);
        row.affected_users = Set(self.affected_users);
        row.external_reference = Set(self.external_reference.clone());
        row.tag = Set(self.tag.clone());
        row.notify_emails = Set(Value::from(self.notify_emails.clone()).to_string());
        row.follow_up = Set(self.follow_up);
    }

    /// The form a request row holds.
    pub fn of(row: &request::Model) -> Self {
        Self {
            category: row.category,
            kind: row.kind,
            urgency: row.urgency,
            title: row.title.clone(),
            description: row.description.clone(),
            product: row.product.clone(),
            environment_module: row.environment_module.clone(),
            environment_os: row.environment_os.clone(),
            environment_browser: row.environment_browser.clone(),
            environment_version: row.environment_version.clone(),
            regression: row.regression,
            started_on: row.started_on,
            happened_before: row.happened_before,
            affected_users: row.affected_users,
            external_reference: row.external_reference.clone(),
            tag: row.tag.clone(),
            notify_emails: notify_emails(row),
            follow_up: row.follow_up,
        }
    }

    /// The form as a JSON object keyed by schema field names (history and journal).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.to_owned(), value);
        };
        put("category", json!(self.category.map(|c| c.to_value())));
        put("kind", json!(self.kind.map(|k| k.to_value())));
        put("urgency", json!(self.urgency.map(|u| u.to_value())));
        for (field, value, _) in texts(self) {
            put(field, json!(value));
        }
        put("regression", json!(self.regression));
        put("startedOn", json!(self.started_on.map(|d| d.to_string())));
        put("happenedBefore", json!(self.happened_before));
        put("affectedUsers", json!(self.affected_users));
        put("notifyEmails", json!(self.notify_emails));
        put("followUp", json!(self.follow_up));
        map
    }

    /// The fields that differ between two forms: (field, before, after).
    pub fn changes(&self, after: &Self) -> Vec<(String, Value, Value)> {
        let before = self.to_json();
        let mut after = after.to_json();
        before
            .into_iter()
            .filter_map(|(field, old)| {
                let new = after.remove(&field).unwrap_or(Value::Null);
                (old != new).then_some((field, old, new))
            })
            .collect()
    }
}

/// `TOO_LONG` on `field` when `text` has more than `max` characters.
pub fn within(text: &str, max: usize, field: &str) -> Result<(), ApiError> {
    if text.chars().count() > max {
        return Err(problem(
            field,
            InputReason::TooLong,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// The extra addresses a request notifies.
pub fn notify_emails(row: &request::Model) -> Vec<String> {
    serde_json::from_str(&row.notify_emails).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    fn fields(problems: &[ApiError]) -> Vec<&str> {
        problems.iter().filter_map(ApiError::field).collect()
    }

    #[test]
    fn an_empty_draft_reports_every_required_field_at_once() {
        let problems = RequestForm::default().problems(today());
        assert_eq!(
            fields(&problems),
            ["category", "urgency", "title", "description"]
        );
    }

    #[test]
    fn the_check_reports_invalid_values_with_the_missing_ones() {
        let form = RequestForm {
            category: Some(RequestCategory::SoftwareUsage),
            title: Some("x".repeat(TITLE_MAX + 1)),
            started_on: today().succ_opt(),
            affected_users: Some(0),
            notify_emails: vec!["boss@example.com".into(), "not-an-address".into()],
            ..RequestForm::default()
        }
        .normalised();
        let problems = form.problems(today());
        assert_eq!(
            fields(&problems),
            [
                "kind",
                "urgency",
                "title",
                "description",
                "startedOn",
                "affectedUsers",
                "notifyEmails"
            ]
        );
    }

    #[test]
    fn kinds_belong_to_software_usage_only() {
        let mut form = RequestForm {
            category: Some(RequestCategory::LicenseKeys),
            kind: Some(RequestKind::Issue),
            urgency: Some(Urgency::Low),
            title: Some("Licence".into()),
            description: Some("Key expired".into()),
            ..RequestForm::default()
        };
        assert_eq!(fields(&form.problems(today())), ["kind"]);
        form.kind = None;
        assert!(form.problems(today()).is_empty());
        form.category = Some(RequestCategory::SoftwareUsage);
        form.kind = Some(RequestKind::HowTo);
        assert!(form.problems(today()).is_empty());
    }

    #[test]
    fn normalising_trims_texts_and_removes_repeated_addresses() {
        let form = RequestForm {
            title: Some("  Stock update  ".into()),
            tag: Some("   ".into()),
            notify_emails: vec!["A@Example.com ".into(), "a@example.com".into(), " ".into()],
            ..RequestForm::default()
        }
        .normalised();
        assert_eq!(form.title.as_deref(), Some("Stock update"));
        assert_eq!(form.tag, None);
        assert_eq!(form.notify_emails, ["a@example.com"]);
    }

    #[test]
    fn changes_name_the_fields_that_differ() {
        let before = RequestForm::default();
        let after = RequestForm {
            urgency: Some(Urgency::High),
            follow_up: true,
            ..RequestForm::default()
        };
        let changed: Vec<String> = before.changes(&after).into_iter().map(|c| c.0).collect();
        assert_eq!(changed, ["followUp", "urgency"]);
    }
}
