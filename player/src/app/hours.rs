//! The user's hours as state: their time zone (IANA name; the computer's own zone is offered
//! when none is set) and quiet hours (local start and end, or off), loaded from `GET /api/me` at
//! sign-in and saved with `PATCH /api/me`. The server checks both; its refusal is shown as it
//! said it. What the user asks ([`HoursAction`]) and the answers ([`HoursLoaded`]) are carried
//! out here.

use std::path::Path;

use vidmsg_api::{ClientError, Me, QuietHours, UpdateMe};

use super::PlayerApp;
use super::library::{Library, Loaded};

/// The default quiet hours offered when the user has none.
const DEFAULT_QUIET: (&str, &str) = ("18:00", "09:00");

/// What the hours window draws: the drafts, and what the server holds.
pub struct Hours {
    /// Whether the window is open.
    pub open: bool,
    /// The server's answer arrived (the drafts show the saved values).
    pub loaded: bool,
    pub time_zone: String,
    pub quiet: bool,
    pub start: String,
    pub end: String,
    /// The computer's own time zone, offered as the default.
    pub system_zone: Option<String>,
    /// What the server holds (`None`: not set).
    pub saved_zone: Option<String>,
    pub saved_quiet: Option<QuietHours>,
    pub saving: bool,
    pub error: Option<String>,
    /// "Saved." after a save the server took.
    pub status: Option<String>,
}

impl Default for Hours {
    fn default() -> Self {
        Self {
            open: false,
            loaded: false,
            time_zone: String::new(),
            quiet: false,
            start: DEFAULT_QUIET.0.into(),
            end: DEFAULT_QUIET.1.into(),
            system_zone: None,
            saved_zone: None,
            saved_quiet: None,
            saving: false,
            error: None,
            status: None,
        }
    }
}

impl Hours {
    /// The drafts take what the server holds (the computer's zone where none is set).
    fn take(&mut self, me: &Me) {
        self.loaded = true;
        self.saved_zone = me.time_zone.clone();
        self.saved_quiet = me.quiet_hours.clone();
        self.time_zone = me
            .time_zone
            .clone()
            .or_else(|| self.system_zone.clone())
            .unwrap_or_default();
        self.quiet = me.quiet_hours.is_some();
        let (start, end) = me
            .quiet_hours
            .as_ref()
            .map_or(DEFAULT_QUIET, |q| (q.start.as_str(), q.end.as_str()));
        self.start = start.to_string();
        self.end = end.to_string();
    }

    /// The change to send: the zone (empty clears it) and the quiet hours (off clears them).
    pub fn update(&self) -> UpdateMe {
        let zone = self.time_zone.trim();
        UpdateMe {
            time_zone: Some((!zone.is_empty()).then(|| zone.to_string())),
            quiet_hours: Some(self.quiet.then(|| QuietHours {
                start: self.start.trim().to_string(),
                end: self.end.trim().to_string(),
            })),
        }
    }
}

/// What the user asked of their hours.
#[derive(Debug, Clone)]
pub enum HoursAction {
    /// Open or close the window.
    Toggle,
    EditZone(String),
    UseSystemZone,
    SetQuiet(bool),
    EditStart(String),
    EditEnd(String),
    Save,
}

/// The server's answers about the user's hours.
#[derive(Debug)]
pub enum HoursLoaded {
    /// `GET /api/me` at sign-in, with the computer's own zone.
    Me {
        me: Result<Me, ClientError>,
        system_zone: Option<String>,
    },
    Saved(Result<Me, ClientError>),
}

impl PlayerApp {
    /// Carries out an [`HoursAction`].
    pub(super) fn apply_hours(&mut self, action: HoursAction) {
        let h = &mut self.state.hours;
        if !matches!(action, HoursAction::Toggle | HoursAction::Save) {
            h.status = None;
        }
        match action {
            HoursAction::Toggle => {
                h.open = !h.open;
                h.status = None;
                h.error = None;
                // Both open at the header's right edge: one at a time.
                if h.open {
                    self.state.notifications.open = false;
                }
            }
            HoursAction::EditZone(z) => h.time_zone = z,
            HoursAction::UseSystemZone => {
                if let Some(z) = &h.system_zone {
                    h.time_zone = z.clone();
                }
            }
            HoursAction::SetQuiet(on) => h.quiet = on,
            HoursAction::EditStart(s) => h.start = s,
            HoursAction::EditEnd(s) => h.end = s,
            HoursAction::Save => {
                if let Some(lib) = &self.lib {
                    lib.save_hours(h.update());
                    h.saving = true;
                    h.error = None;
                    h.status = None;
                }
            }
        }
    }

    /// Applies an [`HoursLoaded`] answer.
    pub(super) fn apply_hours_loaded(&mut self, loaded: HoursLoaded) {
        let h = &mut self.state.hours;
        match loaded {
            HoursLoaded::Me { me, system_zone } => {
                h.system_zone = system_zone;
                match me {
                    Ok(me) => h.take(&me),
                    Err(e) => h.error = Some(format!("Could not load your hours: {e}")),
                }
            }
            HoursLoaded::Saved(r) => {
                h.saving = false;
                match r {
                    Ok(me) => {
                        h.take(&me);
                        h.error = None;
                        h.status = Some("Saved.".into());
                        // Thread headers show everyone's local time and quiet hours, ours too.
                        self.load_people();
                    }
                    Err(e) => h.error = Some(super::inbox::refusal(&e)),
                }
            }
        }
    }

    /// Loads the user's hours (at sign-in).
    pub(super) fn load_hours(&mut self) {
        if let Some(lib) = &self.lib {
            lib.hours();
        }
    }
}

/// The user's hours on the server.
impl Library {
    pub fn hours(&self) {
        self.spawn(|c| async move {
            let me = c.me_with_limits().await;
            Loaded::Hours(HoursLoaded::Me {
                me,
                system_zone: system_time_zone(),
            })
        });
    }

    pub fn save_hours(&self, update: UpdateMe) {
        self.spawn(move |c| async move {
            Loaded::Hours(HoursLoaded::Saved(c.update_me(&update).await))
        });
    }
}

/// The computer's time zone as an IANA name: `TZ` when it names one, else `/etc/timezone`, else
/// where the `/etc/localtime` link points.
pub fn system_time_zone() -> Option<String> {
    let from_env = std::env::var("TZ").ok().and_then(|tz| {
        let tz = tz.trim().trim_start_matches(':');
        zone_from_path(Path::new(tz))
            .or_else(|| (tz.contains('/') && !tz.starts_with('/')).then(|| tz.to_string()))
    });
    from_env
        .or_else(|| {
            std::fs::read_to_string("/etc/timezone")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| {
            std::fs::read_link("/etc/localtime")
                .ok()
                .and_then(|p| zone_from_path(&p))
        })
}

/// `…/zoneinfo/Europe/Berlin` (also `…/zoneinfo/posix/…`) → `Europe/Berlin`.
fn zone_from_path(p: &Path) -> Option<String> {
    let s = p.to_str()?;
    let (_, zone) = s.split_once("zoneinfo/")?;
    let zone = zone
        .strip_prefix("posix/")
        .or_else(|| zone.strip_prefix("right/"))
        .unwrap_or(zone);
    (!zone.is_empty()).then(|| zone.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localtime_link_names_its_zone() {
        assert_eq!(
            zone_from_path(Path::new("/usr/share/zoneinfo/Europe/Berlin")).as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            zone_from_path(Path::new("../usr/share/zoneinfo/posix/Asia/Tokyo")).as_deref(),
            Some("Asia/Tokyo")
        );
        assert_eq!(zone_from_path(Path::new("/etc/localtime")), None);
    }

    #[test]
    fn quiet_hours_off_clears_them_and_an_empty_zone_clears_it() {
        let mut h = Hours {
            time_zone: " Europe/Berlin ".into(),
            quiet: true,
            ..Hours::default()
        };
        let u = h.update();
        assert_eq!(u.time_zone, Some(Some("Europe/Berlin".into())));
        assert_eq!(
            u.quiet_hours,
            Some(Some(QuietHours {
                start: "18:00".into(),
                end: "09:00".into()
            }))
        );
        h.quiet = false;
        h.time_zone.clear();
        let u = h.update();
        assert_eq!((u.time_zone, u.quiet_hours), (Some(None), Some(None)));
    }
}
