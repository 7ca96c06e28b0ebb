//! `manifest.json`, the last file a backup writes: what the snapshot holds (row counts, id
//! high-water marks) and every object its rows name, as the store described it at backup time.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{BackupError, Result};

/// What `format` says, so a stray `manifest.json` is never taken for a backup.
pub const FORMAT: &str = "vidmsg-backup";
/// Raised when the layout of the files changes in a way older `restore`s cannot read.
pub const VERSION: u32 = 1;
pub const FILE: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub created_at_ms: i64,
    /// The same instant, RFC 3339 in UTC, for people.
    pub created_at: String,
    /// The `vidmsg-server` that wrote it.
    pub server_version: String,
    /// `sqlite` or `postgres`.
    pub source: String,
    /// Every table, in the order restore fills them (parents first).
    pub tables: Vec<TableEntry>,
    /// Per table with an identity id: the highest id ever handed out (SQLite's
    /// `sqlite_sequence`, PostgreSQL's sequence), so a restore never gives a deleted row's id
    /// to a new one.
    pub sequences: BTreeMap<String, i64>,
    pub objects: Objects,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    /// JSON Lines, one object per row (column name to value; flags as booleans).
    pub file: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Objects {
    pub bucket: String,
    /// Whether the objects' bytes are in `objects/` beside the manifest (`--with-objects`).
    pub copied: bool,
    pub items: Vec<ObjectEntry>,
    /// Keys the rows name that the store did not hold at backup time.
    pub missing: Vec<String>,
}

/// One object a row names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectEntry {
    pub key: String,
    /// `video`, `captions` or `poster`.
    pub kind: String,
    pub message_id: i64,
    /// What HEAD said; all `None` when the store lacked it.
    pub size: Option<i64>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    /// Its copy under the backup folder, with `--with-objects`.
    pub file: Option<String>,
}

impl Manifest {
    /// Reads and checks the manifest of the backup in `dir`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::NoManifest(dir.to_path_buf()));
            }
            Err(e) => return Err(BackupError::io(format!("reading {}", path.display()))(e)),
        };
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| BackupError::Format(format!("{}: {e}", path.display())))?;
        if m.format != FORMAT {
            return Err(BackupError::Format(format!(
                "{} is not a vidmsg backup manifest (format {:?})",
                path.display(),
                m.format
            )));
        }
        if m.version > VERSION {
            return Err(BackupError::Format(format!(
                "the backup is format version {}, this vidmsg-server reads up to {VERSION}: \
                 restore it with the vidmsg-server {} that wrote it, or a newer one",
                m.version, m.server_version
            )));
        }
        Ok(m)
    }
}
