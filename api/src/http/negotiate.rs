//! Content negotiation for GraphQL over HTTP.

use http::HeaderMap;
use http::header::{ACCEPT, CONTENT_TYPE};

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The media type a response is encoded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/graphql-response+json`: full range of status codes.
    GraphqlResponseJson,
    /// `application/json`, for legacy clients: 2xx responses use this media type.
    Json,
}

impl ResponseMedia {
    /// The `Content-Type` of a response with this status: per the specification, only 2xx
    /// responses to legacy clients use `application/json`.
    pub fn content_type(self, success: bool) -> &'static str {
        match (self, success) {
            (Self::Json, true) => "application/json; charset=utf-8",
            _ => "application/graphql-response+json; charset=utf-8",
        }
    }
}

struct MediaRange<'a> {
    essence: &'a str,
    q: f32,
}

fn parse_accept(value: &str) -> Vec<MediaRange<'_>> {
    value
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let essence = pieces.next()?.trim();
            if essence.is_empty() {
                return None;
            }
            let q = pieces
                .filter_map(|param| {
                    let (key, value) = param.split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| value.trim().parse::<f32>().ok())?
                })
                .next()
                .unwrap_or(1.0);
            Some(MediaRange { essence, q })
        })
        .collect()
}

/// The quality the client gives `media`: from the most specific matching range.
fn quality(ranges: &[MediaRange<'_>], media: &str) -> Option<(f32, bool)> {
    let exact = ranges
        .iter()
        .find(|r| r.essence.eq_ignore_ascii_case(media));
    if let Some(range) = exact {
        return Some((range.q, true));
    }
    let kind = media.split('/').next().unwrap_or_default();
    let wildcard = ranges
        .iter()
        .find(|r| {
            r.essence
                .strip_suffix("/*")
                .is_some_and(|t| t.eq_ignore_ascii_case(kind))
        })
        .or_else(|| ranges.iter().find(|r| r.essence == "*/*"));
    wildcard.map(|range| (range.q, false))
}

/// Chooses the response media type from `Accept`; `None` means 406 Not Acceptable.
///
/// Without `Accept` the client is treated as legacy (`application/json`). A wildcard alone
/// also gets `application/json`, which every client understands.
pub fn negotiate(headers: &HeaderMap) -> Option<ResponseMedia> {
    let Some(accept) = headers.get(ACCEPT) else {
        return Some(ResponseMedia::Json);
    };
    let accept = accept.to_str().ok()?;
    if accept.trim().is_empty() {
        return Some(ResponseMedia::Json);
    }
    let ranges = parse_accept(accept);
    let gql = quality(&ranges, GRAPHQL_RESPONSE_JSON).filter(|(q, _)| *q > 0.0);
    let json = quality(&ranges, JSON).filter(|(q, _)| *q > 0.0);
    match (gql, json) {
        (Some((gq, true)), Some((jq, _))) if gq >= jq => Some(ResponseMedia::GraphqlResponseJson),
        (Some((gq, false)), Some((jq, _))) if gq > jq => Some(ResponseMedia::GraphqlResponseJson),
        (Some(_), Some(_)) => Some(ResponseMedia::Json),
        // JSON was refused: only our own media type is left.
        (Some(_), None) => Some(ResponseMedia::GraphqlResponseJson),
        (None, Some(_)) => Some(ResponseMedia::Json),
        (None, None) => None,
    }
}

/// Whether the client prefers an HTML page (a browser opening the endpoint).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(parse_accept)
        .is_some_and(|ranges| {
            ranges
                .iter()
                .any(|r| r.essence.eq_ignore_ascii_case("text/html") && r.q > 0.0)
        })
}

/// Why a POST body's `Content-Type` is refused (415).
#[derive(Debug, PartialEq, Eq)]
pub enum ContentTypeError {
    Missing,
    Unsupported,
}

/// Accepts `application/json` in UTF-8 (the only request encoding this endpoint reads).
pub fn check_json_content_type(headers: &HeaderMap) -> Result<(), ContentTypeError> {
    let value = headers
        .get(CONTENT_TYPE)
        .ok_or(ContentTypeError::Missing)?
        .to_str()
        .map_err(|_| ContentTypeError::Unsupported)?;
    let mut pieces = value.split(';');
    let essence = pieces.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case(JSON) {
        return Err(ContentTypeError::Unsupported);
    }
    for param in pieces {
        if let Some((key, value)) = param.split_once('=')
            && key.trim().eq_ignore_ascii_case("charset")
            && !value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        {
            return Err(ContentTypeError::Unsupported);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn accept(value: Option<&str>) -> Option<ResponseMedia> {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        negotiate(&headers)
    }

    #[test]
    fn the_highest_priority_supported_media_type_wins() {
        use ResponseMedia::*;
        let cases = [
            (None, Some(Json)),
            (
                Some("application/graphql-response+json"),
                Some(GraphqlResponseJson),
            ),
            (Some("application/json"), Some(Json)),
            (
                Some("application/graphql-response+json, application/json;q=0.9"),
                Some(GraphqlResponseJson),
            ),
            (
                Some("application/json, application/graphql-response+json;q=0.5"),
                Some(Json),
            ),
            (
                Some("application/json;q=0.5, application/graphql-response+json"),
                Some(GraphqlResponseJson),
            ),
            (Some("*/*"), Some(Json)),
            (Some("application/*"), Some(Json)),
            (Some("text/html, */*;q=0.8"), Some(Json)),
            (Some("text/html"), None),
            (Some("application/json;q=0"), None),
            (
                Some("application/graphql-response+json;q=0, */*"),
                Some(Json),
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(accept(header), expected, "{header:?}");
        }
    }

    #[test]
    fn only_utf8_json_request_bodies_are_read() {
        let check = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            }
            check_json_content_type(&headers)
        };
        assert_eq!(check(Some("application/json")), Ok(()));
        assert_eq!(check(Some("Application/JSON; charset=UTF-8")), Ok(()));
        assert_eq!(check(None), Err(ContentTypeError::Missing));
        for refused in [
            "application/json; charset=latin1",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/graphql",
        ] {
            assert_eq!(
                check(Some(refused)),
                Err(ContentTypeError::Unsupported),
                "{refused}"
            );
        }
    }
}
