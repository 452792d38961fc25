//! One operation under way on a connection, as the messages it sends: a query or mutation
//! yields one result, a subscription one per event, each then `complete`; or one error, which
//! ends it (a request error, the execution timeout of queries and mutations).
//!
//! A subscription's updates that were already rendered for its document and variables are
//! sent as they were rendered, without running GraphQL again (see `graphql::direct`).

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_graphql::Response;
use async_graphql::parser::types::OperationType;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use futures_util::task::waker_ref;

use super::protocol::Outgoing;
use crate::execution::ErrorCode;
use crate::execution::executor::{Prepared, finish};
use crate::execution::response::{Outcome, ResponseBody};
use crate::graphql::Direct;
use crate::graphql::direct::Rendered;
use crate::http::state::AppState;
use crate::live::{Event, RenderKey};

/// Counts a running subscription in the metrics for as long as it lives.
struct SubscriptionGauge(AppState);

impl SubscriptionGauge {
    fn new(state: AppState) -> Self {
        state.metrics().ws_subscription_started();
        Self(state)
    }
}

impl Drop for SubscriptionGauge {
    fn drop(&mut self) {
        self.0.metrics().ws_subscription_ended();
    }
}

/// What comes next from the operation (returned once and taken at once: never kept, so its
/// size does not matter).
#[allow(clippy::large_enum_variant)]
enum Next {
    /// A response of GraphQL (`None`: the operation ended).
    Response(Option<Response>),
    /// An update already rendered for this subscription's document.
    Rendered(Arc<str>),
}

/// An operation under way.
pub(super) struct Running {
    state: AppState,
    stream: BoxStream<'static, Response>,
    id: String,
    operation_name: Option<String>,
    started: Instant,
    deadline: Option<Instant>,
    first: bool,
    ended: bool,
    /// A subscription's hand-over with its resolver, and the key of its renders.
    direct: Option<(Arc<Direct>, RenderKey)>,
    /// An update handed to GraphQL whose response has not come yet, with its event (whose
    /// renders keep the message for the other subscriptions of the document).
    handed: Option<Option<Arc<Event>>>,
    _gauge: SubscriptionGauge,
}

impl Running {
    /// `direct`: what the operation's context shares with its resolvers (used by
    /// subscriptions only).
    pub(super) fn new(
        state: AppState,
        prepared: Prepared,
        id: String,
        direct: Arc<Direct>,
    ) -> Self {
        let started = Instant::now();
        let subscription = prepared.operation_type == OperationType::Subscription;
        // Queries and mutations get the execution timeout of HTTP; subscriptions live on.
        let deadline = (!subscription).then(|| {
            started + Duration::from_millis(state.settings().graphql.execution_timeout_ms)
        });
        let direct = prepared
            .render_key
            .filter(|_| subscription)
            .map(|key| (direct, key));
        Self {
            operation_name: prepared.operation_name.clone(),
            stream: state.executor().execute_stream(prepared),
            _gauge: SubscriptionGauge::new(state.clone()),
            state,
            id,
            started,
            deadline,
            first: true,
            ended: false,
            direct,
            handed: None,
        }
    }

    /// The next message to send; `None` once the operation ended.
    pub(super) async fn step(&mut self) -> Option<Outgoing> {
        if self.ended {
            return None;
        }
        let next = match self.deadline {
            Some(deadline) => {
                match tokio::time::timeout_at(deadline.into(), self.stream.next()).await {
                    Ok(next) => Next::Response(next),
                    Err(_) => return Some(self.timed_out()),
                }
            }
            None => poll_fn(|cx| self.poll_next(cx)).await,
        };
        let response = match next {
            Next::Response(Some(response)) => response,
            Next::Response(None) => {
                self.ended = true;
                return Some(Outgoing::Complete {
                    id: self.id.clone(),
                });
            }
            Next::Rendered(body) => {
                self.observe_first(&[]);
                return Some(Outgoing::Next {
                    id: self.id.clone(),
                    body: body.to_string(),
                });
            }
        };
        self.respond(response)
    }

    /// GraphQL's next response, or an update of the subscription already rendered. GraphQL's
    /// stream is polled when it was woken (it reads what is handed to it); the subscription's
    /// own updates when GraphQL is not rendering one.
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Next> {
        let Some((direct, key)) = &self.direct else {
            return self.stream.poll_next_unpin(cx).map(Next::Response);
        };
        loop {
            if direct.take_woken(cx) {
                let waker = waker_ref(direct);
                let mut graphql = Context::from_waker(&waker);
                if let Poll::Ready(next) = self.stream.poll_next_unpin(&mut graphql) {
                    direct.poll_again();
                    return Poll::Ready(Next::Response(next));
                }
            }
            if self.handed.is_some() {
                return Poll::Pending; // GraphQL is rendering the last update handed
            }
            match direct.poll_source(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(taken))) => {
                    if let Some(Rendered(body)) = taken.event.renders.get::<Rendered>(*key) {
                        return Poll::Ready(Next::Rendered(body));
                    }
                    self.handed = Some(Some(Arc::clone(&taken.event)));
                    direct.hand(Some(Ok(taken)));
                }
                // An error or the end: GraphQL says it.
                Poll::Ready(other) => {
                    self.handed = Some(None);
                    direct.hand(other);
                }
            }
        }
    }

    fn respond(&mut self, mut response: Response) -> Option<Outgoing> {
        let rendered = self.handed.take().flatten();
        let (outcome, codes) = finish(&mut response);
        self.observe_first(&codes);
        if outcome == Outcome::RequestError {
            self.ended = true;
            let errors = serde_json::to_string(&response.errors).unwrap_or_else(|_| "[]".into());
            return Some(Outgoing::Error {
                id: self.id.clone(),
                errors,
            });
        }
        let body = ResponseBody {
            data: Some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
        };
        let body = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        // A render with errors is not shared: the errors are this subscriber's.
        if let (Some(event), Some((_, key))) = (rendered, &self.direct)
            && response.errors.is_empty()
            && response.extensions.is_empty()
        {
            event.renders.keep(*key, Rendered(Arc::from(body.as_str())));
        }
        Some(Outgoing::Next {
            id: self.id.clone(),
            body,
        })
    }

    fn observe_first(&mut self, codes: &[ErrorCode]) {
        if self.first {
            self.state.metrics().observe_operation(
                self.operation_name.as_deref(),
                "ws",
                self.started.elapsed(),
                codes,
            );
            self.first = false;
        }
    }

    fn timed_out(&mut self) -> Outgoing {
        self.ended = true;
        self.state.metrics().observe_operation(
            self.operation_name.as_deref(),
            "ws",
            self.started.elapsed(),
            &[ErrorCode::Timeout],
        );
        let errors = error_array(
            ErrorCode::Timeout,
            "The request took too long and was stopped",
        );
        Outgoing::Error {
            id: self.id.clone(),
            errors,
        }
    }
}

pub(super) fn error_array(code: ErrorCode, message: &str) -> String {
    let errors = [crate::execution::response::request_error(code, message)];
    serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())
}
