//! Formatting for people, the same way in both apps: clocks, dates and sizes.

use std::time::Duration;

/// A position or a length in milliseconds as a clock: `m:ss` under an hour, `h:mm:ss` from an
/// hour on. Negative values show as `0:00`.
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// [`clock`] for a [`Duration`].
pub fn clock_of(d: Duration) -> String {
    clock(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `YYYY-MM-DD HH:MM` UTC for unix seconds (civil-from-days, no time-zone database).
pub fn date_time(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let rem = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        rem / 60 % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_sizes() {
        assert_eq!(super::date_time(0), "1970-01-01 00:00");
        assert_eq!(super::date_time(1_795_000_000), "2026-11-18 11:06");
        assert_eq!(super::megabytes(1_500_000), "1.5 MB");
    }

    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(-5), "0:00");
        assert_eq!(clock(65_432), "1:05");
        assert_eq!(clock(3_599_999), "59:59");
        assert_eq!(clock(3_725_000), "1:02:05");
        assert_eq!(clock_of(Duration::from_secs(36_000)), "10:00:00");
    }
}
