//! A person's time zone: an IANA name (`Europe/Berlin`) the server's time zone database knows.

use jiff::tz::TimeZone;

use super::DomainError;

#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = input.trim();
        if name.is_empty() || name.len() > 64 {
            return Err(DomainError(
                "time_zone must be an IANA time zone name such as Europe/Berlin or America/New_York"
                    .into(),
            ));
        }
        let tz = jiff::tz::db().get(name).map_err(|_| {
            DomainError(format!(
                "unknown time zone {name:?}; use an IANA name such as Europe/Berlin, \
                 America/New_York or UTC"
            ))
        })?;
        Ok(Self {
            name: name.to_string(),
            tz,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// Wall-clock time (`HH:MM`) in this zone at `at_ms` (ms since the epoch).
    pub fn local_time(&self, at_ms: i64) -> String {
        match jiff::Timestamp::from_millisecond(at_ms) {
            Ok(ts) => ts.to_zoned(self.tz.clone()).strftime("%H:%M").to_string(),
            Err(_) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Zone;

    #[test]
    fn names_are_checked_against_the_database() {
        assert_eq!(
            Zone::parse(" Europe/Berlin ").expect("known").name(),
            "Europe/Berlin"
        );
        assert!(Zone::parse("UTC").is_ok());
        let e = Zone::parse("Europe/Berln").expect_err("typo");
        assert!(e.0.contains("unknown time zone"), "{}", e.0);
        assert!(Zone::parse("").is_err());
        assert!(Zone::parse("../../etc/passwd").is_err());
    }

    #[test]
    fn local_time_follows_the_zone() {
        // 2026-07-01 12:00 UTC is 14:00 in Berlin (summer time), 08:00 in New York.
        let noon_utc = 1_782_907_200_000;
        assert_eq!(
            Zone::parse("Europe/Berlin")
                .expect("known")
                .local_time(noon_utc),
            "14:00"
        );
        assert_eq!(
            Zone::parse("America/New_York")
                .expect("known")
                .local_time(noon_utc),
            "08:00"
        );
    }
}
