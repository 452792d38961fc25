//! What subscribers made of one event, kept with the event: thousands of subscriptions with the
//! same document and variables receive the same update of an event they all see, so the first
//! one to render it renders it for all, and the render goes when the event does (once every
//! subscriber took it). A render is kept by key and type: the resolved value
//! (`graphql::shared`) and the message sent (`graphql::direct`) are two renders of one key.
//!
//! This holds because what a subscriber is given of an event ([`super::Follow::pick`]) depends
//! on the event alone, never on who they are: whether they see it at all is what they decide.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex};

/// Names a document, its operation and its variables: renders under one key are equal. Made by
/// the transport from a hash with a key of its own, so nobody can make two documents collide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderKey(pub [u64; 2]);

type Render = (RenderKey, TypeId, Arc<dyn Any + Send + Sync>);

/// The renders of one event, by key.
#[derive(Default)]
pub struct Renders(Mutex<Vec<Render>>);

impl Renders {
    /// The `V` kept under `key` (copied outside the lock: every subscriber of the event takes
    /// it at about the same moment).
    pub fn get<V: Clone + 'static>(&self, key: RenderKey) -> Option<V> {
        let kind = TypeId::of::<V>();
        let render = {
            let renders = self.0.lock().ok()?;
            let (_, _, render) = renders.iter().find(|(k, t, _)| *k == key && *t == kind)?;
            Arc::clone(render)
        };
        render.downcast_ref::<V>().cloned()
    }

    /// Keeps `render` under `key` (the first `V` kept stays).
    pub fn keep<V: Send + Sync + 'static>(&self, key: RenderKey, render: V) {
        let Ok(mut renders) = self.0.lock() else {
            return;
        };
        let kind = TypeId::of::<V>();
        if !renders.iter().any(|(k, t, _)| *k == key && *t == kind) {
            renders.push((key, kind, Arc::new(render)));
        }
    }
}

/// A copy of an event starts with no render.
impl Clone for Renders {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for Renders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.0.lock().map(|r| r.len()).unwrap_or_default();
        write!(f, "Renders({kept})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_is_found_under_its_key_and_type_only() {
        let renders = Renders::default();
        let (a, b) = (RenderKey([1, 2]), RenderKey([1, 3]));
        renders.keep(a, String::from("first"));
        renders.keep(a, String::from("second"));
        assert_eq!(renders.get::<String>(a).as_deref(), Some("first"));
        assert_eq!(renders.get::<String>(b), None);
        assert_eq!(renders.get::<u32>(a), None);
        renders.keep(a, 7_u32);
        assert_eq!(
            renders.get::<u32>(a),
            Some(7),
            "another type under the same key"
        );
        assert_eq!(renders.get::<String>(a).as_deref(), Some("first"));
        assert_eq!(renders.clone().get::<String>(a), None);
    }
}
