//! Every fixed limit on credentials, in one place: the modules that enforce them (`throttle`,
//! `password_policy`, `totp`, `passwords`, `login`, `accounts::credentials`) read them from
//! here. The limits an operator may tune are `auth.*` settings (`config.rs`): session idle and
//! absolute lifetimes, the login challenge's lifetime, set-up and reset link lifetimes,
//! credential checks per client address a minute, hashing threads.

use chrono::Duration;

// Passwords (NIST SP 800-63B: length and a guessability estimate, no composition rules).

/// Shortest password accepted.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted (Argon2 hashes any length; this bounds the work per attempt).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// zxcvbn's score 3 ("safely unguessable: moderate protection from offline slow-hash
/// attacks"): at least 10^8 guesses, the person's own login, e-mail and names counting against.
pub const PASSWORD_MIN_GUESSES_LOG10: f64 = 8.0;
/// Password checks that may wait per hashing thread (about 0.8 s of work at 25 ms a hash);
/// beyond that a login answers `SERVER_BUSY` at once.
pub const HASHES_QUEUED_PER_THREAD: usize = 32;

// Throttling per account (in the database, shared by every server instance).

/// Consecutive password failures before checks slow down.
pub const FREE_FAILURES: u64 = 10;
/// First delay once slowed down; it doubles with each further failure.
pub const FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest delay between two checks of one account.
pub const MAX_DELAY: Duration = Duration::minutes(15);
/// Password checks per account per hour.
pub const PASSWORD_CHECKS_PER_HOUR: u64 = 100;
/// Second-factor failures per account per 24 hours.
pub const SECOND_FACTOR_FAILURES_PER_DAY: u64 = 10;
/// Attempts older than this are no longer needed by any rule.
pub const ATTEMPT_RETENTION: Duration = Duration::hours(24);
/// Reset mails per account per hour.
pub const RESETS_PER_HOUR: u64 = 3;

// The second factor (RFC 6238).

/// Bytes of a TOTP secret (160 bits).
pub const TOTP_SECRET_BYTES: usize = 20;
/// Seconds of a TOTP time step.
pub const TOTP_STEP_SECS: u64 = 30;
/// Steps accepted either side of the current one (clock drift).
pub const TOTP_SKEW_STEPS: u64 = 1;
/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: 16 base32 symbols, 80 bits.
pub const RECOVERY_CODE_CHARS: usize = 16;

// Identifiers.

/// Longest login name or e-mail address looked up; longer input matches no account.
pub const MAX_LOGIN_CHARS: usize = 254;

/// The delay before the next password check after `failures` consecutive failures.
pub fn delay_after(failures: u64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(10);
    (FIRST_DELAY * 2_i32.pow(doublings)).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_ten_failures_double_and_stop_at_fifteen_minutes() {
        assert_eq!(delay_after(9), Duration::zero());
        assert_eq!(delay_after(10), Duration::seconds(30));
        assert_eq!(delay_after(11), Duration::seconds(60));
        assert_eq!(delay_after(14), Duration::seconds(480));
        assert_eq!(delay_after(15), Duration::minutes(15));
        assert_eq!(delay_after(1_000), Duration::minutes(15));
    }
}
