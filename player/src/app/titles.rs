//! The suggested title (#14): a video posted without a title shows the one the server made
//! from its transcript, as a suggestion; its author (or an admin) takes it with "Use this title"
//! (`PATCH /api/messages/{id}`), and the answer replaces the message like a pushed update.

use vidmsg_api::{ClientError, Id, Message, UpdateMessage};

use super::PlayerApp;
use super::library::{Library, Loaded};

impl super::State {
    /// The open message's suggested title, if the signed-in user may take it: its author or an
    /// admin.
    pub fn offered_title(&self) -> Option<&str> {
        let c = self.current.as_ref()?;
        let may =
            self.signed_in_admin || self.signed_in_as.as_deref() == Some(c.message.author.as_str());
        may.then_some(c.message.suggested_title.as_deref())
            .flatten()
    }
}

impl PlayerApp {
    /// Makes the open message's suggested title its title.
    pub(super) fn use_suggested_title(&mut self) {
        let Some(title) = self.state.offered_title().map(str::to_string) else {
            return;
        };
        let (Some(c), Some(lib)) = (&self.state.current, &self.lib) else {
            return;
        };
        lib.set_title(c.message.id, title);
    }

    pub(super) fn titled(&mut self, result: Result<Message, ClientError>) {
        match result {
            Ok(m) => self.upsert_message(m),
            Err(e) => self.state.notice = Some(format!("Could not change the title: {e}")),
        }
    }
}

impl Library {
    pub fn set_title(&self, message: Id, title: String) {
        self.spawn(move |c| async move {
            Loaded::Titled(
                c.update_message(message, &UpdateMessage { title: Some(title) })
                    .await,
            )
        });
    }
}
