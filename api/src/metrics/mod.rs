//! Dashboard figures (SPEC §7), per company for its team roles and across companies for
//! support managers. Every figure is read from counters that the transaction of each change
//! keeps ([`facts`], written by the requests' repository), never by reading requests, so a
//! dashboard costs the same on ten requests as on millions.
//!
//! What each figure counts (drafts never count; days are UTC days):
//!
//! - **By state / urgency / category**: submitted requests as they are now; per urgency and
//!   category both the open ones (submitted, not closed) and all of them.
//! - **Per day**: submissions (the day a request was submitted), closures (the day it was
//!   closed, by the customer, an agent or the auto-close; a request closed twice counts twice)
//!   and reopenings (the day it was reopened).
//! - **Reopen rate**: reopenings in the range divided by closures in the range.
//! - **Backlog by age**: open requests by the whole days since their submission (today counted
//!   in UTC), in the buckets of [`AGE_BUCKETS`].
//! - **Time to first response**: from submission to the first support action on the request (a
//!   message or a state change by an agent), counted on the day of that response.
//! - **Time to resolution**: from submission to a closing, counted on the day of the closing
//!   (each closing of a reopened request counts, measured from the submission).
//! - **Waiting on the customer / on support**: at each closing, the total time the request spent
//!   in the states waiting on the customer (CUSTOMER_CLARIFICATION, SOLUTION_PROPOSED) and in
//!   those waiting on support (SUPPORT_ANALYSIS, WAITING_EXTERNAL, WAITING_CORRECTION) since
//!   its submission; time as a draft or closed counts for neither. The clock of a state starts
//!   when the request enters it and stops when it leaves it (whole seconds).
//! - Durations are given as the median and the 90th percentile (nearest rank) of the samples of
//!   the range, each within [`histogram::RELATIVE_ERROR`] (5 %) of the exact value, or within
//!   one second under a second (see [`histogram`]).
//! - **Open load per agent**: open requests assigned to each agent.
//!
//! Figures dated by their event (submissions, closures, reopenings, the four clocks) are only
//! ever added to the day and month of "now": a day that ended more than [`SETTLE`] ago never
//! changes again (short of a rebuild). Sums over such days are kept in memory for a few
//! minutes ([`Deps::settled_sums`]); only the days since are read on every request.

pub mod facts;
pub mod histogram;
pub mod repo;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Duration, Months, NaiveDate};
use entity::{RequestCategory, RequestState, Urgency};
use sea_orm::ActiveEnum;
use uuid::Uuid;

use self::facts::{EVERY_COMPANY, Grain, count, daily, date_of, day_number, month_of};
use self::repo::{Span, Sum};
use crate::auth::DashboardViewer;
use crate::companies;
use crate::contacts::{self, Contact};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::CompanyId;

/// Moves the counters of a request from `before` (absent when it is new) to `after` (absent
/// when it is deleted), in the caller's transaction.
pub async fn moved<C: sea_orm::ConnectionTrait>(
    conn: &C,
    before: Option<&entity::request::Model>,
    after: Option<&entity::request::Model>,
) -> Result<(), sea_orm::DbErr> {
    repo::apply(conn, facts::changes(before, after)).await
}

/// How long after a day ends a transaction may still count an event on it (its clock read
/// before midnight, its commit after; clocks of several instances a little apart).
pub const SETTLE: Duration = Duration::minutes(10);

/// Splits spans at `settled` (a day number): the part before, which no longer changes, and
/// the part from it on. A month that `settled` falls in is read as days.
fn split_settled(spans: &[Span], settled: i32) -> (Vec<Span>, Vec<Span>) {
    let (mut past, mut live) = (Vec::new(), Vec::new());
    let push = |out: &mut Vec<Span>, grain, from, to| {
        if from < to {
            out.push(Span { grain, from, to });
        }
    };
    for span in spans {
        if span.to <= settled {
            past.push(*span);
        } else if span.from >= settled {
            live.push(*span);
        } else {
            let whole = match span.grain {
                Grain::Day => span.from,
                Grain::Month => day_number(month_of(date_of(settled))),
            };
            push(&mut past, span.grain, span.from, whole);
            push(&mut past, Grain::Day, whole, settled);
            push(&mut live, Grain::Day, settled, span.to);
        }
    }
    (past, live)
}

/// [`repo::sums`] of metrics dated by their event (never [`daily::OPEN`]): the settled part
/// from memory when kept there, the rest from the database.
async fn event_sums(
    deps: &Deps,
    owner: Uuid,
    metrics: &[&str],
    spans: &[Span],
    sum: Sum,
) -> ApiResult<Vec<(String, i32, i64)>> {
    let settled = day_number((deps.clock.now() - SETTLE).date_naive());
    let (past, live) = split_settled(spans, settled);
    let db = deps.db.reader();
    let key = format!("{owner}/{metrics:?}/{past:?}/{sum:?}");
    let kept = match deps.settled_sums.get(&key) {
        Some(kept) => kept,
        None => {
            let read = Arc::new(repo::sums(db, owner, metrics, &past, sum).await?);
            deps.settled_sums.put(key, Arc::clone(&read));
            read
        }
    };
    let fresh = repo::sums(db, owner, metrics, &live, sum).await?;
    if fresh.is_empty() {
        return Ok(kept.as_ref().clone());
    }
    let mut added: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for (metric, at, n) in kept.iter().cloned().chain(fresh) {
        *added.entry((metric, at)).or_default() += n;
    }
    Ok(added.into_iter().map(|((m, at), n)| (m, at, n)).collect())
}

/// The backlog's age buckets, in whole days: `[from, to)`, the last one open-ended.
pub const AGE_BUCKETS: [(i64, Option<i64>); 7] = [
    (0, Some(1)),
    (1, Some(3)),
    (3, Some(7)),
    (7, Some(30)),
    (30, Some(90)),
    (90, Some(365)),
    (365, None),
];

/// The longest range of days a dashboard covers.
pub const RANGE_DAYS_MAX: i64 = 3_660;

/// Whose figures a dashboard shows, checked against its viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dashboard {
    /// A company's ID, or [`EVERY_COMPANY`].
    owner: Uuid,
}

impl Dashboard {
    /// The company shown; `None` for every company.
    pub fn company(&self) -> Option<CompanyId> {
        (self.owner != EVERY_COMPANY).then(|| CompanyId::from_uuid(self.owner))
    }
}

/// The dashboard of `company` (default: the viewer's own company, or every company for a
/// manager). A customer asking for another company gets `FORBIDDEN`; a manager naming a
/// company that is not a customer company gets `NOT_FOUND`.
pub async fn dashboard(
    deps: &Deps,
    viewer: DashboardViewer,
    company: Option<CompanyId>,
) -> ApiResult<Dashboard> {
    match (viewer, company) {
        (DashboardViewer::Company(own), None) => Ok(Dashboard { owner: own.uuid() }),
        (DashboardViewer::Company(own), Some(asked)) if asked == own => {
            Ok(Dashboard { owner: own.uuid() })
        }
        (DashboardViewer::Company(_), Some(_)) => Err(ApiError::Forbidden),
        (DashboardViewer::Manager, None) => Ok(Dashboard {
            owner: EVERY_COMPANY,
        }),
        (DashboardViewer::Manager, Some(asked)) => {
            let found = companies::repo::find(deps.db.reader(), asked).await?;
            match found {
                Some(c) if c.kind == entity::CompanyKind::Customer => Ok(Dashboard {
                    owner: asked.uuid(),
                }),
                _ => Err(ApiError::NotFound { what: "company" }),
            }
        }
    }
}

/// Days from `from` (included) to `to` (excluded), UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    /// A range of at least one day and at most [`RANGE_DAYS_MAX`]; `OUT_OF_RANGE` on `field`
    /// otherwise.
    pub fn new(from: NaiveDate, to: NaiveDate, field: &str) -> ApiResult<Self> {
        if to <= from {
            return Err(ApiError::bad_input(
                field,
                InputReason::OutOfRange,
                "`to` (excluded) must come after `from`",
            ));
        }
        if (to - from).num_days() > RANGE_DAYS_MAX {
            return Err(ApiError::bad_input(
                field,
                InputReason::OutOfRange,
                "a range covers at most 10 years",
            ));
        }
        Ok(Self { from, to })
    }

    /// The 30 days ending with `today`.
    pub fn last_30_days(today: NaiveDate) -> Self {
        let to = today + Duration::days(1);
        Self {
            from: to - Duration::days(30),
            to,
        }
    }

    /// The range as whole months where it can, days at its ends: the fewest counters to read.
    fn spans(self) -> Vec<Span> {
        let from = day_number(self.from);
        let to = day_number(self.to);
        let first_month = if self.from.day() == 1 {
            self.from
        } else {
            month_of(self.from) + Months::new(1)
        };
        let last_month = month_of(self.to);
        if first_month >= last_month {
            return vec![Span {
                grain: Grain::Day,
                from,
                to,
            }];
        }
        let (first, last) = (day_number(first_month), day_number(last_month));
        [
            (Grain::Day, from, first),
            (Grain::Month, first, last),
            (Grain::Day, last, to),
        ]
        .into_iter()
        .filter(|(_, a, b)| a < b)
        .map(|(grain, from, to)| Span { grain, from, to })
        .collect()
    }
}

/// Submitted requests per state, urgency and category, as they are now: read once, then
/// broken down by [`Mix::by_state`], [`Mix::by_urgency`] and [`Mix::by_category`].
#[derive(Debug, Clone, Default)]
pub struct Mix(Vec<(String, i64)>);

/// The dashboard's counts of what holds now.
pub async fn mix(deps: &Deps, board: &Dashboard) -> ApiResult<Mix> {
    Ok(Mix(
        repo::counts(deps.db.reader(), board.owner, count::MIX).await?
    ))
}

impl Mix {
    /// Per state, in lifecycle order (every state but DRAFT, zeros included).
    pub fn by_state(&self) -> Vec<(RequestState, i64)> {
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        for (key, n) in &self.0 {
            *counts
                .entry(key.split('/').next().unwrap_or_default())
                .or_default() += n;
        }
        submitted_states()
            .map(|s| (s, counts.get(s.to_value().as_str()).copied().unwrap_or(0)))
            .collect()
    }

    /// Per urgency, lowest first (values without requests included; requests without an
    /// urgency last, when there are some).
    pub fn by_urgency(&self) -> Vec<Breakdown<Urgency>> {
        self.breakdown(1)
    }

    /// Per category.
    pub fn by_category(&self) -> Vec<Breakdown<RequestCategory>> {
        self.breakdown(2)
    }

    fn breakdown<T>(&self, part: usize) -> Vec<Breakdown<T>>
    where
        T: ActiveEnum<Value = String> + sea_orm::Iterable + Copy,
    {
        let mut found: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for (key, n) in &self.0 {
            let parts: Vec<&str> = key.split('/').collect();
            let (Some(state), Some(value)) = (parts.first(), parts.get(part)) else {
                continue;
            };
            let open = !matches!(*state, "CLOSED" | "DRAFT");
            let entry = found.entry(value).or_default();
            entry.0 += if open { *n } else { 0 };
            entry.1 += n;
        }
        let mut out: Vec<Breakdown<T>> = T::iter()
            .map(|value| {
                let (open, total) = found.remove(value.to_value().as_str()).unwrap_or_default();
                Breakdown {
                    value: Some(value),
                    open,
                    total,
                }
            })
            .collect();
        // What is left has no value (or one this version no longer knows).
        let (open, total) = found
            .values()
            .fold((0, 0), |(o, t), (open, total)| (o + open, t + total));
        if total > 0 {
            out.push(Breakdown {
                value: None,
                open,
                total,
            });
        }
        out
    }
}

fn submitted_states() -> impl Iterator<Item = RequestState> {
    use sea_orm::Iterable;
    RequestState::iter().filter(|s| *s != RequestState::Draft)
}

/// Open and all submitted requests of one value of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown<T> {
    /// `None`: requests without a value.
    pub value: Option<T>,
    pub open: i64,
    pub total: i64,
}

/// What happened on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub submitted: i64,
    pub closed: i64,
    pub reopened: i64,
}

/// Submissions, closures and reopenings of every day of the range (days without any
/// included).
pub async fn per_day(
    deps: &Deps,
    board: &Dashboard,
    range: DayRange,
) -> ApiResult<Vec<DayFigures>> {
    let span = Span {
        grain: Grain::Day,
        from: day_number(range.from),
        to: day_number(range.to),
    };
    let metrics = [daily::SUBMITTED, daily::CLOSED, daily::REOPENED];
    let rows = event_sums(deps, board.owner, &metrics, &[span], Sum::PerDay).await?;
    let mut days: Vec<DayFigures> = (span.from..span.to)
        .map(|day| DayFigures {
            day: date_of(day),
            ..DayFigures::default()
        })
        .collect();
    for (metric, day, n) in rows {
        let Some(figures) = usize::try_from(day - span.from)
            .ok()
            .and_then(|i| days.get_mut(i))
        else {
            continue;
        };
        match metric.as_str() {
            daily::SUBMITTED => figures.submitted += n,
            daily::CLOSED => figures.closed += n,
            _ => figures.reopened += n,
        }
    }
    Ok(days)
}

/// Submissions, closures and reopenings over the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub submitted: i64,
    pub closed: i64,
    pub reopened: i64,
}

impl Totals {
    /// Reopenings per closure; `None` without closures.
    pub fn reopen_rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.reopened as f64 / self.closed as f64)
    }
}

/// Submissions, closures and reopenings over the range (months read whole).
pub async fn totals(deps: &Deps, board: &Dashboard, range: DayRange) -> ApiResult<Totals> {
    let metrics = [daily::SUBMITTED, daily::CLOSED, daily::REOPENED];
    let spans = range.spans();
    let rows = event_sums(deps, board.owner, &metrics, &spans, Sum::PerMetric).await?;
    let mut totals = Totals::default();
    for (metric, _, n) in rows {
        match metric.as_str() {
            daily::SUBMITTED => totals.submitted += n,
            daily::CLOSED => totals.closed += n,
            _ => totals.reopened += n,
        }
    }
    Ok(totals)
}

/// Open requests of one age bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeBucket {
    /// Whole days since submission, included.
    pub from_days: i64,
    /// Excluded; `None` for the last bucket.
    pub to_days: Option<i64>,
    pub count: i64,
}

/// Open requests by age on `today` (UTC), in [`AGE_BUCKETS`].
pub async fn backlog(
    deps: &Deps,
    board: &Dashboard,
    today: NaiveDate,
) -> ApiResult<Vec<AgeBucket>> {
    let span = Span {
        grain: Grain::Day,
        from: i32::MIN,
        to: i32::MAX,
    };
    let open = [daily::OPEN];
    let rows = repo::sums(deps.db.reader(), board.owner, &open, &[span], Sum::PerDay).await?;
    let today = i64::from(day_number(today));
    let mut buckets: Vec<AgeBucket> = AGE_BUCKETS
        .iter()
        .map(|(from_days, to_days)| AgeBucket {
            from_days: *from_days,
            to_days: *to_days,
            count: 0,
        })
        .collect();
    for (_, day, n) in rows {
        // A request submitted "tomorrow" (clock skew) is of age 0.
        let age = (today - i64::from(day)).max(0);
        if let Some(bucket) = buckets
            .iter_mut()
            .find(|b| age >= b.from_days && b.to_days.is_none_or(|to| age < to))
        {
            bucket.count += n;
        }
    }
    Ok(buckets)
}

/// A duration measured on the requests of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    FirstResponse,
    Resolution,
    WaitingOnCustomer,
    WaitingOnSupport,
}

impl Clock {
    fn metric(self) -> &'static str {
        match self {
            Self::FirstResponse => daily::FIRST_RESPONSE,
            Self::Resolution => daily::RESOLUTION,
            Self::WaitingOnCustomer => daily::WAIT_CUSTOMER,
            Self::WaitingOnSupport => daily::WAIT_SUPPORT,
        }
    }
}

/// A duration's median and 90th percentile (seconds, within the histogram's error bound).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durations {
    pub samples: i64,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// The median and 90th percentile of a clock over the range.
pub async fn durations(
    deps: &Deps,
    board: &Dashboard,
    range: DayRange,
    clock: Clock,
) -> ApiResult<Durations> {
    let metric = [clock.metric()];
    let spans = range.spans();
    let rows = event_sums(deps, board.owner, &metric, &spans, Sum::PerBucket).await?;
    let counts: Vec<(i32, i64)> = rows.into_iter().map(|(_, b, n)| (b, n)).collect();
    Ok(Durations {
        samples: counts.iter().map(|(_, n)| n).sum(),
        median: histogram::percentile(&counts, 0.5),
        p90: histogram::percentile(&counts, 0.9),
    })
}

/// Open requests per agent, the busiest first (then by name).
pub async fn agent_load(deps: &Deps, board: &Dashboard) -> ApiResult<Vec<(Contact, i64)>> {
    let db = deps.db.reader();
    let counts = repo::counts(db, board.owner, count::LOAD).await?;
    let parsed: Vec<(Uuid, i64)> = counts
        .into_iter()
        .filter_map(|(key, n)| Uuid::try_parse(&key).ok().map(|id| (id, n)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let ids: Vec<Uuid> = parsed.iter().map(|(id, _)| *id).collect();
    let mut people = contacts::repo::find_many(db, &ids).await?;
    let mut load: Vec<(Contact, i64)> = parsed
        .into_iter()
        .filter_map(|(id, n)| people.remove(&id).map(|c| (c, n)))
        .collect();
    load.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.name_key.cmp(&b.name_key)));
    Ok(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn covered(range: DayRange) -> Vec<(Grain, NaiveDate, NaiveDate)> {
        range
            .spans()
            .into_iter()
            .map(|s| (s.grain, date_of(s.from), date_of(s.to)))
            .collect()
    }

    #[test]
    fn a_range_reads_whole_months_and_days_at_its_ends() {
        let range = DayRange::new(date("2026-01-15"), date("2026-04-03"), "range").unwrap();
        assert_eq!(
            covered(range),
            vec![
                (Grain::Day, date("2026-01-15"), date("2026-02-01")),
                (Grain::Month, date("2026-02-01"), date("2026-04-01")),
                (Grain::Day, date("2026-04-01"), date("2026-04-03")),
            ]
        );
        let aligned = DayRange::new(date("2026-02-01"), date("2026-05-01"), "range").unwrap();
        assert_eq!(
            covered(aligned),
            vec![(Grain::Month, date("2026-02-01"), date("2026-05-01"))]
        );
        let inside = DayRange::new(date("2026-03-03"), date("2026-03-20"), "range").unwrap();
        assert_eq!(
            covered(inside),
            vec![(Grain::Day, date("2026-03-03"), date("2026-03-20"))]
        );
        let across = DayRange::new(date("2026-03-20"), date("2026-04-10"), "range").unwrap();
        assert_eq!(
            covered(across),
            vec![(Grain::Day, date("2026-03-20"), date("2026-04-10"))]
        );
    }

    #[test]
    fn spans_split_where_days_stop_changing() {
        let at = |s: &str| day_number(date(s));
        let span = |grain, from: &str, to: &str| Span {
            grain,
            from: at(from),
            to: at(to),
        };
        let range = DayRange::new(date("2026-01-15"), date("2026-04-03"), "range").unwrap();
        // Settled before the range's last days: only those are read live.
        let (past, live) = split_settled(&range.spans(), at("2026-04-02"));
        assert_eq!(
            past,
            vec![
                span(Grain::Day, "2026-01-15", "2026-02-01"),
                span(Grain::Month, "2026-02-01", "2026-04-01"),
                span(Grain::Day, "2026-04-01", "2026-04-02"),
            ]
        );
        assert_eq!(live, vec![span(Grain::Day, "2026-04-02", "2026-04-03")]);
        // Settled within a month read whole: its settled days as days, the rest live.
        let (past, live) = split_settled(&range.spans(), at("2026-03-10"));
        assert_eq!(
            past,
            vec![
                span(Grain::Day, "2026-01-15", "2026-02-01"),
                span(Grain::Month, "2026-02-01", "2026-03-01"),
                span(Grain::Day, "2026-03-01", "2026-03-10"),
            ]
        );
        assert_eq!(
            live,
            vec![
                span(Grain::Day, "2026-03-10", "2026-04-01"),
                span(Grain::Day, "2026-04-01", "2026-04-03"),
            ]
        );
        // A range wholly before or after.
        let (past, live) = split_settled(&range.spans(), at("2027-01-01"));
        assert_eq!((past, live), (range.spans(), vec![]));
        let (past, live) = split_settled(&range.spans(), at("2025-01-01"));
        assert_eq!((past, live), (vec![], range.spans()));
    }

    #[test]
    fn ranges_out_of_order_or_too_long_are_refused() {
        for (from, to) in [("2026-03-02", "2026-03-02"), ("2026-03-02", "2026-03-01")] {
            let err = DayRange::new(date(from), date(to), "range").unwrap_err();
            assert!(format!("{err:?}").contains("OutOfRange"), "{err:?}");
        }
        assert!(DayRange::new(date("2010-01-01"), date("2026-01-01"), "range").is_err());
        assert!(DayRange::new(date("2017-01-01"), date("2026-12-31"), "range").is_ok());
    }
}
