//! `vidmsg-server backup` and `restore`: a consistent copy of the database (either backend) as
//! one JSON Lines file per table, plus `manifest.json` listing every object the rows name with
//! the size and ETag the store gave it; and the way back into an empty database of either
//! backend.
//!
//! The tables are the ones `migrate-data` copies ([`TABLES`], parents first), read in one
//! transaction: SQLite's read transaction and PostgreSQL's `REPEATABLE READ READ ONLY` each see
//! one instant while servers keep writing. Objects stay in S3 by default (the store has its own
//! replication and versioning); `--with-objects` copies their bytes too.

mod dump;
mod load;
pub mod manifest;
mod objects;
mod restore;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use manifest::Manifest;
pub use restore::{RestoreOptions, restore};

use crate::db::DbError;
use crate::db::migrate_data::TABLES;
use crate::storage::{StorageError, Store};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists and is not empty: a backup goes into a new or empty folder")]
    DirNotEmpty(PathBuf),
    #[error(
        "{0} holds no manifest.json: not a backup, or one that did not finish (the manifest is \
         written last)"
    )]
    NoManifest(PathBuf),
    #[error("no SQLite database at {0}")]
    NoSource(PathBuf),
    #[error("unreadable backup: {0}")]
    Format(String),
    #[error("opening the database: {0}")]
    Open(#[from] DbError),
    #[error("{what}: {source}")]
    Sql { what: String, source: sqlx::Error },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("object {key}: {source}")]
    Storage { key: String, source: StorageError },
    #[error(
        "the target database is not empty: table {0} has rows. Nothing was written; restore \
         into an empty database (a new SQLite path, or one made with `createdb`)"
    )]
    NotEmpty(&'static str),
    #[error(
        "{count} object(s) the backup names are not in the store as backed up: {list}. Nothing \
         was written to the database. Bring them back (the store's versioning or replication, or \
         `restore --with-objects` from a backup made with --with-objects), or pass \
         --allow-missing-objects to restore without them"
    )]
    MissingObjects { count: usize, list: String },
}

pub type Result<T> = std::result::Result<T, BackupError>;

impl BackupError {
    fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    fn sql(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Self {
        let what = what.into();
        move |source| Self::Sql { what, source }
    }
}

/// Writes a backup of the database `database_url` names into `dir` (new or empty): the tables,
/// then (with `with_objects`) the objects' bytes under `dir/objects/`, then `manifest.json`.
/// Reports each table's rows and the objects to `out`; returns the manifest.
pub async fn backup(
    database_url: &str,
    store: &Store,
    dir: &Path,
    with_objects: bool,
    out: &mut impl Write,
) -> Result<Manifest> {
    prepare_dir(dir)?;
    let snap = dump::dump(database_url, dir).await?;
    for t in &snap.tables {
        writeln!(out, "{:<16} {:>10} rows", t.name, t.rows).map_err(BackupError::io("stdout"))?;
    }
    let mut items = objects::inspect(store, snap.objects).await?;
    if with_objects {
        let bytes = objects::copy_out(store, dir, &mut items).await?;
        writeln!(
            out,
            "copied {} objects, {bytes} bytes",
            count_present(&items)
        )
        .map_err(BackupError::io("stdout"))?;
    }
    let missing: Vec<String> = items
        .iter()
        .filter(|i| i.size.is_none())
        .map(|i| i.key.clone())
        .collect();
    let now = crate::db::now_ms();
    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        version: manifest::VERSION,
        created_at_ms: now,
        created_at: rfc3339(now),
        server_version: env!("CARGO_PKG_VERSION").into(),
        source: snap.source.into(),
        tables: snap.tables,
        sequences: snap.sequences,
        objects: manifest::Objects {
            bucket: store.bucket().to_string(),
            copied: with_objects,
            items,
            missing,
        },
    };
    let tmp = dir.join(format!("{}.tmp", manifest::FILE));
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::Format(format!("writing the manifest: {e}")))?;
    write_synced(&tmp, &text)?;
    std::fs::rename(&tmp, dir.join(manifest::FILE))
        .map_err(BackupError::io("naming the manifest"))?;
    writeln!(
        out,
        "objects: {} named by the database, {} missing from the store{}",
        manifest.objects.items.len(),
        manifest.objects.missing.len(),
        if manifest.objects.copied {
            ", copied into the backup"
        } else {
            " (not copied: the store keeps them)"
        }
    )
    .map_err(BackupError::io("stdout"))?;
    for key in &manifest.objects.missing {
        writeln!(out, "missing from the store: {key}").map_err(BackupError::io("stdout"))?;
    }
    writeln!(out, "backup written to {}", dir.display()).map_err(BackupError::io("stdout"))?;
    Ok(manifest)
}

fn count_present(items: &[manifest::ObjectEntry]) -> usize {
    items.iter().filter(|i| i.file.is_some()).count()
}

/// Creates `dir`, or accepts it when it is an empty folder: a backup never mixes with other
/// files, and never overwrites an older backup.
fn prepare_dir(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::DirNotEmpty(dir.to_path_buf()));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(BackupError::io(format!("creating {}", dir.display()))),
        Err(e) => Err(BackupError::io(format!("opening {}", dir.display()))(e)),
    }
}

/// Writes `bytes` to `path` and flushes them to disk, so a renamed file is never half there.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let what = || format!("writing {}", path.display());
    let mut f = std::fs::File::create(path).map_err(BackupError::io(what()))?;
    f.write_all(bytes).map_err(BackupError::io(what()))?;
    f.sync_all().map_err(BackupError::io(what()))
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The SQLite file a `sqlite://` URL names, if it is one.
fn sqlite_path(url: &str) -> Option<&str> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The table list's entry of `name`.
fn table(name: &str) -> Option<&'static crate::db::migrate_data::Table> {
    TABLES.iter().find(|t| t.name == name)
}
