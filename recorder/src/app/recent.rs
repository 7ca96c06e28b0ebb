//! Recent recordings: the folders under the recordings folder, newest first, with what their
//! `upload.json` says (uploaded, or unfinished and recoverable).

use std::path::{Path, PathBuf};

use crate::upload::UploadState;

#[derive(Debug, Clone)]
pub struct Recent {
    pub folder: PathBuf,
    pub state: UploadState,
    pub spool_bytes: u64,
}

impl Recent {
    pub fn title(&self) -> &str {
        self.state.title.as_deref().unwrap_or("Untitled recording")
    }

    pub fn url(&self) -> String {
        crate::session::message_url(&self.state.server, self.state.message_id)
    }

    /// "uploaded", or how much is still to send.
    pub fn status(&self) -> String {
        if self.state.completed {
            "uploaded".into()
        } else {
            let sent = self.state.sent_bytes();
            format!(
                "unfinished: {} of {} MB sent",
                sent / 1_000_000,
                self.spool_bytes.max(sent) / 1_000_000
            )
        }
    }
}

/// Up to `limit` recordings, newest first.
pub fn list(dir: &Path, limit: usize) -> Vec<Recent> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Recent> = entries
        .flatten()
        .filter_map(|e| {
            let folder = e.path();
            let state = UploadState::load(&folder.join("upload.json")).ok()?;
            let spool_bytes = std::fs::metadata(folder.join("recording.mp4"))
                .map(|m| m.len())
                .unwrap_or(0);
            Some(Recent {
                folder,
                state,
                spool_bytes,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse((r.state.started_at, r.state.message_id)));
    out.truncate(limit);
    out
}
