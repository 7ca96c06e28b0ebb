//! What an app's background work answers with when it fails, typed until it is drawn: the
//! server's error, a settings file's error, or local work's error with its cause chain. The UI
//! turns it into text ([`std::fmt::Display`], or [`AppError::chain`] for every cause) only when
//! it draws it.

use std::error::Error as StdError;

/// A failure that crosses an app's channel from background work to the UI.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The server refused the request or could not be reached.
    #[error(transparent)]
    Server(#[from] vidmsg_api::ClientError),
    /// Saved settings could not be read or written.
    #[error(transparent)]
    Settings(#[from] vidmsg_appdata::AppDataError),
    /// Local work (capture, files, a child process…) failed; the cause chain is kept.
    #[error(transparent)]
    Local(Box<dyn StdError + Send + Sync + 'static>),
}

impl AppError {
    /// Wraps any error of local work.
    pub fn local(e: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self::Local(e.into())
    }

    /// The message and every cause, `outer: inner: …`, skipping a cause already spelled out in
    /// the message before it.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = self.source();
        // `transparent` variants forward `source` to the inner error's cause.
        while let Some(c) = cause {
            let text = c.to_string();
            if !out.contains(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            cause = c.source();
        }
        out
    }

    /// The server's HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Server(e) => e.status(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("opening the camera")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn keeps_the_cause_until_drawn() {
        let e = AppError::local(Outer(std::io::Error::other("device busy")));
        assert_eq!(e.to_string(), "opening the camera");
        assert_eq!(e.chain(), "opening the camera: device busy");
        assert_eq!(e.status(), None);
    }
}
