//! End-to-end tests: the real server on loopback, driven through the typed client and plain HTTP.

mod accuracy;
mod authz;
mod backup;
mod bad_input;
mod chapters;
mod cli;
mod deploy;
mod external_s3;
mod faults;
mod feedback;
mod fuzz;
mod kit;
mod languages;
mod migrate_data;
mod notifications;
mod openapi;
mod operations;
mod player_app;
mod player_chapters;
mod player_inbox;
mod player_notifications;
mod player_share;
mod player_transcript_edit;
mod posters;
mod postgres;
mod recorder;
mod recorder_app;
mod recorder_app_sending;
mod recorder_controls;
mod recorder_sending;
mod scale_out;
mod security;
mod service;
mod sessions;
mod share_page;
mod spaces;
mod threads_and_messages;
mod transcript_edits;
mod transcription;
mod uploads;
mod web_access;
mod word_search;

use vidmsg_api::ClientError;

/// Asserts that an API call failed with `status` and error `code`.
#[track_caller]
pub fn assert_api_err<T: std::fmt::Debug>(r: Result<T, ClientError>, status: u16, code: &str) {
    match r {
        Err(ClientError::Api { status: s, body }) => {
            assert_eq!(
                (s, body.error.as_str()),
                (status, code),
                "message: {}",
                body.message
            );
            assert!(!body.message.is_empty());
        }
        other => panic!("expected {status} {code}, got {other:?}"),
    }
}
