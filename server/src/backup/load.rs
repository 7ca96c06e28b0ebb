//! Fills an empty database (either backend, its schema created by opening it) from a backup's
//! table files, in one transaction: all rows or none. The search index follows by itself:
//! SQLite's FTS5 triggers fire on each inserted segment, PostgreSQL generates `tsv`.

use std::io::{BufRead as _, BufReader};
use std::path::Path;

use serde_json::Value;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{ConnectOptions as _, Connection as _};

use super::manifest::{Manifest, TableEntry};
use super::{BackupError, Result, is_postgres, sqlite_path, table};
use crate::db::DbError;
use crate::db::migrate_data::{Kind, TABLES, Table};
use crate::db::postgres::PgDb;
use crate::db::sqlite::SqliteDb;

/// Rows per PostgreSQL INSERT … UNNEST.
const BATCH_ROWS: usize = 2000;

/// The database a restore writes, checked to be empty.
pub(super) enum Target {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// One cell, typed by its column.
enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl Target {
    /// Opens (creating the schema of) the database `url` names and refuses one that holds rows.
    pub(super) async fn open(url: &str) -> Result<Self> {
        let mut target = if let Some(path) = sqlite_path(url) {
            let db = SqliteDb::open(path).await?;
            let options = (*db.pool().connect_options())
                .clone()
                .disable_statement_logging();
            Target::Sqlite(
                SqliteConnection::connect_with(&options)
                    .await
                    .map_err(BackupError::sql("connecting to SQLite"))?,
            )
        } else if is_postgres(url) {
            let db = PgDb::open(url).await?;
            let options = (*db.pool().connect_options())
                .clone()
                .disable_statement_logging();
            Target::Pg(
                PgConnection::connect_with(&options)
                    .await
                    .map_err(BackupError::sql("connecting to PostgreSQL"))?,
            )
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()).into());
        };
        target.ensure_empty().await?;
        Ok(target)
    }

    async fn ensure_empty(&mut self) -> Result<()> {
        for t in TABLES {
            let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", t.name);
            let sql = sqlx::AssertSqlSafe(sql);
            let any: bool = match self {
                Target::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
                Target::Pg(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            }
            .map_err(BackupError::sql("checking that the target is empty"))?;
            if any {
                return Err(BackupError::NotEmpty(t.name));
            }
        }
        Ok(())
    }

    /// Inserts every table's rows (parents first) and moves the id counters to the backup's
    /// high-water marks, then commits. Returns the rows per table.
    pub(super) async fn load(
        mut self,
        m: &Manifest,
        dir: &Path,
    ) -> Result<Vec<(&'static str, u64)>> {
        let mut counts = Vec::with_capacity(TABLES.len());
        match &mut self {
            Target::Sqlite(conn) => {
                let mut tx = conn
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(BackupError::sql("writing SQLite"))?;
                for (t, entry) in tables_of(m)? {
                    let n = sqlite_table(&mut tx, t, &dir.join(&entry.file)).await?;
                    counts.push((t.name, check_count(entry, n)?));
                }
                // The search index's stems of segments in other languages than English.
                crate::db::sqlite::stems::fill(&mut tx)
                    .await
                    .map_err(BackupError::sql("stemming the restored transcripts"))?;
                for (name, hw) in sequences(m)? {
                    // The inserts moved each counter to its highest id; deleted rows' ids
                    // above that must stay taken too.
                    for sql in [
                        "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
                        "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2
                            WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
                    ] {
                        sqlx::query(sql)
                            .bind(name)
                            .bind(hw)
                            .execute(&mut *tx)
                            .await
                            .map_err(BackupError::sql("setting SQLite's AUTOINCREMENT counters"))?;
                    }
                }
                tx.commit()
                    .await
                    .map_err(BackupError::sql("committing the restore"))?;
            }
            Target::Pg(conn) => {
                let mut tx = conn
                    .begin()
                    .await
                    .map_err(BackupError::sql("writing PostgreSQL"))?;
                // Nobody writes the target while it is filled (a server started too early waits).
                let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
                let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", "));
                sqlx::query(sqlx::AssertSqlSafe(lock))
                    .execute(&mut *tx)
                    .await
                    .map_err(BackupError::sql("locking the target tables"))?;
                for (t, entry) in tables_of(m)? {
                    let n = pg_table(&mut tx, t, &dir.join(&entry.file)).await?;
                    counts.push((t.name, check_count(entry, n)?));
                }
                for t in TABLES.iter().filter(|t| t.identity) {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence($1, 'id'), max(v), true)
                            FROM (SELECT max(id) AS v FROM {} UNION ALL SELECT $2) AS ids
                            HAVING max(v) > 0",
                        t.name
                    );
                    let hw = m.sequences.get(t.name).copied().unwrap_or(0);
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(t.name)
                        .bind(hw)
                        .execute(&mut *tx)
                        .await
                        .map_err(BackupError::sql(
                            "moving an id sequence past the restored ids",
                        ))?;
                }
                tx.commit()
                    .await
                    .map_err(BackupError::sql("committing the restore"))?;
            }
        }
        Ok(counts)
    }
}

/// The manifest's tables in the order this binary fills them; every table of the schema must
/// be there, and nothing else.
fn tables_of(m: &Manifest) -> Result<Vec<(&'static Table, &TableEntry)>> {
    if let Some(extra) = m.tables.iter().find(|e| table(&e.name).is_none()) {
        return Err(BackupError::Format(format!(
            "table {} is unknown to this vidmsg-server (the backup is from a newer one)",
            extra.name
        )));
    }
    TABLES
        .iter()
        .map(|t| {
            let entry = m.tables.iter().find(|e| e.name == t.name).ok_or_else(|| {
                BackupError::Format(format!("the backup has no table {}", t.name))
            })?;
            Ok((t, entry))
        })
        .collect()
}

fn sequences(m: &Manifest) -> Result<Vec<(&'static str, i64)>> {
    m.sequences
        .iter()
        .map(|(name, hw)| match table(name) {
            Some(t) if t.identity => Ok((t.name, *hw)),
            _ => Err(BackupError::Format(format!(
                "an id counter for {name}, which has no identity id"
            ))),
        })
        .collect()
}

fn check_count(entry: &TableEntry, n: u64) -> Result<u64> {
    if n == entry.rows {
        Ok(n)
    } else {
        Err(BackupError::Format(format!(
            "{} holds {n} rows, the manifest says {} (a damaged or edited file)",
            entry.file, entry.rows
        )))
    }
}

/// The rows of a table file, each as its cells in the table list's column order. A column the
/// file lacks is NULL (a backup from before the column existed); one the table lacks is an error.
fn rows(path: &Path, t: &'static Table) -> Result<impl Iterator<Item = Result<Vec<Cell>>>> {
    let file = std::fs::File::open(path)
        .map_err(BackupError::io(format!("opening {}", path.display())))?;
    let path = path.display().to_string();
    Ok(BufReader::new(file)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |(i, line)| {
            let bad = |why: String| BackupError::Format(format!("{path} line {}: {why}", i + 1));
            let line = line.map_err(BackupError::io(format!("reading {path}")))?;
            let mut obj: serde_json::Map<String, Value> =
                serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
            let cells = t
                .columns
                .iter()
                .map(|(c, k)| {
                    cell(obj.remove(*c).unwrap_or(Value::Null), *k)
                        .map_err(|e| bad(format!("{c}: {e}")))
                })
                .collect::<Result<Vec<_>>>()?;
            if let Some(extra) = obj.keys().next() {
                return Err(bad(format!("{} has no column {extra}", t.name)));
            }
            Ok(cells)
        }))
}

fn cell(v: Value, kind: Kind) -> std::result::Result<Cell, String> {
    Ok(match (kind, v) {
        (Kind::Int, Value::Null) => Cell::Int(None),
        (Kind::Text, Value::Null) => Cell::Text(None),
        (Kind::Bool, Value::Null) => Cell::Bool(None),
        (Kind::Int, Value::Number(n)) => Cell::Int(Some(n.as_i64().ok_or("not an integer")?)),
        (Kind::Text, Value::String(s)) => Cell::Text(Some(s)),
        (Kind::Bool, Value::Bool(b)) => Cell::Bool(Some(b)),
        (k, v) => return Err(format!("{v} is not a {k:?}")),
    })
}

async fn sqlite_table(conn: &mut SqliteConnection, t: &'static Table, path: &Path) -> Result<u64> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    let marks = vec!["?"; cols.len()].join(", ");
    let insert = format!(
        "INSERT INTO {} ({}) VALUES ({marks})",
        t.name,
        cols.join(", ")
    );
    let mut n = 0u64;
    for row in rows(path, t)? {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.as_str()));
        for c in row? {
            q = match c {
                Cell::Int(v) => q.bind(v),
                Cell::Text(v) => q.bind(v),
                // SQLite keeps flags as 0/1.
                Cell::Bool(v) => q.bind(v.map(i64::from)),
            };
        }
        q.execute(&mut *conn)
            .await
            .map_err(BackupError::sql(format!("restoring table {}", t.name)))?;
        n += 1;
    }
    Ok(n)
}

/// Column-wise arrays of one batch, for INSERT … SELECT * FROM UNNEST(…).
enum Array {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

async fn pg_table(conn: &mut PgConnection, t: &'static Table, path: &Path) -> Result<u64> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    let arrays: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, k))| format!("${}::{}", i + 1, k.pg_array()))
        .collect();
    let insert = format!(
        "INSERT INTO {} ({}) SELECT * FROM UNNEST({})",
        t.name,
        cols.join(", "),
        arrays.join(", ")
    );
    let new_batch = || -> Vec<Array> {
        t.columns
            .iter()
            .map(|(_, k)| match k {
                Kind::Int => Array::Int(Vec::new()),
                Kind::Text => Array::Text(Vec::new()),
                Kind::Bool => Array::Bool(Vec::new()),
            })
            .collect()
    };
    let mut batch = new_batch();
    let (mut pending, mut n) = (0usize, 0u64);
    for row in rows(path, t)? {
        for (array, c) in batch.iter_mut().zip(row?) {
            match (array, c) {
                (Array::Int(a), Cell::Int(v)) => a.push(v),
                (Array::Text(a), Cell::Text(v)) => a.push(v),
                (Array::Bool(a), Cell::Bool(v)) => a.push(v),
                _ => {
                    return Err(BackupError::Format(format!(
                        "{}: a cell of another kind than its column",
                        t.name
                    )));
                }
            }
        }
        pending += 1;
        if pending == BATCH_ROWS {
            n += pg_flush(conn, &insert, std::mem::replace(&mut batch, new_batch()), t).await?;
            pending = 0;
        }
    }
    if pending > 0 {
        n += pg_flush(conn, &insert, batch, t).await?;
    }
    Ok(n)
}

async fn pg_flush(
    conn: &mut PgConnection,
    insert: &str,
    batch: Vec<Array>,
    t: &Table,
) -> Result<u64> {
    if t.partitioned() {
        // Rows keep their ids: their partitions must exist first (the key is the first column).
        if let Some(Array::Int(ids)) = batch.first() {
            let upto = ids.iter().flatten().copied().max().unwrap_or(0);
            crate::db::postgres::partitions::ensure_on(&mut *conn, upto)
                .await
                .map_err(BackupError::sql(format!(
                    "making the partitions of {}",
                    t.name
                )))?;
        }
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(insert));
    for a in batch {
        q = match a {
            Array::Int(v) => q.bind(v),
            Array::Text(v) => q.bind(v),
            Array::Bool(v) => q.bind(v),
        };
    }
    Ok(q.execute(conn)
        .await
        .map_err(BackupError::sql(format!("restoring table {}", t.name)))?
        .rows_affected())
}
