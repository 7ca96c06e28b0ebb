//! Quiet hours: a daily span of local time (`18:00`–`09:00`) during which only urgent messages
//! notify at once; others wait for its end. An end before the start spans midnight.

use jiff::Timestamp;
use jiff::civil::Time;

use super::{DomainError, Zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// Minutes after local midnight.
    start: u16,
    end: u16,
}

const MINUTES_PER_DAY: u16 = 24 * 60;

impl QuietHours {
    pub fn parse(start: &str, end: &str) -> Result<Self, DomainError> {
        let (start, end) = (minutes(start)?, minutes(end)?);
        if start == end {
            return Err(DomainError(
                "quiet hours must start and end at different times (to turn them off, send \
                 \"quiet_hours\": null)"
                    .into(),
            ));
        }
        Ok(Self { start, end })
    }

    /// From the database's columns (minutes after midnight); `None` if they are unusable.
    pub fn from_minutes(start: i64, end: i64) -> Option<Self> {
        let ok = |m: i64| u16::try_from(m).ok().filter(|m| *m < MINUTES_PER_DAY);
        let (start, end) = (ok(start)?, ok(end)?);
        (start != end).then_some(Self { start, end })
    }

    pub fn start_minutes(&self) -> u16 {
        self.start
    }

    pub fn end_minutes(&self) -> u16 {
        self.end
    }

    pub fn to_api(self) -> vidmsg_api::QuietHours {
        vidmsg_api::QuietHours {
            start: hhmm(self.start),
            end: hhmm(self.end),
        }
    }

    /// True if the local minute of day `m` falls inside (start inclusive, end exclusive).
    fn contains(&self, m: u16) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&m)
        } else {
            m >= self.start || m < self.end
        }
    }

    /// True if `at_ms` is inside these quiet hours in `zone`.
    pub fn is_quiet(&self, zone: &Zone, at_ms: i64) -> bool {
        let Ok(ts) = Timestamp::from_millisecond(at_ms) else {
            return false;
        };
        let local = ts.to_zoned(zone.tz().clone());
        self.contains(local.hour() as u16 * 60 + local.minute() as u16)
    }

    /// When a message sent at `at_ms` should notify: at once outside quiet hours, else at the
    /// next local `end` (on a day without that wall-clock time, the first instant after it).
    pub fn deliver_at(&self, zone: &Zone, at_ms: i64) -> i64 {
        if !self.is_quiet(zone, at_ms) {
            return at_ms;
        }
        let Ok(ts) = Timestamp::from_millisecond(at_ms) else {
            return at_ms;
        };
        let now = ts.to_zoned(zone.tz().clone());
        let end = Time::constant((self.end / 60) as i8, (self.end % 60) as i8, 0, 0);
        // Today's end, or tomorrow's if today's has passed (the span crossed midnight).
        for days in 0..=2 {
            let Ok(date) = now.date().checked_add(jiff::Span::new().days(days)) else {
                break;
            };
            let Ok(at) = date.to_datetime(end).to_zoned(zone.tz().clone()) else {
                continue;
            };
            let ms = at.timestamp().as_millisecond();
            if ms > at_ms {
                return ms;
            }
        }
        at_ms
    }
}

/// `HH:MM` (24-hour) as minutes after midnight.
fn minutes(s: &str) -> Result<u16, DomainError> {
    let bad = || {
        DomainError(format!(
            "quiet hours take 24-hour local times as HH:MM, e.g. \"18:00\" and \"09:00\"; got {s:?}"
        ))
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().expect("timestamp").as_millisecond()
    }

    fn berlin() -> Zone {
        Zone::parse("Europe/Berlin").expect("zone")
    }

    #[test]
    fn parses_hh_mm_and_refuses_the_rest() {
        let q = QuietHours::parse("18:00", "09:30").expect("valid");
        assert_eq!((q.start_minutes(), q.end_minutes()), (1080, 570));
        assert_eq!(q.to_api().end, "09:30");
        for bad in ["6pm", "24:00", "18:60", "1:00", "", "18:00:00"] {
            assert!(QuietHours::parse(bad, "09:00").is_err(), "{bad}");
        }
        assert!(QuietHours::parse("09:00", "09:00").is_err());
        assert_eq!(QuietHours::from_minutes(1080, 1080), None);
        assert_eq!(QuietHours::from_minutes(-1, 5), None);
    }

    #[test]
    fn a_span_over_midnight_holds_until_the_morning() {
        let q = QuietHours::parse("18:00", "09:00").expect("valid");
        // 20:00 in Berlin (18:00 UTC, winter): held until 09:00 Berlin = 08:00 UTC next day.
        assert_eq!(
            q.deliver_at(&berlin(), ms("2026-01-14T19:00:00Z")),
            ms("2026-01-15T08:00:00Z")
        );
        // 02:00 Berlin: held until 09:00 the same day.
        assert_eq!(
            q.deliver_at(&berlin(), ms("2026-01-15T01:00:00Z")),
            ms("2026-01-15T08:00:00Z")
        );
        // 12:00 Berlin: at once.
        let noon = ms("2026-01-15T11:00:00Z");
        assert_eq!(q.deliver_at(&berlin(), noon), noon);
        // The end itself is not quiet; the start is.
        assert!(!q.is_quiet(&berlin(), ms("2026-01-15T08:00:00Z")));
        assert!(q.is_quiet(&berlin(), ms("2026-01-15T17:00:00Z")));
    }

    #[test]
    fn a_daytime_span_and_other_zones() {
        let q = QuietHours::parse("12:00", "13:00").expect("valid");
        let ny = Zone::parse("America/New_York").expect("zone");
        // 12:30 in New York (EST, UTC-5) = 17:30 UTC: held until 13:00 NY = 18:00 UTC.
        assert_eq!(
            q.deliver_at(&ny, ms("2026-01-15T17:30:00Z")),
            ms("2026-01-15T18:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_changes_move_the_end_with_the_wall_clock() {
        // Berlin springs forward on 2026-03-29 (02:00 → 03:00): 09:00 is 07:00 UTC that day.
        let q = QuietHours::parse("22:00", "09:00").expect("valid");
        assert_eq!(
            q.deliver_at(&berlin(), ms("2026-03-28T22:00:00Z")),
            ms("2026-03-29T07:00:00Z")
        );
        // An end inside the skipped hour (02:30) is delivered at the first instant after it.
        let q = QuietHours::parse("22:00", "02:30").expect("valid");
        let at = q.deliver_at(&berlin(), ms("2026-03-28T22:00:00Z"));
        assert!(
            at > ms("2026-03-28T22:00:00Z") && at <= ms("2026-03-29T01:30:00Z"),
            "{at}"
        );
    }
}
