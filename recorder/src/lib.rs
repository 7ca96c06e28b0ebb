//! vidmsg recorder: captures the screen (X11 `ximagesrc`, or a test pattern), a camera bubble
//! (`v4l2src` or a test source) and the microphone (`pulsesrc`) with GStreamer, encodes H.264 +
//! AAC into fragmented MP4 spooled to a local recording folder, and uploads ≥ 5 MiB parts to the
//! server's presigned URLs while it records. On stop only the tail part and `complete` remain.
//!
//! Layout: `capture` builds and runs the pipeline; `upload` tails the spool file and runs the
//! upload protocol with saved state (so it resumes); `session` ties one recording together; `recipients` is where a new one is sent;
//! `cli` is the headless command line; `app` (state, actions and the one `apply`, background work
//! answering with typed messages) and `ui` (views drawing a read-only `app::State` and sending
//! `app::Action`s, never touching the app itself) are the eframe app, with the shell both apps
//! share from `vidmsg-desktop`.
//!
//! Must not depend on the server (`vidmsg-server`); talks to it only through `vidmsg-api`.

pub mod app;
pub mod capture;
pub mod cli;
pub mod recipients;
pub mod session;
pub mod ui;
pub mod upload;
