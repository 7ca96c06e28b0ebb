//! Latency samples and the Markdown table rows the benchmark prints.

use std::time::Duration;

/// Latencies of one operation, plus its failures.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    pub latencies: Vec<Duration>,
    pub errors: u64,
    /// The first error seen, to print (the count alone does not say what went wrong).
    pub first_error: Option<String>,
}

impl Samples {
    pub fn ok(&mut self, d: Duration) {
        self.latencies.push(d);
    }

    pub fn err(&mut self, e: impl std::fmt::Display) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e.to_string());
        }
    }

    pub fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// The `p`th percentile (0–100) in milliseconds, nearest rank; 0 with no samples.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let mut v = self.latencies.clone();
        v.sort_unstable();
        percentile(&v, p)
    }
}

/// Nearest-rank percentile of sorted durations, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let idx = rank.clamp(1, sorted.len()) - 1;
    sorted[idx].as_secs_f64() * 1000.0
}

/// Milliseconds with one decimal below 10 ms, whole ones above.
pub fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for i in 1..=100 {
            s.ok(Duration::from_millis(i));
        }
        assert_eq!(s.percentile_ms(50.0), 50.0);
        assert_eq!(s.percentile_ms(99.0), 99.0);
        assert_eq!(s.percentile_ms(100.0), 100.0);
        s.ok(Duration::from_millis(1000));
        assert_eq!(s.percentile_ms(99.0), 100.0);
        assert_eq!(Samples::default().percentile_ms(99.0), 0.0);
    }
}
