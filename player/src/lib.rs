//! vidmsg player: the viewing side. An eframe app (inbox with unread counts, threads with nested
//! replies, GStreamer playback into an egui texture with captions and speed, a transcript that
//! follows playback, search across every transcript, text and video replies, comments and
//! reactions as marks on the seek bar, views) kept current by the server's event feed; and
//! terminal commands (`inbox`, `search`) for scripts.
//!
//! Layout: `app` holds the state and talks to the server (`app::library`) off the UI thread;
//! `ui` draws it; `cli` parses the command line. Playback itself is `vidmsg_media::Playback`.

pub mod app;
pub mod cli;
pub mod ui;
