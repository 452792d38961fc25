//! Requests made the way a customer makes them, through the API: a complete form, saved as a
//! draft and submitted.

use serde_json::{Value, json};

use crate::app::TestApp;

/// A complete software-usage question with this title and urgency.
pub fn request_form(title: &str, urgency: &str) -> Value {
    json!({
        "category": "SOFTWARE_USAGE", "kind": "HOW_TO", "urgency": urgency, "title": title,
        "description": "What happens, since when, what we tried.", "product": "Iterop Design",
        "environment": { "module": "Design", "os": "Linux", "browser": "Firefox", "version": "4.2" },
    })
}

impl TestApp {
    /// Saves `form` as a draft of the session's person and submits it: its ID.
    pub async fn submitted_request(&self, token: &str, form: Value) -> String {
        let saved = self
            .graphql_as(
                Some(token),
                "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }",
                json!({ "i": { "form": form } }),
            )
            .await;
        let id = saved.ok()["saveRequestDraft"]["request"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let submitted = self
            .graphql_as(
                Some(token),
                "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { problems { field } } }",
                json!({ "i": { "requestId": id } }),
            )
            .await;
        assert_eq!(submitted.ok()["submitRequest"]["problems"], json!([]));
        id
    }
}
