//! Sharing a thread by link, as state: the open thread's link (on or off, its URL, password and
//! expiry) and the drafts of the "Share by link" window; what the user asks ([`ShareAction`]) and
//! the server's answers ([`ShareLoaded`]) are carried out here. Only the thread's creator or an
//! admin may change it (the server says so otherwise); anyone in the thread may copy it.

use vidmsg_api::{ClientError, Id, SetThreadLink, ThreadLink};

use super::PlayerApp;
use super::library::{Library, Loaded};

/// What the window draws.
#[derive(Default)]
pub struct Share {
    /// The thread whose link the window shows (`None`: closed).
    pub thread: Option<Id>,
    pub link: Option<ThreadLink>,
    /// Drafts for turning it on: a password (empty: none) and days until it expires (empty:
    /// never).
    pub password: String,
    pub days: String,
    pub busy: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ShareAction {
    /// Open the window for a thread (or close it).
    Open(Option<Id>),
    EditPassword(String),
    EditDays(String),
    /// Turn the link on with the drafts (a new URL each time), or off.
    Enable,
    Disable,
    Copy,
}

#[derive(Debug)]
pub enum ShareLoaded {
    Link {
        thread: Id,
        result: Result<ThreadLink, ClientError>,
    },
}

/// The expiry the drafts ask for, in ms since the epoch (`None`: never), or why not.
pub fn expiry(days: &str, now_ms: i64) -> Result<Option<i64>, String> {
    let d = days.trim();
    if d.is_empty() {
        return Ok(None);
    }
    match d.parse::<u32>() {
        Ok(n) if (1..=365).contains(&n) => Ok(Some(now_ms + i64::from(n) * 24 * 3600 * 1000)),
        _ => Err("Expires after: a number of days from 1 to 365, or empty for never.".into()),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl PlayerApp {
    pub(super) fn apply_share(&mut self, action: ShareAction) {
        let s = &mut self.state.share;
        match action {
            ShareAction::Open(thread) => {
                *s = Share {
                    thread,
                    ..Share::default()
                };
                if let (Some(t), Some(lib)) = (thread, &self.lib) {
                    s.busy = true;
                    lib.thread_link(t);
                }
            }
            ShareAction::EditPassword(p) => s.password = p,
            ShareAction::EditDays(d) => s.days = d,
            ShareAction::Enable | ShareAction::Disable => {
                let Some(thread) = s.thread else { return };
                let enabled = matches!(action, ShareAction::Enable);
                let expires_at = if enabled {
                    match expiry(&s.days, now_ms()) {
                        Ok(e) => e,
                        Err(e) => {
                            s.error = Some(e);
                            return;
                        }
                    }
                } else {
                    None
                };
                let body = SetThreadLink {
                    enabled,
                    password: (enabled && !s.password.is_empty()).then(|| s.password.clone()),
                    expires_at,
                };
                if let Some(lib) = &self.lib {
                    s.busy = true;
                    s.error = None;
                    lib.set_thread_link(thread, body);
                }
            }
            ShareAction::Copy => {
                if let Some(url) = s.link.as_ref().and_then(|l| l.url.clone()) {
                    self.ctx.copy_text(url.clone());
                    self.state.notice = Some(format!("Share link copied: {url}"));
                }
            }
        }
    }

    pub(super) fn apply_share_loaded(&mut self, loaded: ShareLoaded) {
        let ShareLoaded::Link { thread, result } = loaded;
        let s = &mut self.state.share;
        if s.thread != Some(thread) {
            return; // the window moved on to another thread
        }
        s.busy = false;
        match result {
            Ok(link) => {
                s.error = None;
                s.password.clear();
                s.link = Some(link);
            }
            Err(e) => s.error = Some(super::inbox::refusal(&e)),
        }
    }
}

/// The thread's link on the server.
impl Library {
    pub fn thread_link(&self, thread: Id) {
        self.spawn(move |c| async move {
            Loaded::Share(ShareLoaded::Link {
                thread,
                result: c.thread_link(thread).await,
            })
        });
    }

    pub fn set_thread_link(&self, thread: Id, body: SetThreadLink) {
        self.spawn(move |c| async move {
            Loaded::Share(ShareLoaded::Link {
                thread,
                result: c.set_thread_link(thread, &body).await,
            })
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiry_is_days_from_now_or_never() {
        assert_eq!(super::expiry("", 5), Ok(None));
        assert_eq!(super::expiry(" 2 ", 0), Ok(Some(2 * 86_400_000)));
        assert!(super::expiry("0", 0).is_err());
        assert!(super::expiry("soon", 0).is_err());
    }
}
