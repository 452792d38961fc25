//! What a change to a request adds to and takes from the dashboard figures: a pure function of
//! the request before and after, used both by the transaction of every change and by the
//! rebuild that replays a request's history, so the two cannot disagree.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{RequestState, request};
use sea_orm::ActiveEnum;
use uuid::Uuid;

use super::histogram;

/// The owner of the figures about every company.
pub const EVERY_COMPANY: Uuid = Uuid::nil();

/// A counter of what holds now (`metric_counts`).
pub mod count {
    /// Submitted requests per `STATE/URGENCY/CATEGORY`.
    pub const MIX: &str = "MIX";
    /// Open requests per assignee.
    pub const LOAD: &str = "LOAD";
}

/// A counter per day and per month (`metric_days`).
pub mod daily {
    /// Submissions, on the day of submission.
    pub const SUBMITTED: &str = "SUBMITTED";
    /// Closures, on the day of closing.
    pub const CLOSED: &str = "CLOSED";
    /// Reopenings, on the day of reopening.
    pub const REOPENED: &str = "REOPENED";
    /// Open requests, on the day they were submitted (days only).
    pub const OPEN: &str = "OPEN";
    /// Submission → first support response, on the day of the response.
    pub const FIRST_RESPONSE: &str = "FIRST_RESPONSE";
    /// Submission → closing, on the day of closing.
    pub const RESOLUTION: &str = "RESOLUTION";
    /// Time in the states waiting on the customer, on the day of closing.
    pub const WAIT_CUSTOMER: &str = "WAIT_CUSTOMER";
    /// Time in the states waiting on support, on the day of closing.
    pub const WAIT_SUPPORT: &str = "WAIT_SUPPORT";
}

/// A day or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day = 0,
    Month = 1,
}

/// One counter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Count {
        owner: Uuid,
        metric: &'static str,
        key: String,
    },
    Daily {
        owner: Uuid,
        metric: &'static str,
        grain: Grain,
        /// Days since 1970-01-01 of the day, or of the month's first day.
        day: i32,
        bucket: i32,
    },
}

/// Days since 1970-01-01 (UTC).
pub fn day_number(date: NaiveDate) -> i32 {
    // Dates are within chrono's range: the difference fits.
    (date - NaiveDate::default()).num_days() as i32
}

/// The date of a day number.
pub fn date_of(day: i32) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(i64::from(day))
}

/// The first day of the month of a date.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

/// Where the time a request spends in a state goes: `Some(true)` waiting on the customer,
/// `Some(false)` waiting on support, `None` not counted (draft, closed).
pub fn waits_on_customer(state: RequestState) -> Option<bool> {
    match state {
        RequestState::CustomerClarification | RequestState::SolutionProposed => Some(true),
        RequestState::SupportAnalysis
        | RequestState::WaitingExternal
        | RequestState::WaitingCorrection => Some(false),
        RequestState::Draft | RequestState::Closed => None,
    }
}

fn is_open(state: RequestState) -> bool {
    !matches!(state, RequestState::Draft | RequestState::Closed)
}

fn code<T: ActiveEnum<Value = String>>(value: Option<T>) -> String {
    value.map(|v| v.to_value()).unwrap_or_default()
}

/// The `MIX` key of a state, urgency and category.
fn mix_key(row: &request::Model) -> String {
    format!(
        "{}/{}/{}",
        row.state.to_value(),
        code(row.urgency),
        code(row.category)
    )
}

/// Adds `delta` to a counter for the request's company and for every company.
struct Deltas<'a> {
    company: Uuid,
    out: &'a mut Vec<(Key, i64)>,
}

impl Deltas<'_> {
    fn count(&mut self, metric: &'static str, key: String, delta: i64) {
        for owner in [self.company, EVERY_COMPANY] {
            let key = key.clone();
            self.out.push((Key::Count { owner, metric, key }, delta));
        }
    }

    /// Counts one event on its day and in its month.
    fn day(&mut self, metric: &'static str, date: NaiveDate, bucket: i32) {
        let grains = [(Grain::Day, date), (Grain::Month, month_of(date))];
        for owner in [self.company, EVERY_COMPANY] {
            for (grain, date) in grains {
                let key = Key::Daily {
                    owner,
                    metric,
                    grain,
                    day: day_number(date),
                    bucket,
                };
                self.out.push((key, 1));
            }
        }
    }

    /// What a request adds to the counters of what holds now (nothing for a draft).
    fn holds(&mut self, row: &request::Model, sign: i64) {
        let Some(submitted) = row
            .submitted_at
            .filter(|_| row.state != RequestState::Draft)
        else {
            return;
        };
        self.count(count::MIX, mix_key(row), sign);
        if is_open(row.state) {
            if let Some(agent) = row.assignee_contact_id {
                self.count(count::LOAD, agent.to_string(), sign);
            }
            let day = day_number(day_of(submitted));
            for owner in [self.company, EVERY_COMPANY] {
                let key = Key::Daily {
                    owner,
                    metric: daily::OPEN,
                    grain: Grain::Day,
                    day,
                    bucket: 0,
                };
                self.out.push((key, sign));
            }
        }
    }
}

/// Seconds from `from` to `to`.
fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6
}

/// The seconds a request has waited on the customer and on support when it leaves its state
/// at `now` (whole seconds, as both the live change and the replay count them).
pub fn waited(row: &request::Model, now: DateTime<Utc>) -> (i64, i64) {
    let so_far = (row.customer_wait_secs, row.support_wait_secs);
    waited_in(row.state, row.state_changed_at, now, so_far)
}

/// [`waited`], of a request in `state` since `since` that had waited `so_far` before.
pub fn waited_in(
    state: RequestState,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    so_far: (i64, i64),
) -> (i64, i64) {
    let spent = (now - since).num_seconds().max(0);
    match waits_on_customer(state) {
        Some(true) => (so_far.0 + spent, so_far.1),
        Some(false) => (so_far.0, so_far.1 + spent),
        None => so_far,
    }
}

/// The counters a change moves, `before` absent for a new request and `after` absent for a
/// deleted one; the same counter may come several times (the caller adds them up).
pub fn changes(before: Option<&request::Model>, after: Option<&request::Model>) -> Vec<(Key, i64)> {
    let mut out = Vec::new();
    if let Some(before) = before {
        Deltas {
            company: before.company_id,
            out: &mut out,
        }
        .holds(before, -1);
    }
    let Some(after) = after else {
        return out;
    };
    let mut deltas = Deltas {
        company: after.company_id,
        out: &mut out,
    };
    deltas.holds(after, 1);
    let state_before = before.map(|b| b.state);
    let Some(submitted) = after.submitted_at else {
        return out;
    };
    if after.state != RequestState::Draft
        && matches!(state_before, None | Some(RequestState::Draft))
    {
        deltas.day(daily::SUBMITTED, day_of(submitted), 0);
    }
    if after.state == RequestState::Closed
        && state_before != Some(RequestState::Closed)
        && let Some(closed) = after.closed_at
    {
        let day = day_of(closed);
        deltas.day(daily::CLOSED, day, 0);
        let resolution = histogram::bucket(seconds(submitted, closed));
        deltas.day(daily::RESOLUTION, day, resolution);
        let customer = histogram::bucket(after.customer_wait_secs as f64);
        deltas.day(daily::WAIT_CUSTOMER, day, customer);
        let support = histogram::bucket(after.support_wait_secs as f64);
        deltas.day(daily::WAIT_SUPPORT, day, support);
    }
    if state_before == Some(RequestState::Closed) && after.state != RequestState::Closed {
        deltas.day(daily::REOPENED, day_of(after.state_changed_at), 0);
    }
    if let Some(responded) = after.first_response_at
        && before.is_none_or(|b| b.first_response_at.is_none())
    {
        let bucket = histogram::bucket(seconds(submitted, responded));
        deltas.day(daily::FIRST_RESPONSE, day_of(responded), bucket);
    }
    out
}

/// A state change in a request's history, for [`replay`].
#[derive(Debug, Clone, Copy)]
pub struct StateChange {
    pub at: DateTime<Utc>,
    pub to: RequestState,
}

/// A request as its history made it: the counters it moved on the way from nothing to its
/// row (the same as the live changes made, change after change), and the seconds it waited on
/// each side (customer, support).
pub fn replay(row: &request::Model, history: &[StateChange]) -> (Vec<(Key, i64)>, (i64, i64)) {
    let mut out = Vec::new();
    let mut current = request::Model {
        state: RequestState::Draft,
        state_changed_at: row.created_at,
        closed_at: None,
        first_response_at: None,
        customer_wait_secs: 0,
        support_wait_secs: 0,
        ..row.clone()
    };
    for change in history {
        if change.to == current.state {
            continue;
        }
        let mut next = current.clone();
        (next.customer_wait_secs, next.support_wait_secs) = waited(&current, change.at);
        next.state = change.to;
        next.state_changed_at = change.at;
        next.closed_at = (change.to == RequestState::Closed).then_some(change.at);
        out.extend(changes(Some(&current), Some(&next)));
        current = next;
    }
    let waited = (current.customer_wait_secs, current.support_wait_secs);
    // What the history does not tell (edits, assignment, the first response) comes from the
    // row as it is.
    let last = request::Model {
        customer_wait_secs: waited.0,
        support_wait_secs: waited.1,
        ..row.clone()
    };
    out.extend(changes(Some(&current), Some(&last)));
    (out, waited)
}
