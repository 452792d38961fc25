//! Cursor paging for Relay connections: `first` (1 to the configured maximum, never above 100)
//! and an opaque `after` cursor that encodes the sort key of the last row seen.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::PAGE_SIZE_CEILING;
use crate::error::{ApiError, ApiResult, InputReason};

/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// A validated request for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Checks `first` against `max` (itself capped at 100) and decodes `after`.
    pub fn parse(first: Option<i32>, after: Option<&str>, max: u64) -> ApiResult<Self> {
        let max = max.min(PAGE_SIZE_CEILING);
        let first = match first {
            None => DEFAULT_PAGE_SIZE.min(max),
            Some(n) => match u64::try_from(n) {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_input(
                        "first",
                        InputReason::OutOfRange,
                        format!("must be between 1 and {max}"),
                    ));
                }
            },
        };
        let after = after.map(Cursor::decode).transpose()?;
        Ok(Self { first, after })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

/// The position after which a page starts: the sort key values of a row, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(Vec<String>);

impl Cursor {
    pub fn new(parts: Vec<String>) -> Self {
        Self(parts)
    }

    pub fn parts(&self) -> &[String] {
        &self.0
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(&self.0).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(raw: &str) -> ApiResult<Self> {
        URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|json| serde_json::from_slice::<Vec<String>>(&json).ok())
            .map(Self)
            .ok_or_else(Self::invalid)
    }

    /// The error for a cursor that does not fit the list it is used with.
    pub fn invalid() -> ApiError {
        ApiError::bad_input("after", InputReason::InvalidFormat, "not a valid cursor")
    }
}

/// One page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(Cursor, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    /// Builds a page from up to `fetch_limit()` rows fetched in order.
    pub fn from_rows(
        request: &PageRequest,
        mut rows: Vec<T>,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> Self {
        let limit = usize::try_from(request.first).unwrap_or(usize::MAX);
        let has_next_page = rows.len() > limit;
        rows.truncate(limit);
        Self {
            items: rows.into_iter().map(|row| (cursor_of(&row), row)).collect(),
            has_next_page,
            has_previous_page: request.after.is_some(),
        }
    }

    /// A page with nothing in it.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }

    /// The same page with each item turned into another, cursors kept.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self
                .items
                .into_iter()
                .map(|(cursor, item)| (cursor, f(item)))
                .collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_and_is_bounded_by_the_configured_maximum_and_100() {
        assert_eq!(PageRequest::parse(None, None, 100).unwrap().first, 20);
        assert_eq!(PageRequest::parse(Some(100), None, 100).unwrap().first, 100);
        for bad in [0, -1, 101] {
            let err = PageRequest::parse(Some(bad), None, 100).unwrap_err();
            assert_eq!(err.field(), Some("first"));
        }
        assert!(PageRequest::parse(Some(100), None, 1000).is_ok());
        assert!(PageRequest::parse(Some(101), None, 1000).is_err());
        assert!(PageRequest::parse(Some(11), None, 10).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input_on_after() {
        let cursor = Cursor::new(vec!["durand jean".into(), "abc".into()]);
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        for bad in ["", "!!!", "bm90IGpzb24"] {
            let err = PageRequest::parse(None, Some(bad), 100).unwrap_err();
            assert_eq!(err.field(), Some("after"), "{bad}");
        }
    }

    #[test]
    fn a_page_knows_whether_more_rows_follow() {
        let request = PageRequest::parse(Some(2), None, 100).unwrap();
        let page = Page::from_rows(&request, vec![1, 2, 3], |n| {
            Cursor::new(vec![n.to_string()])
        });
        assert_eq!(page.items.len(), 2);
        assert!(page.has_next_page);
        assert!(!page.has_previous_page);
        let page = Page::from_rows(&request, vec![1], |n| Cursor::new(vec![n.to_string()]));
        assert!(!page.has_next_page);
    }
}
