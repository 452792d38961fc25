//! A customer company's settings and their rules: the defaults, the allowed ranges, and what
//! the durations mean for its requests (when a proposed solution closes by itself, until when
//! a closed request can be reopened).

use std::ops::RangeInclusive;

use chrono::Duration;

use super::Company;
use crate::error::{ApiError, InputReason};

/// Default time after which a proposed solution nobody answered closes the request: 5 days.
pub const DEFAULT_AUTO_CLOSE_AFTER_SECS: i64 = 5 * 24 * 3600;
/// Default time after closing during which a request can be reopened: 183 days (6 months).
pub const DEFAULT_REOPEN_WINDOW_SECS: i64 = 183 * 24 * 3600;
/// Allowed auto-close delays: 1 hour to 365 days.
pub const AUTO_CLOSE_RANGE: RangeInclusive<i64> = 3600..=365 * 86_400;
/// Allowed reopen windows: none to 3 years.
pub const REOPEN_WINDOW_RANGE: RangeInclusive<i64> = 0..=3 * 366 * 86_400;

/// The settings a customer company can be created with, and that change afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanySettings {
    pub require_two_factor: bool,
    pub auto_close_after_secs: i64,
    pub reopen_window_secs: i64,
}

impl Default for CompanySettings {
    fn default() -> Self {
        Self {
            require_two_factor: false,
            auto_close_after_secs: DEFAULT_AUTO_CLOSE_AFTER_SECS,
            reopen_window_secs: DEFAULT_REOPEN_WINDOW_SECS,
        }
    }
}

impl CompanySettings {
    /// Settings from the values given (defaults for the absent ones), or every value out of
    /// its range, by field.
    pub fn parse(
        require_two_factor: bool,
        auto_close_after_secs: Option<i64>,
        reopen_window_secs: Option<i64>,
    ) -> Result<Self, Vec<ApiError>> {
        let defaults = Self {
            require_two_factor,
            ..Self::default()
        };
        defaults.with_durations(auto_close_after_secs, reopen_window_secs)
    }

    /// These settings with the durations given (the current ones for the absent), or every
    /// value out of its range, by field.
    pub fn with_durations(
        self,
        auto_close_after_secs: Option<i64>,
        reopen_window_secs: Option<i64>,
    ) -> Result<Self, Vec<ApiError>> {
        let defaults = self;
        let auto_close = in_range(
            auto_close_after_secs.unwrap_or(defaults.auto_close_after_secs),
            AUTO_CLOSE_RANGE,
            "autoCloseAfterSeconds",
        );
        let reopen = in_range(
            reopen_window_secs.unwrap_or(defaults.reopen_window_secs),
            REOPEN_WINDOW_RANGE,
            "reopenWindowSeconds",
        );
        match (auto_close, reopen) {
            (Ok(auto_close_after_secs), Ok(reopen_window_secs)) => Ok(Self {
                require_two_factor: self.require_two_factor,
                auto_close_after_secs,
                reopen_window_secs,
            }),
            (auto_close, reopen) => Err([auto_close.err(), reopen.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

fn in_range(value: i64, range: RangeInclusive<i64>, field: &str) -> Result<i64, ApiError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_input(
            field,
            InputReason::OutOfRange,
            format!(
                "must be between {} and {} seconds",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// How long a closed request of `company` can be reopened (the default without one).
pub fn reopen_window(company: Option<&Company>) -> Duration {
    Duration::seconds(company.map_or(DEFAULT_REOPEN_WINDOW_SECS, |c| c.reopen_window_secs))
}

/// How long a proposed solution of `company` waits for an answer before it closes.
pub fn auto_close_after(company: Option<&Company>) -> Duration {
    Duration::seconds(company.map_or(DEFAULT_AUTO_CLOSE_AFTER_SECS, |c| c.auto_close_after_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_durations_take_the_defaults_and_out_of_range_ones_are_each_reported() {
        assert_eq!(
            CompanySettings::parse(true, None, None).unwrap(),
            CompanySettings {
                require_two_factor: true,
                ..CompanySettings::default()
            }
        );
        let problems = CompanySettings::parse(false, Some(59), Some(-1)).unwrap_err();
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["autoCloseAfterSeconds", "reopenWindowSeconds"]);
        assert!(CompanySettings::parse(false, Some(3600), Some(0)).is_ok());
    }
}
