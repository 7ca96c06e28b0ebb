//! Types of the vidmsg HTTP API and a typed async client.
//!
//! This crate is the contract between the server, the apps (recorder, player) and the end-to-end
//! tests: every JSON body the server sends or accepts is a type here, and [`Client`] wraps each
//! route in one typed method. It depends on neither axum nor egui; the `openapi` feature derives
//! OpenAPI schemas for the server's spec. Must not depend on the server, the apps, egui or
//! GStreamer: everything else depends on it.

mod client;
mod error;
mod events;
pub mod media_url;
mod messages;
mod notifications;
mod people;
pub mod session;
mod sharing;
mod transcripts;
mod types;

pub use client::Client;
pub use error::ClientError;
pub use events::EventStream;
pub use messages::*;
pub use notifications::*;
pub use people::*;
pub use sharing::*;
pub use transcripts::*;
pub use types::*;
