//! GraphiQL, for developers opening `/graphql` in a browser (development profile only). It is
//! bundled with the web app (`web/graphiql.html`), so it works offline.

use axum::response::Response;
use http::HeaderMap;

/// The GraphiQL page.
pub async fn page(headers: &HeaderMap) -> Response {
    super::web::page("graphiql.html", headers).await
}
