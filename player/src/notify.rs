//! Desktop notifications (freedesktop, over D-Bus through `notify-rust`'s zbus backend) for the
//! notifications the event feed delivers. One background thread shows them, never the UI thread:
//! it gathers what arrives together (the end of quiet hours delivers every held notification at
//! once, all with the same `deliver_at_ms`) into one digest, shows urgent ones on their own with
//! critical urgency, and reports each attempt back. Each popup connects to the session bus named
//! by `DBUS_SESSION_BUS_ADDRESS` as it is at that moment. A missing notification daemon is
//! logged once, never shown as an error.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vidmsg_api::Notification;

/// How long the notifier waits for more notifications before showing what it has: those that
/// arrive within it share a popup when they share a delivery time.
const GATHER: Duration = Duration::from_millis(300);

/// The longest it gathers, however steadily they keep coming.
const GATHER_AT_MOST: Duration = Duration::from_secs(2);

/// The most titles a digest lists.
const DIGEST_TITLES: usize = 8;

/// One desktop popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Popup {
    pub summary: String,
    pub body: String,
    pub urgent: bool,
}

/// The popups for notifications that arrived together: each urgent one alone, the others one
/// each, or one digest per delivery time shared by several.
pub fn popups(batch: &[Notification]) -> Vec<Popup> {
    let mut out = Vec::new();
    let mut held: BTreeMap<i64, Vec<&Notification>> = BTreeMap::new();
    for n in batch {
        if n.urgent {
            out.push(Popup {
                summary: format!("Urgent — from {}: {}", n.author, n.title),
                body: format!("in {}", n.thread_title),
                urgent: true,
            });
        } else {
            held.entry(n.deliver_at_ms).or_default().push(n);
        }
    }
    for group in held.into_values() {
        match group.as_slice() {
            [n] => out.push(Popup {
                summary: format!("{} · {}", n.author, n.title),
                body: format!("in {}", n.thread_title),
                urgent: false,
            }),
            many => {
                let mut lines: Vec<String> = many
                    .iter()
                    .take(DIGEST_TITLES)
                    .map(|n| format!("{} · {} (in {})", n.author, n.title, n.thread_title))
                    .collect();
                if many.len() > DIGEST_TITLES {
                    lines.push(format!("and {} more", many.len() - DIGEST_TITLES));
                }
                out.push(Popup {
                    summary: format!("{} messages while you were away", many.len()),
                    body: lines.join("\n"),
                    urgent: false,
                });
            }
        }
    }
    out
}

/// What became of one popup: shown (the daemon's id for it) or why not.
pub type Shown = Result<u32, String>;

/// The handle of the notifier thread; dropping it ends the thread once it has shown what it has.
pub struct DesktopNotifier {
    tx: mpsc::Sender<Notification>,
}

impl DesktopNotifier {
    /// Starts the notifier thread; `report` hears about every popup it tried to show.
    pub fn start(report: impl Fn(Shown) + Send + 'static) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("desktop-notify".into())
            .spawn(move || run(&rx, &report))?;
        Ok(Self { tx })
    }

    /// Queues a delivered notification for the desktop (returns at once).
    pub fn show(&self, n: Notification) {
        if self.tx.send(n).is_err() {
            tracing::warn!("the desktop notifier thread has stopped");
        }
    }
}

fn run(rx: &mpsc::Receiver<Notification>, report: &dyn Fn(Shown)) {
    let mut warned = false;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        let until = Instant::now() + GATHER_AT_MOST;
        while let Some(wait) = until.checked_duration_since(Instant::now())
            && let Ok(n) = rx.recv_timeout(wait.min(GATHER))
        {
            batch.push(n);
        }
        for popup in popups(&batch) {
            let shown = send(&popup);
            if let Err(e) = &shown
                && !std::mem::replace(&mut warned, true)
            {
                tracing::warn!(
                    "no desktop notifications (no notification daemon on the session bus?): {e}"
                );
            }
            report(shown);
        }
    }
}

fn send(popup: &Popup) -> Shown {
    let mut n = notify_rust::Notification::new();
    n.appname("vidmsg")
        .summary(&popup.summary)
        .body(&popup.body)
        .urgency(if popup.urgent {
            notify_rust::Urgency::Critical
        } else {
            notify_rust::Urgency::Normal
        });
    n.show().map(|h| h.id()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: i64, title: &str, urgent: bool, deliver_at_ms: i64) -> Notification {
        Notification {
            id,
            message_id: id,
            thread_id: 1,
            thread_title: "Design".into(),
            author: "alice".into(),
            title: title.into(),
            urgent,
            created_at_ms: 0,
            deliver_at_ms,
            delivered: true,
            seen: false,
        }
    }

    #[test]
    fn one_message_is_one_popup_naming_its_author() {
        let p = popups(&[note(1, "Design review", false, 10)]);
        assert_eq!(
            p,
            [Popup {
                summary: "alice · Design review".into(),
                body: "in Design".into(),
                urgent: false
            }]
        );
    }

    #[test]
    fn urgent_ones_stand_alone_and_held_ones_become_one_digest() {
        let batch = [
            note(1, "One", false, 10),
            note(2, "Now", true, 5),
            note(3, "Two", false, 10),
            note(4, "Three", false, 10),
        ];
        let p = popups(&batch);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].summary, "Urgent — from alice: Now");
        assert!(p[0].urgent);
        assert_eq!(p[1].summary, "3 messages while you were away");
        assert_eq!(
            p[1].body,
            "alice · One (in Design)\nalice · Two (in Design)\nalice · Three (in Design)"
        );
    }

    #[test]
    fn different_delivery_times_are_separate_popups() {
        let p = popups(&[note(1, "One", false, 10), note(2, "Two", false, 20)]);
        assert_eq!(p.len(), 2);
    }
}
