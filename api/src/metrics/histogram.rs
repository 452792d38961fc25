//! Durations kept as counts in logarithmic buckets, so a percentile over any range of days is a
//! sum of a few hundred counters instead of a sort of every sample.
//!
//! Bucket `0` holds durations under one second; bucket `i ≥ 1` holds durations `d` (seconds)
//! with `γ^(i-2) < d ≤ γ^(i-1)`, where `γ = (1 + α) / (1 − α)`. A bucket answers with
//! `2·γ^(i-1) / (γ + 1)`, which is within `α` (relative) of every duration in it. A percentile
//! is the nearest-rank one (the smallest sample with at least that share of the samples at or
//! below it): the bucket that holds the exact sample of that rank is the one found by adding
//! counts, so the answer is within `α` of the exact percentile, or within one second for
//! durations under a second.

/// The relative error of a percentile.
pub const RELATIVE_ERROR: f64 = 0.05;

/// `γ`: the ratio of a bucket's upper bound to its lower one.
fn gamma() -> f64 {
    (1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)
}

/// The highest bucket (about 10¹⁸ seconds: every duration fits).
const LAST: i32 = 1_000;

/// The bucket of a duration in seconds.
pub fn bucket(seconds: f64) -> i32 {
    if seconds.is_nan() || seconds < 1.0 {
        return 0;
    }
    let i = (seconds.ln() / gamma().ln()).ceil();
    // `i` is at least 0 here; the cast saturates on absurd durations.
    ((i as i32).saturating_add(1)).clamp(1, LAST)
}

/// The duration (seconds) a bucket answers with.
pub fn value(bucket: i32) -> f64 {
    if bucket <= 0 {
        return 0.0;
    }
    let g = gamma();
    2.0 * g.powi(bucket - 1) / (g + 1.0)
}

/// The nearest-rank percentile `q` (0 < q ≤ 1) of the samples counted per bucket, in seconds;
/// `None` without samples. `counts` need not be sorted; buckets may repeat.
pub fn percentile(counts: &[(i32, i64)], q: f64) -> Option<f64> {
    let mut sorted: Vec<(i32, i64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The rank (1-based) of the nearest-rank percentile.
    let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (bucket, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(value(bucket));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact nearest-rank percentile of samples.
    fn exact(samples: &mut [f64], q: f64) -> f64 {
        samples.sort_by(f64::total_cmp);
        let rank = ((q * samples.len() as f64).ceil() as usize).max(1);
        samples[rank - 1]
    }

    fn counted(samples: &[f64]) -> Vec<(i32, i64)> {
        samples.iter().map(|s| (bucket(*s), 1)).collect()
    }

    #[test]
    fn every_duration_is_answered_within_the_error_bound() {
        // Every power-of-ten scale, and the bucket bounds themselves (the worst case).
        let mut d = 1.0;
        while d < 1e10 {
            let answer = value(bucket(d));
            assert!(
                (answer - d).abs() <= RELATIVE_ERROR * d * (1.0 + 1e-9),
                "{d} answered {answer}"
            );
            d *= 1.013;
        }
        for i in 1..300 {
            let bound = gamma().powi(i);
            for d in [bound, bound * (1.0 + 1e-12), bound * (1.0 - 1e-12)] {
                let answer = value(bucket(d));
                assert!((answer - d).abs() <= RELATIVE_ERROR * d * (1.0 + 1e-9));
            }
        }
        assert_eq!(value(bucket(0.4)), 0.0);
        assert_eq!(value(bucket(-5.0)), 0.0);
    }

    #[test]
    fn percentiles_of_generated_durations_are_within_the_bound_of_the_exact_ones() {
        // A mixed data set: minutes to months, heavy-tailed, with ties, over many rounds.
        let mut state = 0x2026_1205_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1_000_000) as f64 / 1_000_000.0
        };
        for round in 0..200 {
            let n = 1 + round * 37;
            let mut samples: Vec<f64> = (0..n)
                .map(|_| {
                    let scale = [60.0, 3_600.0, 86_400.0, 2_592_000.0][(next() * 4.0) as usize];
                    (scale * (1.0 + 20.0 * next() * next())).round()
                })
                .collect();
            let counts = counted(&samples);
            for q in [0.5, 0.9, 0.99, 1.0, 0.01] {
                let truth = exact(&mut samples, q);
                let estimate = percentile(&counts, q).unwrap();
                assert!(
                    (estimate - truth).abs() <= RELATIVE_ERROR * truth * (1.0 + 1e-9),
                    "round {round} q {q}: {estimate} for {truth}"
                );
            }
        }
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[(5, 0)], 0.5), None);
    }

    #[test]
    fn counts_of_one_bucket_add_up_wherever_they_come_from() {
        // Days and months each give their rows: the same bucket may come several times.
        let split = [(10, 2), (3, 1), (10, 1), (40, 1)];
        let merged = [(3, 1), (10, 3), (40, 1)];
        for q in [0.2, 0.5, 0.8, 1.0] {
            assert_eq!(percentile(&split, q), percentile(&merged, q));
        }
    }
}
