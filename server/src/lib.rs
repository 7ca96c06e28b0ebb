//! vidmsg server: accounts and tokens, threads of video and text messages, presigned multipart
//! uploads to S3-compatible storage, transcripts and search, comments, reactions and views.
//!
//! Layout, by domain: `startup` wires a [`config::Config`] (flags > env > TOML > defaults) into
//! a running axum app; `routes` holds one module per API area and `extract` its request types;
//! `domain` holds values that parse their input; `search` the query syntax and route; `videos`
//! the life of a message's media (keys, checks, limits, reconciliation, janitor); `db` hides SQL
//! behind one trait with a module per backend; `storage` talks S3 through `aws-sdk-s3` and serves
//! the embedded S3 endpoint; `transcribe` holds the whisper worker, its decoder child and model
//! install; `accounts`, `throttle`, `data_dir` and `logging` the cross-cutting rest; `admin` and
//! `commands` run the CLI commands. Request paths return [`error::AppError`], never panic.
//!
//! Owns everything behind the API; must not depend on the apps (`vidmsg-recorder`,
//! `vidmsg-player`), `vidmsg-desktop` or egui.

pub mod accounts;
pub mod admin;
pub mod backup;
pub mod cli;
pub mod client_addr;
pub mod clock;
pub mod commands;
pub mod config;
pub mod data_dir;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod invites;
pub mod logging;
pub mod notifications;
pub mod passwords;
pub mod routes;
pub mod search;
pub mod sharing;
pub mod startup;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod transcribe;
pub mod videos;
pub mod web;

pub use config::Config;
pub use startup::{Application, RunningServer};
