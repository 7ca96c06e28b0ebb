//! A person's hours as the server uses them: their zone and quiet hours from the database,
//! checked once ([`PersonHours::from_stored`]) and asked when to deliver and what time it is
//! for them.

use vidmsg_api::QuietHours as ApiQuietHours;

use crate::db::Hours;
use crate::domain::{DomainError, QuietHours, Zone};

#[derive(Debug, Clone, Default)]
pub struct PersonHours {
    pub zone: Option<Zone>,
    pub quiet: Option<QuietHours>,
}

impl PersonHours {
    /// Stored values that no longer parse (a zone the database dropped) count as unset.
    pub fn from_stored(h: &Hours) -> Self {
        let zone = h.time_zone.as_deref().and_then(|z| Zone::parse(z).ok());
        let quiet = match (h.quiet_start_min, h.quiet_end_min) {
            (Some(s), Some(e)) => QuietHours::from_minutes(s, e),
            _ => None,
        };
        Self { zone, quiet }
    }

    /// Checks what `PATCH /api/me` asks for: quiet hours need a time zone to be read in.
    pub fn parse(
        time_zone: Option<&str>,
        quiet: Option<&ApiQuietHours>,
    ) -> Result<Self, DomainError> {
        let zone = time_zone.map(Zone::parse).transpose()?;
        let quiet = quiet
            .map(|q| QuietHours::parse(&q.start, &q.end))
            .transpose()?;
        if quiet.is_some() && zone.is_none() {
            return Err(DomainError(
                "quiet hours are local times: set a time_zone too (e.g. \"Europe/Berlin\")".into(),
            ));
        }
        Ok(Self { zone, quiet })
    }

    pub fn to_stored(&self) -> Hours {
        Hours {
            time_zone: self.zone.as_ref().map(|z| z.name().to_string()),
            quiet_start_min: self.quiet.map(|q| i64::from(q.start_minutes())),
            quiet_end_min: self.quiet.map(|q| i64::from(q.end_minutes())),
        }
    }

    pub fn time_zone(&self) -> Option<String> {
        self.zone.as_ref().map(|z| z.name().to_string())
    }

    pub fn quiet_hours(&self) -> Option<ApiQuietHours> {
        self.quiet.map(QuietHours::to_api)
    }

    pub fn local_time(&self, now_ms: i64) -> Option<String> {
        self.zone.as_ref().map(|z| z.local_time(now_ms))
    }

    pub fn is_quiet(&self, now_ms: i64) -> bool {
        match (&self.zone, &self.quiet) {
            (Some(z), Some(q)) => q.is_quiet(z, now_ms),
            _ => false,
        }
    }

    /// When a normal (not urgent) message posted at `now_ms` should reach this person.
    pub fn deliver_at(&self, now_ms: i64) -> i64 {
        match (&self.zone, &self.quiet) {
            (Some(z), Some(q)) => q.deliver_at(z, now_ms),
            _ => now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_need_a_zone_and_round_trip_through_storage() {
        let q = ApiQuietHours {
            start: "18:00".into(),
            end: "09:00".into(),
        };
        let e = PersonHours::parse(None, Some(&q)).expect_err("no zone");
        assert!(e.0.contains("time_zone"), "{}", e.0);
        let h = PersonHours::parse(Some("Europe/Berlin"), Some(&q)).expect("valid");
        let back = PersonHours::from_stored(&h.to_stored());
        assert_eq!(back.time_zone().as_deref(), Some("Europe/Berlin"));
        assert_eq!(back.quiet_hours(), Some(q));
        // Without hours, everything is delivered at once and nobody is quiet.
        let none = PersonHours::default();
        assert_eq!(none.deliver_at(42), 42);
        assert!(!none.is_quiet(42));
    }
}
