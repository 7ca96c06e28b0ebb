//! The vidmsg desktop apps' common shell, shared by the recorder and the player: the sign-in
//! form as a view that returns actions ([`signin`]), small widgets both apps repeat
//! ([`widgets`]: labelled text fields, the notice bar, RGBA frames into a texture), how both
//! format times for people ([`format`]), the typed error their background work answers with
//! ([`error`]), and their log setup ([`logging`]).
//!
//! Views here take read-only state and return what the user asked for; they never own app state
//! and never do blocking work.
//!
//! Depends on egui (and on `vidmsg-api`/`vidmsg-appdata` for their error types only). Must not
//! depend on eframe, GStreamer (`vidmsg-media`), the network (no requests are made here), the
//! server, or either app.

pub mod error;
pub mod format;
pub mod logging;
pub mod signin;
pub mod widgets;

pub use error::AppError;
pub use format::clock;
pub use signin::{SignInAction, SignInDraft, SignInForm, SignInMode, SignInRequest};
pub use widgets::labelled_field;
