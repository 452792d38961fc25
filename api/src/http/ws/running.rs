//! One operation under way on a connection, as the messages it sends: a query or mutation
//! yields one result, a subscription one per event, each then `complete`; or one error, which
//! ends it (a request error, the execution timeout of queries and mutations).
//!
//! A subscription's updates that were already rendered for its document and variables are
//! sent as they were rendered, without running GraphQL again; once its resolver handed its
//! updates over, its execution is let go and each other update is rendered by running the
//! subscription again (see `graphql::direct`).

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use async_graphql::Response;
use async_graphql::parser::types::OperationType;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use futures_util::task::waker_ref;

use super::protocol::Outgoing;
use crate::auth::login::Client;
use crate::error::ApiError;
use crate::execution::ErrorCode;
use crate::execution::executor::{GraphqlParams, Prepared, finish};
use crate::execution::response::{Outcome, ResponseBody};
use crate::graphql::direct::{Rendered, Taken};
use crate::graphql::{Direct, RequestContext, TokenSource};
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

/// Who started a subscription, and what: to run it again (see `graphql::direct`).
struct Again {
    params: GraphqlParams,
    token: Option<(String, TokenSource)>,
    client: Client,
}

/// An operation under way.
pub(super) struct Running {
    state: AppState,
    /// async-graphql's execution of the operation; let go once a subscription's resolver
    /// handed its updates over (when the subscription can be run again).
    stream: Option<BoxStream<'static, Response>>,
    /// To run the subscription again (subscriptions only).
    again: Option<Box<Again>>,
    /// The execution rendering one update (or error) again.
    render: Option<BoxStream<'static, Response>>,
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
    /// subscriptions only); `caller`: the session token and client it runs for.
    pub(super) fn new(
        state: AppState,
        mut prepared: Prepared,
        id: String,
        direct: Arc<Direct>,
        caller: (&Option<(String, TokenSource)>, &Client),
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
        let again = prepared.rerun.take().map(|params| {
            Box::new(Again {
                params,
                token: caller.0.clone(),
                client: caller.1.clone(),
            })
        });
        Self {
            operation_name: prepared.operation_name.clone(),
            stream: Some(state.executor().execute_stream(prepared)),
            again,
            render: None,
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
        let next = match (self.deadline, self.stream.as_mut()) {
            (Some(deadline), Some(stream)) => {
                match tokio::time::timeout_at(deadline.into(), stream.next()).await {
                    Ok(next) => Next::Response(next),
                    Err(_) => return Some(self.timed_out()),
                }
            }
            _ => poll_fn(|cx| self.poll_next(cx)).await,
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
    /// stream is polled when it was woken (it reads what is handed to it), and let go once it
    /// waits for nothing else; the subscription's own updates when GraphQL is not rendering
    /// one. After GraphQL's stream was let go, an update not rendered yet (or an error) is
    /// rendered by running the subscription again.
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Next> {
        let Some((direct, key)) = &self.direct else {
            return match self.stream.as_mut() {
                Some(stream) => stream.poll_next_unpin(cx).map(Next::Response),
                None => Poll::Ready(Next::Response(None)),
            };
        };
        loop {
            if let Some(render) = self.render.as_mut() {
                let next = ready!(render.poll_next_unpin(cx));
                self.render = None;
                match next {
                    Some(response) => return Poll::Ready(Next::Response(Some(response))),
                    None => {
                        // Not expected: the same document rendered before.
                        tracing::warn!("a live update rendered again gave no response");
                        self.handed = None;
                    }
                }
            }
            if let Some(stream) = self.stream.as_mut()
                && direct.take_woken(cx)
            {
                let waker = waker_ref(direct);
                let mut graphql = Context::from_waker(&waker);
                if let Poll::Ready(next) = stream.poll_next_unpin(&mut graphql) {
                    direct.poll_again();
                    return Poll::Ready(Next::Response(next));
                }
                if self.handed.is_none() && self.again.is_some() && direct.adopted() {
                    // async-graphql waits for nothing but what is handed to it.
                    self.stream = None;
                    direct.forget_reader();
                }
            }
            if self.handed.is_some() {
                return Poll::Pending; // GraphQL is rendering the last update handed
            }
            let next = ready!(direct.poll_source(cx));
            if let Some(Ok(taken)) = &next
                && let Some(Rendered(body)) = taken.event.renders.get::<Rendered>(*key)
            {
                return Poll::Ready(Next::Rendered(body));
            }
            // An update not rendered yet, an error or the end: GraphQL says it.
            let event = match &next {
                Some(Ok(taken)) => Some(Arc::clone(&taken.event)),
                _ => None,
            };
            if self.stream.is_some() {
                self.handed = Some(event);
                direct.hand(next);
                continue;
            }
            let Some(next) = next else {
                return Poll::Ready(Next::Response(None)); // the end: `complete`
            };
            self.handed = Some(event);
            self.render = Some(self.render_again(next));
        }
    }

    /// Runs the subscription again to render `next` (see `graphql::direct`).
    fn render_again(&self, next: Result<Taken, ApiError>) -> BoxStream<'static, Response> {
        let Some(again) = &self.again else {
            return futures_util::stream::empty().boxed(); // not let go without it
        };
        let mut context = RequestContext::with_client(again.token.clone(), again.client.clone());
        context.set_direct(Direct::to_render(next));
        let executor = self.state.executor();
        match executor.prepare(again.params.clone(), context) {
            Ok(prepared) => executor.render_stream(prepared),
            Err(refused) => {
                let response = Response::from_errors(vec![*refused.error]);
                futures_util::stream::once(std::future::ready(response)).boxed()
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

impl Drop for Running {
    fn drop(&mut self) {
        if let Some((direct, _)) = &self.direct {
            direct.let_go();
        }
    }
}

pub(super) fn error_array(code: ErrorCode, message: &str) -> String {
    let errors = [crate::execution::response::request_error(code, message)];
    serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())
}
