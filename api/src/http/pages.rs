//! The pages mail links open: choose a password from a set-up or reset link. The token is in
//! the URL fragment, which browsers never send to servers, so it reaches neither logs nor
//! `Referer` headers; the page posts it to `/graphql` as JSON.

use axum::response::{Html, IntoResponse, Response};
use http::header::{CACHE_CONTROL, HeaderName};

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>{title}</h1>
<form id="f"><label>New password (12 to 128 characters)<br>
<input id="p" type="password" autocomplete="new-password" minlength="12" maxlength="128" required></label>
<p><button>Save</button></p></form><p id="m" role="status"></p>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/graphql", {method: "POST",
    headers: {"content-type": "application/json", "accept": "application/graphql-response+json"},
    body: JSON.stringify({query: "mutation($i: LinkPasswordInput!) { r: {mutation}(input: $i) { done problems { field message } } }",
      variables: {i: {token, password: document.getElementById("p").value}}})});
  const body = await res.json();
  const r = body.data && body.data.r;
  document.getElementById("m").textContent = r && r.done
    ? "Your password is saved. You can now log in."
    : (r ? r.problems.map(p => p.message).join(" ") : "Something went wrong; try again.");
});
</script></body></html>"#;

fn page(title: &str, mutation: &str) -> Response {
    let html = PAGE
        .replace("{title}", title)
        .replace("{mutation}", mutation);
    (
        [
            (CACHE_CONTROL, "no-store"),
            (HeaderName::from_static("referrer-policy"), "no-referrer"),
            (
                HeaderName::from_static("content-security-policy"),
                "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
            ),
        ],
        Html(html),
    )
        .into_response()
}

/// `GET /account/setup`: the welcome link.
pub async fn setup() -> Response {
    page("Choose your password", "activateAccount")
}

/// `GET /account/reset`: the password reset link.
pub async fn reset() -> Response {
    page("Choose a new password", "resetPassword")
}
