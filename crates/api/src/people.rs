//! People and their hours: who is in the workspace, where their day is, and when they do not
//! want to be disturbed (`GET /api/users`, `GET/PATCH /api/me`).

use serde::{Deserialize, Deserializer, Serialize};

use crate::types::{Id, Limits, Role, User};

/// A daily span of local time ("18:00" to "09:00") during which only urgent messages notify.
/// `end` before `start` spans midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuietHours {
    /// `HH:MM`, 24-hour, in the person's time zone.
    pub start: String,
    /// `HH:MM`, 24-hour, in the person's time zone.
    pub end: String,
}

/// A person of the workspace, for pickers and thread headers (`GET /api/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub role: Role,
    /// IANA time zone (`Europe/Berlin`); `null` when the person has not set one.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The person's wall-clock time now (`HH:MM`), when their time zone is known.
    #[serde(default)]
    pub local_time: Option<String>,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    /// True while the person is inside their quiet hours (a normal message waits until they end).
    #[serde(default)]
    pub in_quiet_hours: bool,
}

/// `GET /api/me` (and `PATCH /api/me`'s answer): the signed-in user, its limits and its hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    pub limits: Limits,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

/// `PATCH /api/me`: a field left out stays as it is; `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMe {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub time_zone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<QuietHours>))]
    pub quiet_hours: Option<Option<QuietHours>>,
}

/// A field that is present (even as `null`) is `Some`; a missing one stays `None` (`default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_me_tells_missing_from_null() {
        let missing: UpdateMe = serde_json::from_str("{}").expect("parses");
        assert_eq!(missing.time_zone, None);
        let cleared: UpdateMe = serde_json::from_str(r#"{"time_zone": null}"#).expect("parses");
        assert_eq!(cleared.time_zone, Some(None));
        let set: UpdateMe = serde_json::from_str(
            r#"{"time_zone": "Europe/Berlin", "quiet_hours": {"start": "18:00", "end": "09:00"}}"#,
        )
        .expect("parses");
        assert_eq!(set.time_zone, Some(Some("Europe/Berlin".into())));
        assert_eq!(
            set.quiet_hours,
            Some(Some(QuietHours {
                start: "18:00".into(),
                end: "09:00".into()
            }))
        );
        // What the client sends round-trips: `Some(None)` goes out as `null`.
        let json = serde_json::to_string(&UpdateMe {
            time_zone: Some(None),
            quiet_hours: None,
        })
        .expect("serializes");
        assert_eq!(json, r#"{"time_zone":null}"#);
    }
}
