//! Root subscription fields.

use std::time::Duration;

use async_graphql::{Context, MergedSubscription, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;

use super::context::deps;
use crate::error::{ApiError, InputReason};

/// Every subscription field.
#[derive(MergedSubscription, Default)]
pub struct Subscription(ClockSubscription, super::live::LiveSubscription);

#[derive(Default)]
pub struct ClockSubscription;

/// A tick of the server's clock.
#[derive(SimpleObject, Debug, Clone)]
pub struct ServerTime {
    /// The server's current time; clients use it to show connection health and clock skew
    /// (which matters for one-time codes).
    pub now: DateTime<Utc>,
    /// Ticks sent on this subscription so far, starting at 1.
    pub sequence: i32,
}

#[Subscription]
impl ClockSubscription {
    /// The server's time, every `intervalSeconds` (1 to 3600), starting at once.
    async fn server_time(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1, desc = "Seconds between ticks, 1 to 3600.")] interval_seconds: i32,
    ) -> Result<impl Stream<Item = ServerTime> + use<>, ApiError> {
        let clock = deps(ctx)?.clock.clone();
        let seconds = u64::try_from(interval_seconds)
            .ok()
            .filter(|s| (1..=3600).contains(s))
            .ok_or_else(|| {
                ApiError::bad_input(
                    "intervalSeconds",
                    InputReason::OutOfRange,
                    "must be between 1 and 3600",
                )
            })?;
        let period = Duration::from_secs(seconds);
        Ok(futures_util::stream::unfold(0_i32, move |sequence| {
            let clock = clock.clone();
            async move {
                if sequence > 0 {
                    tokio::time::sleep(period).await;
                }
                let sequence = sequence.saturating_add(1);
                Some((
                    ServerTime {
                        now: clock.now(),
                        sequence,
                    },
                    sequence,
                ))
            }
        }))
    }
}
