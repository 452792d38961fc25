//! Prometheus metrics: GraphQL requests and latency per operation, errors by code, WebSocket
//! connections and the database pools. Rendered in the text format at `/metrics`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::db::Db;
use crate::execution::ErrorCode;

/// Distinct operation names kept as label values; later ones are counted as `other`, so a
/// client cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    transport: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

type LatencyFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

/// The server's metrics registry and the handles to update it.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<OperationLabels, Counter>,
    latency: LatencyFamily,
    errors: Family<CodeLabels, Counter>,
    ws_connections: Gauge,
    ws_subscriptions: Gauge,
    db_connections: Family<PoolLabels, Gauge>,
    known_operations: Mutex<HashSet<String>>,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Metrics {
    /// `password_checks` counts Argon2 verifications (see `PasswordHasher::checks`).
    pub fn new(password_checks: Counter) -> Self {
        let mut registry = Registry::with_prefix("portal");
        registry.register(
            "password_checks",
            "Argon2 password verifications, including the dummy check of unknown logins",
            password_checks,
        );
        let requests = Family::<OperationLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        let errors = Family::<CodeLabels, Counter>::default();
        let ws_connections = Gauge::default();
        let ws_subscriptions = Gauge::default();
        let db_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "graphql_requests",
            "GraphQL operations received, by operation name and transport",
            requests.clone(),
        );
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL operation",
            latency.clone(),
        );
        registry.register(
            "graphql_errors",
            "GraphQL errors sent, by code",
            errors.clone(),
        );
        registry.register(
            "websocket_connections",
            "Open GraphQL WebSocket connections",
            ws_connections.clone(),
        );
        registry.register(
            "websocket_subscriptions",
            "Active subscriptions over WebSocket",
            ws_subscriptions.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections by pool and state",
            db_connections.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            latency,
            errors,
            ws_connections,
            ws_subscriptions,
            db_connections,
            known_operations: Mutex::new(HashSet::new()),
        }))
    }

    /// Records one GraphQL operation and the codes of the errors it answered with.
    pub fn observe_operation(
        &self,
        name: Option<&str>,
        transport: &'static str,
        took: Duration,
        codes: &[ErrorCode],
    ) {
        let labels = OperationLabels {
            operation: self.operation_label(name),
            transport,
        };
        self.0.requests.get_or_create(&labels).inc();
        self.0
            .latency
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        for code in codes {
            self.0
                .errors
                .get_or_create(&CodeLabels {
                    code: code.as_str(),
                })
                .inc();
        }
    }

    /// Counts errors outside an operation (a refused HTTP request, a WebSocket close).
    pub fn observe_error(&self, code: ErrorCode) {
        self.0
            .errors
            .get_or_create(&CodeLabels {
                code: code.as_str(),
            })
            .inc();
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".into();
        };
        let valid = name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return "other".into();
        }
        let mut known = self
            .0
            .known_operations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if known.contains(name) || known.len() < MAX_OPERATION_NAMES {
            known.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    pub fn ws_connection_opened(&self) {
        self.0.ws_connections.inc();
    }

    pub fn ws_connection_closed(&self) {
        self.0.ws_connections.dec();
    }

    pub fn ws_subscription_started(&self) {
        self.0.ws_subscriptions.inc();
    }

    pub fn ws_subscription_ended(&self) {
        self.0.ws_subscriptions.dec();
    }

    /// The text exposition, with the pool gauges read now.
    pub fn render(&self, db: &Db) -> String {
        for pool in db.pool_stats() {
            let set = |state, value: u32| {
                self.0
                    .db_connections
                    .get_or_create(&PoolLabels {
                        pool: pool.name,
                        state,
                    })
                    .set(i64::from(value));
            };
            set("idle", pool.idle);
            set("in_use", pool.size.saturating_sub(pool.idle));
            set("max", pool.max);
        }
        let mut out = String::new();
        if encode(&mut out, &self.0.registry).is_err() {
            tracing::error!("cannot encode metrics");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_chosen_operation_names_cannot_grow_the_label_set_without_bound() {
        let metrics = Metrics::new(Counter::default());
        for n in 0..(MAX_OPERATION_NAMES + 50) {
            metrics.observe_operation(
                Some(&format!("Op{n}")),
                "http",
                Duration::from_millis(1),
                &[],
            );
        }
        assert_eq!(metrics.operation_label(Some("Op0")), "Op0");
        assert_eq!(metrics.operation_label(Some("Brand_New")), "other");
        assert_eq!(metrics.operation_label(Some("bad name\"}")), "other");
        assert_eq!(metrics.operation_label(None), "anonymous");
    }
}
