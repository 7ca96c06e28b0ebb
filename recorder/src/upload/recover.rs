//! Recovery after a crash: a recording whose `upload.json` is not `completed` is cut back to its
//! last whole MP4 fragment, any part that reached past the cut is sent again, and the upload is
//! completed. With one fragment per second, a SIGKILL loses at most the last second.

use std::path::{Path, PathBuf};
use std::time::Duration;

use vidmsg_api::Client;

use super::{UploadState, Uploader};

/// Byte length of the longest prefix of `data` made of whole top-level MP4 boxes, ending after a
/// complete `mdat` (so the last fragment has its media) or after the `moov` header.
pub fn whole_fragments_len(data: &[u8]) -> u64 {
    let mut pos = 0usize;
    let mut good = 0usize;
    while pos + 8 <= data.len() {
        let size32 =
            u32::from_be_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]) as u64;
        let kind = &data[pos + 4..pos + 8];
        let (size, header) = match size32 {
            1 if pos + 16 <= data.len() => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&data[pos + 8..pos + 16]);
                (u64::from_be_bytes(b), 16)
            }
            0 => ((data.len() - pos) as u64, 8), // "to the end of the file": only trust it whole
            s => (s, 8),
        };
        if size < header || pos as u64 + size > data.len() as u64 {
            break;
        }
        pos += usize::try_from(size).unwrap_or(usize::MAX);
        if kind == b"mdat" || kind == b"moov" {
            good = pos;
        }
    }
    good as u64
}

/// Unfinished recordings under `dir`: (folder, state).
pub fn unfinished(dir: &Path) -> Vec<(PathBuf, UploadState)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let state_path = e.path().join("upload.json");
        if let Ok(state) = UploadState::load(&state_path)
            && !state.completed
            && e.path().join("recording.mp4").exists()
        {
            out.push((e.path(), state));
        }
    }
    out.sort_by_key(|(_, s)| s.message_id);
    out
}

/// Finalizes and uploads one unfinished recording; returns the completed message.
pub async fn recover(
    folder: &Path,
    state: UploadState,
    token: &str,
) -> anyhow::Result<vidmsg_api::Message> {
    let spool = folder.join("recording.mp4");
    let data = std::fs::read(&spool)?;
    let cut = whole_fragments_len(&data);
    anyhow::ensure!(cut > 0, "{} holds no complete fragment", spool.display());
    drop(data);
    let mut state = state;
    // Parts that reach past the cut are sent again, shorter; the last one may be any size.
    while state.parts.last().is_some_and(|p| p.offset + p.size > cut) {
        state.parts.pop();
    }
    let file = std::fs::OpenOptions::new().write(true).open(&spool)?;
    file.set_len(cut)?;
    drop(file);
    let state_path = folder.join("upload.json");
    state.save(&state_path)?;
    let client = Client::new(&state.server, Some(token.to_string()))?;
    let mut uploader = Uploader::new(client, spool, state_path, state);
    // The server may have lost parts, or assembled the video before a crash: ask it first.
    if let Some(done) = uploader.sync_with_server().await? {
        return Ok(done);
    }
    // The recorder measured no duration: the server's worker measures it from the clip.
    uploader.finish(None, Duration::from_secs(600)).await
}

#[cfg(test)]
mod tests {
    fn boxed(kind: &[u8; 4], body: usize) -> Vec<u8> {
        let mut b = u32::try_from(body + 8).unwrap_or(0).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend(std::iter::repeat_n(0u8, body));
        b
    }

    #[test]
    fn cuts_after_the_last_whole_fragment() {
        let mut f = boxed(b"ftyp", 16);
        f.extend(boxed(b"moov", 100));
        let header = f.len() as u64;
        f.extend(boxed(b"moof", 40));
        f.extend(boxed(b"mdat", 1000));
        let one = f.len() as u64;
        f.extend(boxed(b"moof", 40));
        let mut partial = boxed(b"mdat", 1000);
        partial.truncate(300);
        f.extend(partial);
        assert_eq!(super::whole_fragments_len(&f), one);
        assert_eq!(super::whole_fragments_len(&f[..one as usize + 20]), one);
        assert_eq!(
            super::whole_fragments_len(&f[..header as usize + 10]),
            header
        );
        assert_eq!(super::whole_fragments_len(&f[..10]), 0);
    }
}
