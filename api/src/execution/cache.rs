//! Parsed documents by query text, and the documents already known to be valid.
//!
//! Clients send the same few documents again and again. Parsing one costs more than executing a
//! small query, so parsed documents are kept (the most recently used ones, small documents only).
//! A document whose operation has no variables validates the same way every time (validation
//! depends only on the document, the operation and the schema), so once it passed, later
//! requests skip re-validation; documents with variables are always validated, because their
//! variable values are checked there.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents longer than this are parsed every time.
const MAX_CACHED_QUERY_BYTES: usize = 8 * 1024;

#[derive(Clone)]
struct Entry {
    document: ExecutableDocument,
    /// Operation names (as requested) known to pass validation.
    validated: Vec<Option<String>>,
}

/// A bounded cache of parsed documents.
pub struct DocumentCache {
    entries: Mutex<LruCache<String, Entry>>,
}

impl DocumentCache {
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity.max(1)).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The parsed document of `query`, and whether it already passed validation for
    /// `operation`.
    pub fn get(&self, query: &str, operation: Option<&str>) -> Option<(ExecutableDocument, bool)> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(query)?;
        let validated = entry
            .validated
            .iter()
            .any(|name| name.as_deref() == operation);
        Some((entry.document.clone(), validated))
    }

    /// Keeps a freshly parsed document.
    pub fn insert(&self, query: &str, document: &ExecutableDocument) {
        if query.len() > MAX_CACHED_QUERY_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.contains(query) {
            entries.put(
                query.to_owned(),
                Entry {
                    document: document.clone(),
                    validated: Vec::new(),
                },
            );
        }
    }

    /// Remembers that `query` passed validation for `operation` (which has no variables).
    pub fn mark_validated(&self, query: &str, operation: Option<&str>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(query)
            && !entry
                .validated
                .iter()
                .any(|name| name.as_deref() == operation)
        {
            entry.validated.push(operation.map(str::to_owned));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn documents_are_kept_and_validation_is_remembered_per_operation() {
        let cache = DocumentCache::new(2);
        let query = "query A { a } query B { b }";
        assert!(cache.get(query, Some("A")).is_none());
        cache.insert(query, &parse_query(query).unwrap());
        assert_eq!(cache.get(query, Some("A")).map(|(_, v)| v), Some(false));
        cache.mark_validated(query, Some("A"));
        assert_eq!(cache.get(query, Some("A")).map(|(_, v)| v), Some(true));
        assert_eq!(cache.get(query, Some("B")).map(|(_, v)| v), Some(false));
    }

    #[test]
    fn the_cache_is_bounded_and_skips_large_documents() {
        let cache = DocumentCache::new(2);
        for query in ["{ a }", "{ b }", "{ c }"] {
            cache.insert(query, &parse_query(query).unwrap());
        }
        assert!(
            cache.get("{ a }", None).is_none(),
            "the least recently used entry went"
        );
        assert!(cache.get("{ c }", None).is_some());
        let large = format!("{{ a {} }}", " ".repeat(MAX_CACHED_QUERY_BYTES));
        cache.insert(&large, &parse_query(&large).unwrap());
        assert!(cache.get(&large, None).is_none());
    }
}
