//! Spaces in the inbox: which ones the user joined (with their unread counts), which public ones
//! are left to browse, which threads the list shows for the chosen space, the direct threads
//! and their labels; joining and leaving, and keeping the list current.

use vidmsg_api::{ClientError, Id, Space, Thread, ThreadVisibility};

use super::inbox::refusal;
use super::{PlayerApp, State};

impl State {
    /// The spaces the user joined, by name.
    pub fn joined_spaces(&self) -> Vec<&Space> {
        let mut v: Vec<&Space> = self.inbox.spaces.iter().filter(|s| s.joined).collect();
        v.sort_by_key(|s| s.name.to_lowercase());
        v
    }

    /// Public spaces the user has not joined ("Browse spaces").
    pub fn spaces_to_browse(&self) -> Vec<&Space> {
        let mut v: Vec<&Space> = self
            .inbox
            .spaces
            .iter()
            .filter(|s| !s.joined && !s.private)
            .collect();
        v.sort_by_key(|s| s.name.to_lowercase());
        v
    }

    /// Messages the user has not read in the space's threads.
    pub fn space_unread(&self, space: Id) -> i64 {
        self.threads
            .iter()
            .filter(|t| t.space_id == Some(space))
            .map(|t| t.unread_count)
            .sum()
    }

    /// Threads posted to people (direct threads), newest first as listed.
    pub fn direct_threads(&self) -> Vec<&Thread> {
        self.threads
            .iter()
            .filter(|t| t.visibility == ThreadVisibility::People)
            .collect()
    }

    /// The threads the list shows: those of the chosen space, or all.
    pub fn listed_threads(&self) -> Vec<&Thread> {
        match self.inbox.space_filter {
            Some(space) => self
                .threads
                .iter()
                .filter(|t| t.space_id == Some(space))
                .collect(),
            None => self.threads.iter().collect(),
        }
    }

    /// The people of a thread other than the signed-in user.
    pub fn others_in<'a>(&self, thread: &'a Thread) -> Vec<&'a str> {
        let me = self.signed_in_as.as_deref();
        thread
            .members
            .iter()
            .map(String::as_str)
            .filter(|m| Some(*m) != me)
            .collect()
    }

    /// A direct thread in the sidebar: the other people's names and the title.
    pub fn direct_label(&self, thread: &Thread) -> String {
        let others = self.others_in(thread);
        let who = if others.is_empty() {
            "only you".to_string()
        } else {
            others.join(", ")
        };
        format!("{who}: {}", thread.title)
    }
}

impl PlayerApp {
    pub(super) fn load_spaces(&mut self) {
        if let Some(lib) = &self.lib {
            lib.spaces();
            self.state.inbox.spaces_loading = true;
        }
    }

    pub(super) fn spaces_loaded(&mut self, r: Result<Vec<Space>, ClientError>) {
        let inbox = &mut self.state.inbox;
        inbox.spaces_loading = false;
        match r {
            Ok(list) => {
                inbox.spaces = list;
                inbox.spaces_error = None;
                if inbox
                    .space_filter
                    .is_some_and(|id| !inbox.spaces.iter().any(|s| s.id == id && s.joined))
                {
                    inbox.space_filter = None;
                }
            }
            Err(e) => inbox.spaces_error = Some(e),
        }
    }

    /// A thread arrived through the feed: a space the list does not know as joined (someone
    /// added the user, or a new space) reloads the spaces.
    pub(super) fn note_thread_space(&mut self, thread: &Thread) {
        let Some(space) = thread.space_id else {
            return;
        };
        let known = self
            .state
            .inbox
            .spaces
            .iter()
            .any(|s| s.id == space && s.joined);
        if !known && !self.state.inbox.spaces_loading {
            self.load_spaces();
        }
    }

    pub(super) fn show_space(&mut self, space: Option<Id>) {
        self.state.inbox.space_filter = space;
    }

    pub(super) fn join_space(&mut self, space: Id) {
        if let Some(lib) = &self.lib {
            lib.join_space(space);
        }
    }

    /// Joined: the space moves to the joined list and is shown; its threads (old ones too)
    /// come with a fresh thread list.
    pub(super) fn joined(&mut self, r: Result<Space, ClientError>) {
        match r {
            Ok(space) => {
                let inbox = &mut self.state.inbox;
                inbox.spaces.retain(|s| s.id != space.id);
                inbox.space_filter = Some(space.id);
                inbox.browsing = false;
                self.state.notice = Some(format!("You joined #{}.", space.name));
                inbox.spaces.push(space);
                if let Some(lib) = &self.lib {
                    lib.threads();
                }
            }
            Err(e) => {
                self.state.notice = Some(format!("Could not join the space: {}", refusal(&e)))
            }
        }
    }

    pub(super) fn leave_space(&mut self, space: Id) {
        let Some(me) = self.state.signed_in_as.clone() else {
            return;
        };
        if let Some(lib) = &self.lib {
            lib.leave_space(space, me);
        }
    }

    /// Left: its threads go (a fresh list), and so does the selection if it was one of them.
    pub(super) fn left(&mut self, space: Id, r: Result<(), ClientError>) {
        match r {
            Ok(()) => {
                let name = self
                    .state
                    .inbox
                    .spaces
                    .iter()
                    .find(|s| s.id == space)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                self.state.notice = Some(format!("You left #{name}."));
                if self.state.inbox.space_filter == Some(space) {
                    self.state.inbox.space_filter = None;
                }
                let selected_here = self.state.selected_thread.is_some_and(|id| {
                    self.state
                        .threads
                        .iter()
                        .any(|t| t.id == id && t.space_id == Some(space))
                });
                if selected_here {
                    self.state.selected_thread = None;
                    self.state.messages.clear();
                }
                self.state.threads.retain(|t| t.space_id != Some(space));
                self.load_spaces();
                if let Some(lib) = &self.lib {
                    lib.threads();
                }
            }
            Err(e) => {
                self.state.notice = Some(format!("Could not leave the space: {}", refusal(&e)))
            }
        }
    }
}
