//! vidmsg server: accounts and tokens, threads of video and text messages, presigned multipart
//! uploads to S3-compatible storage, comments, reactions and views.
//!
//! Layout: `startup` wires a [`config::Config`] into a running axum app; `routes` holds one
//! module per API area; `db` hides SQL behind one trait with a module per backend; `storage`
//! talks S3 through `aws-sdk-s3` and serves the embedded S3 endpoint; `transcribe` holds the
//! whisper worker, model install and search syntax; `admin` and `commands` run the CLI commands. Request paths return [`error::AppError`], never panic.

pub mod accounts;
pub mod admin;
pub mod cli;
pub mod commands;
pub mod config;
pub mod data_dir;
pub mod db;
pub mod error;
pub mod extract;
pub mod logging;
pub mod routes;
pub mod startup;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod transcribe;
pub mod videos;

pub use config::Config;
pub use startup::{Application, RunningServer};
