//! `vidmsg-server restore`: a backup back into an empty database, after making sure the store
//! holds every object its rows name (putting the backup's copies back first when asked), so a
//! restored server never points at videos that are gone.

use std::io::Write;
use std::path::Path;

use super::load::Target;
use super::manifest::Manifest;
use super::{BackupError, Result, objects};
use crate::storage::Store;

#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Put the backup's copies of the objects (`backup --with-objects`) into the store first.
    pub with_objects: bool,
    /// Restore the database even when the store lacks objects it names.
    pub allow_missing_objects: bool,
}

/// Restores the backup in `dir` into the empty database `database_url` names, checking `store`
/// for its objects; reports to `out`.
pub async fn restore(
    database_url: &str,
    store: &Store,
    dir: &Path,
    options: RestoreOptions,
    out: &mut impl Write,
) -> Result<()> {
    let m = Manifest::read(dir)?;
    let say = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}").map_err(BackupError::io("stdout"))
    };
    say(
        out,
        format!(
            "backup of {} from {} ({} tables, {} objects)",
            m.source,
            m.created_at,
            m.tables.len(),
            m.objects.items.len()
        ),
    )?;
    // Refused before anything else is touched.
    let target = Target::open(database_url).await?;

    if options.with_objects {
        if !m.objects.copied {
            return Err(BackupError::Format(
                "the backup holds no objects (it was made without --with-objects)".into(),
            ));
        }
        let n = objects::copy_in(store, dir, &m.objects.items).await?;
        say(
            out,
            format!("put {n} objects into bucket {}", store.bucket()),
        )?;
    }
    let problems = objects::verify(store, &m.objects.items).await?;
    for p in &problems {
        say(out, format!("not in the store: {p}"))?;
    }
    if !problems.is_empty() && !options.allow_missing_objects {
        return Err(BackupError::MissingObjects {
            count: problems.len(),
            list: problems.join(", "),
        });
    }

    let counts = target.load(&m, dir).await?;
    for (name, n) in &counts {
        say(out, format!("{name:<16} {n:>10} rows"))?;
    }
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    say(
        out,
        format!(
            "restored {total} rows in {} tables; {} of {} objects in the store",
            counts.len(),
            m.objects.items.len() - problems.len(),
            m.objects.items.len()
        ),
    )
}
