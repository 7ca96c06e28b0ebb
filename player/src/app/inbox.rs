//! The inbox of people and spaces, as state: the spaces the sidebar lists (and which one the
//! thread list shows), the workspace's people with their hours (for thread headers and the
//! "Add person" picker), and the last invite; what the user asks of them ([`InboxAction`]) and
//! the server's answers ([`InboxLoaded`]), both carried out in one place here.

use std::time::Instant;

use vidmsg_api::{ClientError, Id, Invite, Person, Space, Thread};

use super::PlayerApp;

/// What the sidebar's spaces and the thread header draw.
#[derive(Default)]
pub struct Inbox {
    /// Every space the user can see: the joined ones and the public ones to browse.
    pub spaces: Vec<Space>,
    pub spaces_error: Option<ClientError>,
    pub spaces_loading: bool,
    /// The space whose threads the thread list shows; `None`: all threads.
    pub space_filter: Option<Id>,
    /// Whether "Browse spaces" (public spaces not joined) is open.
    pub browsing: bool,
    /// The workspace's people with their local time and quiet hours.
    pub people: Vec<Person>,
    pub people_error: Option<ClientError>,
    pub people_loading: bool,
    pub people_loaded_at: Option<Instant>,
    /// The last invite created here (its link went to the clipboard).
    pub invite: Option<Invite>,
    /// An invite request is under way.
    pub inviting: bool,
}

/// What the user asked of spaces, people and invites.
#[derive(Debug, Clone)]
pub enum InboxAction {
    /// Show the threads of this space (`None`: all).
    ShowSpace(Option<Id>),
    ToggleBrowse,
    Join(Id),
    Leave(Id),
    /// Open the recorder addressed to the current space or person.
    NewVideo,
    /// Create an invite link and copy it.
    Invite,
    AddPerson {
        thread: Id,
        name: String,
    },
    RemovePerson {
        thread: Id,
        name: String,
    },
}

/// What a member change was, for the answer's notice.
#[derive(Debug, Clone)]
pub enum MemberChange {
    Added(String),
    Removed(String),
}

/// The server's answers about spaces, people and invites.
#[derive(Debug)]
pub enum InboxLoaded {
    Spaces(Result<Vec<Space>, ClientError>),
    People(Result<Vec<Person>, ClientError>),
    Joined(Result<Space, ClientError>),
    Left {
        space: Id,
        result: Result<(), ClientError>,
    },
    Invite(Result<Invite, ClientError>),
    /// A thread's people after adding or removing someone.
    Members {
        change: MemberChange,
        result: Result<Thread, ClientError>,
    },
}

/// What the server said when it refused: its own message where it gave one.
pub fn refusal(e: &ClientError) -> String {
    match e {
        ClientError::Api { body, .. } if !body.message.is_empty() => body.message.clone(),
        e => e.to_string(),
    }
}

impl PlayerApp {
    /// Carries out an [`InboxAction`].
    pub(super) fn apply_inbox(&mut self, action: InboxAction) {
        match action {
            InboxAction::ShowSpace(space) => self.show_space(space),
            InboxAction::ToggleBrowse => self.state.inbox.browsing = !self.state.inbox.browsing,
            InboxAction::Join(space) => self.join_space(space),
            InboxAction::Leave(space) => self.leave_space(space),
            InboxAction::NewVideo => self.new_video(),
            InboxAction::Invite => self.invite(),
            InboxAction::AddPerson { thread, name } => self.change_members(thread, name, true),
            InboxAction::RemovePerson { thread, name } => self.change_members(thread, name, false),
        }
    }

    /// Applies an [`InboxLoaded`] answer.
    pub(super) fn apply_inbox_loaded(&mut self, loaded: InboxLoaded) {
        match loaded {
            InboxLoaded::Spaces(r) => self.spaces_loaded(r),
            InboxLoaded::People(r) => self.people_loaded(r),
            InboxLoaded::Joined(r) => self.joined(r),
            InboxLoaded::Left { space, result } => self.left(space, result),
            InboxLoaded::Invite(r) => self.invited(r),
            InboxLoaded::Members { change, result } => self.members_changed(change, result),
        }
    }

    /// Loads spaces and people (at sign-in).
    pub(super) fn load_inbox(&mut self) {
        self.load_spaces();
        self.load_people();
    }

    /// Creates an invite (into the space shown, if one is) in the background.
    fn invite(&mut self) {
        let spaces = self
            .state
            .space_filter_space()
            .map(|s| vec![s.name.clone()])
            .unwrap_or_default();
        if let Some(lib) = &self.lib {
            lib.create_invite(spaces);
            self.state.inbox.inviting = true;
        }
    }

    /// Copies a new invite's link and shows it with its expiry.
    fn invited(&mut self, r: Result<Invite, ClientError>) {
        self.state.inbox.inviting = false;
        match r {
            Ok(invite) => {
                self.ctx.copy_text(invite.url.clone());
                let until = vidmsg_desktop::format::date_time(
                    u64::try_from(invite.expires_at_ms / 1000).unwrap_or(0),
                );
                self.state.notice = Some(format!(
                    "Invite link copied: {} (works once, until {until} UTC)",
                    invite.url
                ));
                self.state.inbox.invite = Some(invite);
            }
            Err(e) => {
                self.state.notice = Some(format!("Could not create an invite: {}", refusal(&e)))
            }
        }
    }
}

impl super::State {
    /// The space the thread list shows, if one is chosen (and still known).
    pub fn space_filter_space(&self) -> Option<&Space> {
        let id = self.inbox.space_filter?;
        self.inbox.spaces.iter().find(|s| s.id == id)
    }
}
