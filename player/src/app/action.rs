//! What the user asked for: the player's UI draws `&State` and pushes these; only
//! [`PlayerApp::apply`](super::PlayerApp::apply) carries them out.

use std::time::Duration;

use vidmsg_api::{Id, Message, SearchHit};
use vidmsg_desktop::SignInAction;

#[derive(Debug, Clone)]
pub enum Action {
    /// Typed into or submitted the sign-in form.
    SignIn(SignInAction),
    SignOut,
    DismissNotice,
    /// The search box's text.
    EditSearch(String),
    Search,
    ClearSearch,
    /// Open a hit's message and play it from the hit's second.
    OpenHit(SearchHit),
    SelectThread(Id),
    /// Open a message of the thread and play it.
    OpenMessage(Message),
    /// The reply box's text.
    EditReply(String),
    SendReply,
    RecordVideoReply,
    TogglePlay,
    /// Seek to a position, and play from there if `play`.
    Seek {
        to: Duration,
        play: bool,
    },
    /// Seek by this many milliseconds from the current position.
    Skip(i64),
    SetSpeed(f64),
    SetVolume(f64),
    ToggleMute,
    ToggleCaptions,
    ToggleFullscreen,
    /// The comment box's text.
    EditComment(String),
    PostComment,
    React(&'static str),
    /// Spaces, people, invites and New video (the inbox of #11).
    Inbox(super::inbox::InboxAction),
    /// The notifications badge and list, and the user's hours (#11).
    Notifications(super::notifications::NotificationAction),
    Hours(super::hours::HoursAction),
    /// The open thread's share link (#12).
    Share(super::sharing::ShareAction),
    /// Make the open message's suggested title its title (#14).
    UseSuggestedTitle,
    /// Fixing words of the open message's transcript (#14).
    Transcript(super::transcript_edit::TranscriptAction),
}
