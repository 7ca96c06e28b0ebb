//! What the UI asks for. Views push these; [`RecorderApp::apply`](super::RecorderApp::apply)
//! carries them out after the frame is drawn, the one place where a person's intent changes
//! state.

use std::path::PathBuf;

use vidmsg_desktop::SignInDraft;

use super::settings::Settings;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The sign-in or settings form changed (kept as a draft until saved).
    EditDraft(Box<Settings>),
    /// The sign-in form's way in, name, password or invite link changed.
    EditSignIn(Box<SignInDraft>),
    /// Sign in the way the form shows (a name and password, an invite, or the draft's server
    /// and token); the token is saved when the server accepts it.
    SignIn,
    SignOut,
    OpenSettings,
    /// Save the settings form and go back to the main view.
    SaveSettings,
    /// Drop the settings form's changes and go back.
    CancelSettings,
    DismissNotice,
    SetTitle(String),
    /// The "Send to" search text changed.
    FilterSendTo(String),
    /// Send the next recording here (`None`: only the author's thread).
    SendTo(Option<crate::recipients::Recipients>),
    /// Add this person to the people chosen, or take them out.
    TogglePerson(String),
    /// Mark the next recording urgent (or not).
    SetUrgent(bool),
    PickScreen(String),
    PickCamera(String),
    PickMic(String),
    SetSystemAudio(bool),
    /// List cameras and microphones again (in the background).
    RefreshDevices,
    StartRecording,
    TogglePause,
    StopRecording,
    /// The window is closing: a recording is stopped and finished first.
    CloseRequested,
    /// Leave the link (or the failure) for a new recording.
    NewRecording,
    DismissFailure,
    CopyLink(String),
    /// Finish an unfinished recording in this folder and upload it.
    Recover(PathBuf),
}
