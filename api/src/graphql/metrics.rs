//! Dashboard figures (SPEC §7): `metrics`, per company for its team roles and across companies
//! for support managers. Each field reads its own few counters, so a dashboard asks for what it
//! shows and pays for nothing else. How each figure is counted: `crate::metrics`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use tokio::sync::OnceCell;

use super::context::{actor, deps};
use super::requests::{RequestCategoryGql, RequestStateGql, UrgencyGql, parse_day};
use super::types::Contact;
use crate::error::ApiResult;
use crate::ids::{CompanyId, NodeId};
use crate::metrics::{self, Clock, Dashboard, DayRange};

/// Days from `from` (included) to `to` (excluded), UTC, as `YYYY-MM-DD`; at most 10 years.
#[derive(InputObject, Debug, Clone)]
pub struct DayRangeInput {
    /// First day (included).
    pub from: String,
    /// Day after the last one (excluded).
    pub to: String,
}

#[derive(Default)]
pub struct MetricsQuery;

#[Object]
impl MetricsQuery {
    /// Dashboard figures of one customer company, or of every company (support managers,
    /// without `companyId`). Customers with a team role (Support Advanced and above, Security
    /// Administrators) see their own company's; anyone else gets `FORBIDDEN`.
    async fn metrics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company (default: the caller's, or every company for a manager).")]
        company_id: Option<ID>,
        #[graphql(
            desc = "The days that the per-day, rate and duration figures cover (default: the \
                    30 days ending today, UTC)."
        )]
        range: Option<DayRangeInput>,
    ) -> ApiResult<Metrics> {
        let deps = deps(ctx)?;
        let viewer = actor(ctx).await?.dashboard_viewer()?;
        let company = company_id
            .map(|id| NodeId::typed::<CompanyId>(&id, "companyId"))
            .transpose()?;
        let range = match range {
            Some(r) => DayRange::new(
                parse_day(&r.from, "range.from")?,
                parse_day(&r.to, "range.to")?,
                "range",
            )?,
            None => DayRange::last_30_days(deps.clock.now().date_naive()),
        };
        let board = metrics::dashboard(deps, viewer, company).await?;
        Ok(Metrics {
            board,
            range,
            mix: OnceCell::new(),
            totals: OnceCell::new(),
        })
    }
}

/// A dashboard: counts of what holds now, and figures of a range of days.
pub struct Metrics {
    board: Dashboard,
    range: DayRange,
    /// Read once for the state, urgency and category fields.
    mix: OnceCell<metrics::Mix>,
    /// Read once for the total and rate fields.
    totals: OnceCell<metrics::Totals>,
}

/// Requests in one state.
#[derive(SimpleObject)]
pub struct StateCount {
    /// The state.
    pub state: RequestStateGql,
    /// Submitted requests in it.
    pub count: i64,
}

/// Requests of one urgency.
#[derive(SimpleObject)]
pub struct UrgencyCount {
    /// The urgency (`null`: requests without one).
    pub urgency: Option<UrgencyGql>,
    /// Open requests (submitted, not closed).
    pub open: i64,
    /// Submitted requests.
    pub total: i64,
}

/// Requests of one category.
#[derive(SimpleObject)]
pub struct CategoryCount {
    /// The category (`null`: requests without one).
    pub category: Option<RequestCategoryGql>,
    /// Open requests (submitted, not closed).
    pub open: i64,
    /// Submitted requests.
    pub total: i64,
}

/// What happened on one day (UTC).
#[derive(SimpleObject)]
pub struct DayCount {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Requests submitted that day.
    pub submitted: i64,
    /// Closings that day.
    pub closed: i64,
    /// Reopenings that day.
    pub reopened: i64,
}

/// Open requests of one age.
#[derive(SimpleObject)]
pub struct BacklogBucket {
    /// Whole days since submission, at least.
    pub from_days: i64,
    /// Fewer days than this (`null`: no upper bound).
    pub to_days: Option<i64>,
    /// Open requests of that age.
    pub count: i64,
}

/// A duration over the requests of the range: median and 90th percentile (nearest rank), each
/// within `relativeError` of the exact value (or within one second under a second).
#[derive(SimpleObject)]
pub struct DurationStats {
    /// Measurements in the range.
    pub samples: i64,
    /// Median, in seconds (`null` without samples).
    pub median_seconds: Option<i64>,
    /// 90th percentile, in seconds (`null` without samples).
    pub p90_seconds: Option<i64>,
    /// The largest relative error of the two figures (0.05: 5 %).
    pub relative_error: f64,
}

/// Open requests assigned to one agent.
#[derive(SimpleObject)]
pub struct AgentLoad {
    /// The agent.
    pub agent: Contact,
    /// Open requests assigned to them.
    pub open: i64,
}

impl Metrics {
    async fn mix(&self, ctx: &Context<'_>) -> ApiResult<&metrics::Mix> {
        self.mix
            .get_or_try_init(|| async { metrics::mix(deps(ctx)?, &self.board).await })
            .await
    }

    async fn totals(&self, ctx: &Context<'_>) -> ApiResult<&metrics::Totals> {
        self.totals
            .get_or_try_init(|| async {
                metrics::totals(deps(ctx)?, &self.board, self.range).await
            })
            .await
    }

    async fn durations(&self, ctx: &Context<'_>, clock: Clock) -> ApiResult<DurationStats> {
        let figures = metrics::durations(deps(ctx)?, &self.board, self.range, clock).await?;
        let seconds = |s: Option<f64>| s.map(|s| s.round() as i64);
        Ok(DurationStats {
            samples: figures.samples,
            median_seconds: seconds(figures.median),
            p90_seconds: seconds(figures.p90),
            relative_error: metrics::histogram::RELATIVE_ERROR,
        })
    }
}

/// Dashboard figures. Drafts never count; days are UTC days.
#[Object]
impl Metrics {
    /// The company shown; `null` for every company.
    async fn company_id(&self) -> Option<ID> {
        self.board
            .company()
            .map(|c| NodeId::of(c).to_string().into())
    }

    /// First day of the range (included).
    async fn from(&self) -> String {
        self.range.from.to_string()
    }

    /// Day after the range (excluded).
    async fn to(&self) -> String {
        self.range.to.to_string()
    }

    /// Submitted requests per state, now, in lifecycle order.
    async fn by_state(&self, ctx: &Context<'_>) -> ApiResult<Vec<StateCount>> {
        let counts = self.mix(ctx).await?.by_state();
        Ok(counts
            .into_iter()
            .map(|(state, count)| StateCount {
                state: state.into(),
                count,
            })
            .collect())
    }

    /// Open and all submitted requests per urgency, now.
    async fn by_urgency(&self, ctx: &Context<'_>) -> ApiResult<Vec<UrgencyCount>> {
        let counts = self.mix(ctx).await?.by_urgency();
        Ok(counts
            .into_iter()
            .map(|b| UrgencyCount {
                urgency: b.value.map(Into::into),
                open: b.open,
                total: b.total,
            })
            .collect())
    }

    /// Open and all submitted requests per category, now.
    async fn by_category(&self, ctx: &Context<'_>) -> ApiResult<Vec<CategoryCount>> {
        let counts = self.mix(ctx).await?.by_category();
        Ok(counts
            .into_iter()
            .map(|b| CategoryCount {
                category: b.value.map(Into::into),
                open: b.open,
                total: b.total,
            })
            .collect())
    }

    /// Submissions, closings and reopenings of every day of the range.
    async fn per_day(&self, ctx: &Context<'_>) -> ApiResult<Vec<DayCount>> {
        let days = metrics::per_day(deps(ctx)?, &self.board, self.range).await?;
        Ok(days
            .into_iter()
            .map(|d| DayCount {
                day: d.day.to_string(),
                submitted: d.submitted,
                closed: d.closed,
                reopened: d.reopened,
            })
            .collect())
    }

    /// Requests submitted in the range.
    async fn submitted(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        Ok(self.totals(ctx).await?.submitted)
    }

    /// Closings in the range.
    async fn closed(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        Ok(self.totals(ctx).await?.closed)
    }

    /// Reopenings in the range divided by closings in the range (`null` without closings).
    async fn reopen_rate(&self, ctx: &Context<'_>) -> ApiResult<Option<f64>> {
        Ok(self.totals(ctx).await?.reopen_rate())
    }

    /// Open requests by whole days since their submission, today (UTC).
    async fn backlog(&self, ctx: &Context<'_>) -> ApiResult<Vec<BacklogBucket>> {
        let deps = deps(ctx)?;
        let today = deps.clock.now().date_naive();
        let buckets = metrics::backlog(deps, &self.board, today).await?;
        Ok(buckets
            .into_iter()
            .map(|b| BacklogBucket {
                from_days: b.from_days,
                to_days: b.to_days,
                count: b.count,
            })
            .collect())
    }

    /// From submission to the first support action (a message or a state change by an agent),
    /// counted on the day of that action.
    async fn first_response(&self, ctx: &Context<'_>) -> ApiResult<DurationStats> {
        self.durations(ctx, Clock::FirstResponse).await
    }

    /// From submission to a closing, counted on the day of the closing.
    async fn resolution(&self, ctx: &Context<'_>) -> ApiResult<DurationStats> {
        self.durations(ctx, Clock::Resolution).await
    }

    /// At each closing in the range, the time the request spent waiting on the customer
    /// (CUSTOMER_CLARIFICATION, SOLUTION_PROPOSED) since its submission.
    async fn waiting_on_customer(&self, ctx: &Context<'_>) -> ApiResult<DurationStats> {
        self.durations(ctx, Clock::WaitingOnCustomer).await
    }

    /// At each closing in the range, the time the request spent waiting on support
    /// (SUPPORT_ANALYSIS, WAITING_EXTERNAL, WAITING_CORRECTION) since its submission.
    async fn waiting_on_support(&self, ctx: &Context<'_>) -> ApiResult<DurationStats> {
        self.durations(ctx, Clock::WaitingOnSupport).await
    }

    /// Open requests per agent, the busiest first.
    async fn agent_load(&self, ctx: &Context<'_>) -> ApiResult<Vec<AgentLoad>> {
        let load = metrics::agent_load(deps(ctx)?, &self.board).await?;
        Ok(load
            .into_iter()
            .map(|(agent, open)| AgentLoad {
                agent: Contact(agent),
                open,
            })
            .collect())
    }
}
