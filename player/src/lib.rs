//! vidmsg player: the viewing side. An eframe app (inbox with unread counts, threads with nested
//! replies, GStreamer playback into an egui texture with captions and speed, a transcript that
//! follows playback, search across every transcript, text and video replies, comments and
//! reactions as marks on the seek bar, views) kept current by the server's event feed; and
//! terminal commands (`inbox`, `search`) for scripts.
//!
//! Layout: `app` holds the state (`app::State`), applies the UI's actions in one place
//! (`PlayerApp::apply`) and talks to the server (`app::library`) off the UI thread, whose typed
//! answers it applies too; `ui` draws `&State` and returns actions, importing no app machinery;
//! `cli` parses the command line. Playback itself is `vidmsg_media::Playback`; the sign-in form,
//! labelled fields and clock formatting are the apps' shared shell, `vidmsg_desktop`.
//!
//! Must not depend on the server.

pub mod app;
pub mod cli;
pub mod notify;
pub mod ui;
