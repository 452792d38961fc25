//! Following the console's tile counts: recounted from the kept counts (one or two small
//! reads) after the changes the subscriber sees, and sent when they changed.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use super::{RequestWatch, request_events};
use crate::auth::login;
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::requests;
use crate::requests::queues::{Queue, Scope};

/// How many requests each queue holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileCounts([i64; 6]);

impl TileCounts {
    /// The requests of `queue`.
    pub fn of(&self, queue: Queue) -> i64 {
        let at = Queue::ALL.iter().position(|q| *q == queue);
        at.and_then(|at| self.0.get(at))
            .copied()
            .unwrap_or_default()
    }
}

async fn count(deps: &Deps, token: Option<&str>, scope: Option<Scope>) -> ApiResult<TileCounts> {
    let worker = login::authenticate(deps, token).await?.request_worker()?;
    let counts = requests::queue_counts(deps, &worker, scope).await?;
    Ok(TileCounts(Queue::ALL.map(|queue| counts.of(queue))))
}

struct Tiles {
    deps: Arc<Deps>,
    token: Option<String>,
    scope: Option<Scope>,
    changes: Pin<Box<dyn Stream<Item = Vec<ApiResult<()>>> + Send>>,
    /// The counts last sent; `None` before the first.
    sent: Option<TileCounts>,
    ended: bool,
}

impl Tiles {
    /// The counts at once, then each time they moved.
    async fn next(&mut self) -> Option<ApiResult<TileCounts>> {
        while !self.ended {
            if self.sent.is_some() {
                // Changes that arrived together are counted once.
                let changes = self.changes.next().await?;
                if let Some(Err(err)) = changes.into_iter().find(Result::is_err) {
                    self.ended = true;
                    return Some(Err(err));
                }
            }
            match count(&self.deps, self.token.as_deref(), self.scope).await {
                Ok(counts) if Some(counts) == self.sent => {}
                Ok(counts) => {
                    self.sent = Some(counts);
                    return Some(Ok(counts));
                }
                Err(err) => {
                    self.ended = true;
                    return Some(Err(err));
                }
            }
        }
        None
    }
}

/// The tile counts of the session of `token` in `scope`: at once, then after every change
/// that moved them. Refused and ended as [`request_events`] are.
pub async fn tile_counts(
    deps: &Arc<Deps>,
    token: Option<String>,
    scope: Option<Scope>,
) -> ApiResult<impl Stream<Item = ApiResult<TileCounts>> + use<>> {
    let watch = RequestWatch {
        scope,
        ..RequestWatch::default()
    };
    let changes = request_events(deps, token.clone(), watch, None)
        .await?
        .map(|delivered| delivered.map(|_| ()))
        .ready_chunks(64);
    let tiles = Tiles {
        deps: Arc::clone(deps),
        token,
        scope,
        changes: Box::pin(changes),
        sent: None,
        ended: false,
    };
    Ok(futures_util::stream::unfold(
        tiles,
        |mut tiles| async move {
            let item = tiles.next().await?;
            Some((item, tiles))
        },
    ))
}
