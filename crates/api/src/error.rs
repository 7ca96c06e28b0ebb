//! Errors of the typed client.

use crate::types::ErrorBody;

/// What went wrong with an API call.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error status and a JSON error body.
    #[error("{status} {}: {}", body.error, body.message)]
    Api { status: u16, body: ErrorBody },
    /// The request never got an answer (connection refused, reset, timeout…).
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The server's answer was not the JSON this client expects.
    #[error("unexpected response ({status}): {detail}")]
    Unexpected { status: u16, detail: String },
    /// The base URL or a path could not be joined into a URL.
    #[error("bad url: {0}")]
    Url(#[from] url::ParseError),
}

impl ClientError {
    /// HTTP status of an API error, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
                Some(*status)
            }
            ClientError::Transport(e) => e.status().map(|s| s.as_u16()),
            ClientError::Url(_) => None,
        }
    }

    /// Machine-readable error code of an API error (`not_found`, `unauthorized`, …).
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error),
            _ => None,
        }
    }
}
