//! Notifications as state: the recent ones and the unseen count (the header's badge), loaded at
//! sign-in and kept current from the event feed; each newly delivered one also goes to the
//! desktop (`crate::notify`, its own thread). Opening one opens its message the way a search hit
//! does and marks it seen. What the user asks ([`NotificationAction`]) and the server's answers
//! ([`NotificationLoaded`]) are carried out here.

use std::time::Duration;

use vidmsg_api::{ClientError, Id, MarkSeen, Notification, Notifications};

use super::PlayerApp;
use super::library::{Library, Loaded};
use crate::notify::{DesktopNotifier, Shown};

/// The most notifications kept for the list.
const KEEP: usize = 100;

/// What the badge and the notifications list draw.
#[derive(Default)]
pub struct NotificationCenter {
    /// The newest first: delivered ones, and held ones (`delivered: false`) from the list.
    pub items: Vec<Notification>,
    /// Delivered and not yet seen: the badge.
    pub unseen: i64,
    /// Whether the list is open.
    pub open: bool,
    pub error: Option<String>,
    /// Desktop popups shown so far, and why the last one could not be (if it could not).
    pub desktop_shown: u32,
    pub desktop_error: Option<String>,
}

impl NotificationCenter {
    /// The delivered ones, newest first (what the list shows).
    pub fn delivered(&self) -> impl Iterator<Item = &Notification> {
        self.items.iter().filter(|n| n.delivered)
    }

    /// How many are held until the user's quiet hours end.
    pub fn held(&self) -> usize {
        self.items.iter().filter(|n| !n.delivered).count()
    }
}

/// What the user asked of notifications.
#[derive(Debug, Clone)]
pub enum NotificationAction {
    /// Open or close the list.
    Toggle,
    /// Open this notification's message and mark it seen.
    Open(Notification),
    MarkAllSeen,
}

/// The server's answers about notifications, and the desktop notifier's reports.
#[derive(Debug)]
pub enum NotificationLoaded {
    List(Result<Notifications, ClientError>),
    Desktop(Shown),
}

impl PlayerApp {
    /// Carries out a [`NotificationAction`].
    pub(super) fn apply_notifications(&mut self, action: NotificationAction) {
        match action {
            NotificationAction::Toggle => {
                let c = &mut self.state.notifications;
                c.open = !c.open;
                if c.open {
                    self.state.hours.open = false;
                }
            }
            NotificationAction::Open(n) => self.open_notification(&n),
            NotificationAction::MarkAllSeen => {
                let c = &mut self.state.notifications;
                for n in c.items.iter_mut().filter(|n| n.delivered) {
                    n.seen = true;
                }
                c.unseen = 0;
                if let Some(lib) = &self.lib {
                    lib.mark_notifications_seen(Vec::new());
                }
            }
        }
    }

    /// Applies a [`NotificationLoaded`] answer.
    pub(super) fn apply_notifications_loaded(&mut self, loaded: NotificationLoaded) {
        let c = &mut self.state.notifications;
        match loaded {
            NotificationLoaded::List(Ok(list)) => {
                c.items = list.items;
                c.unseen = list.unseen;
                c.error = None;
            }
            NotificationLoaded::List(Err(e)) => {
                c.error = Some(format!("Could not load notifications: {e}"))
            }
            NotificationLoaded::Desktop(Ok(_)) => {
                c.desktop_shown += 1;
                c.desktop_error = None;
            }
            NotificationLoaded::Desktop(Err(e)) => c.desktop_error = Some(e),
        }
    }

    /// Loads the recent notifications and the unseen count (at sign-in).
    pub(super) fn load_notifications(&mut self) {
        if let Some(lib) = &self.lib {
            lib.notifications();
        }
    }

    /// A notification the feed delivered: listed, counted, and shown on the desktop, unless it
    /// is a repeat (the feed may repeat after a reconnect) or about the thread open in front of
    /// the user, which marks it seen instead. One listed as held becomes delivered.
    pub(super) fn notification_delivered(&mut self, mut n: Notification) {
        let c = &mut self.state.notifications;
        let known = c.items.iter().position(|x| x.id == n.id);
        let news = n.delivered && known.is_none_or(|i| !c.items[i].delivered);
        if !news {
            if let Some(i) = known {
                c.items[i] = n;
            }
            return;
        }
        if let Some(i) = known {
            c.items.remove(i);
        }
        let watching = self.state.selected_thread == Some(n.thread_id)
            && self.ctx.input(|i| i.viewport().focused) == Some(true);
        if watching {
            n.seen = true;
            if let Some(lib) = &self.lib {
                lib.mark_notifications_seen(vec![n.id]);
            }
        } else if !n.seen {
            self.state.notifications.unseen += 1;
            self.show_on_desktop(n.clone());
        }
        let c = &mut self.state.notifications;
        c.items.insert(0, n);
        c.items.truncate(KEEP);
    }

    /// The thread was opened (and marked read, which the server counts as seeing its
    /// notifications): its notifications stop counting here too.
    pub(super) fn notifications_read_in(&mut self, thread: Id) {
        let c = &mut self.state.notifications;
        for n in c
            .items
            .iter_mut()
            .filter(|n| n.thread_id == thread && n.delivered && !n.seen)
        {
            n.seen = true;
            c.unseen = (c.unseen - 1).max(0);
        }
    }

    /// Opens the notification's message (its thread too) the way a search hit does, and marks
    /// the notification seen.
    fn open_notification(&mut self, n: &Notification) {
        self.state.notifications.open = false;
        self.notifications_read_in(n.thread_id);
        if let Some(lib) = &self.lib {
            lib.mark_notifications_seen(vec![n.id]);
            self.pending_open = Some((n.message_id, Duration::ZERO));
            lib.open(n.message_id);
        }
    }

    /// Hands a notification to the desktop notifier thread (started on first use).
    fn show_on_desktop(&mut self, n: Notification) {
        if self.desktop_notifier.is_none() {
            let (tx, wake) = (self.tx.clone(), self.wake.clone());
            match DesktopNotifier::start(move |shown| {
                let _ = tx.send(Loaded::Notifications(NotificationLoaded::Desktop(shown)));
                wake();
            }) {
                Ok(d) => self.desktop_notifier = Some(d),
                Err(e) => {
                    tracing::warn!("could not start the desktop notifier: {e}");
                    return;
                }
            }
        }
        if let Some(d) = &self.desktop_notifier {
            d.show(n);
        }
    }
}

/// Notifications on the server.
impl Library {
    pub fn notifications(&self) {
        self.spawn(|c| async move {
            Loaded::Notifications(NotificationLoaded::List(c.notifications().await))
        });
    }

    /// Marks these notifications seen (`ids` empty: every delivered one); answers with the list.
    pub fn mark_notifications_seen(&self, ids: Vec<Id>) {
        self.spawn(move |c| async move {
            Loaded::Notifications(NotificationLoaded::List(
                c.mark_notifications_seen(&MarkSeen { ids }).await,
            ))
        });
    }
}
