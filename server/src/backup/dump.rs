//! Reads every table in one transaction (one instant of the database, whatever servers write
//! meanwhile) into `NAME.jsonl` files, and the id high-water marks of the same instant.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use futures_util::TryStreamExt as _;
use serde_json::{Map, Value};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

use super::manifest::TableEntry;
use super::objects::{self, ObjectRef};
use super::{BackupError, Result, is_postgres, sqlite_path};
use crate::db::DbError;
use crate::db::migrate_data::{Kind, TABLES, Table};
use crate::db::postgres::PgDb;
use crate::db::sqlite::SqliteDb;

/// What one snapshot held.
pub(super) struct Snapshot {
    pub source: &'static str,
    pub tables: Vec<TableEntry>,
    pub sequences: BTreeMap<String, i64>,
    /// Every object the `messages` rows name.
    pub objects: Vec<ObjectRef>,
}

pub(super) async fn dump(url: &str, dir: &Path) -> Result<Snapshot> {
    if let Some(path) = sqlite_path(url) {
        // Opening would create an empty file and back up nothing, successfully.
        if !Path::new(path).is_file() {
            return Err(BackupError::NoSource(PathBuf::from(path)));
        }
        dump_sqlite(path, dir).await
    } else if is_postgres(url) {
        dump_pg(url, dir).await
    } else {
        Err(DbError::UnsupportedUrl(url.to_string()).into())
    }
}

fn select(t: &Table) -> String {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        cols.join(", "),
        t.name,
        t.key
    )
}

async fn dump_sqlite(path: &str, dir: &Path) -> Result<Snapshot> {
    // Opening brings an older file's schema to the one this binary reads (as `serve` would).
    let db = SqliteDb::open(path).await?;
    // Without the slow-statement warning: reading a big table is one long statement.
    let options = (*db.pool().connect_options())
        .clone()
        .disable_statement_logging();
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(BackupError::sql("connecting to SQLite"))?;
    // A deferred read transaction: its snapshot starts at the first SELECT and holds for every
    // table, while a running server's writes go on beside it (WAL).
    let mut tx = conn
        .begin()
        .await
        .map_err(BackupError::sql("reading SQLite"))?;
    let mut writers = Vec::with_capacity(TABLES.len());
    for t in TABLES {
        let mut w = TableWriter::create(dir, t)?;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select(t))).fetch(&mut *tx);
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(BackupError::sql(format!("reading table {}", t.name)))?
        {
            w.push(sqlite_values(&row, t).map_err(BackupError::sql(t.name))?)?;
        }
        drop(rows);
        writers.push(w);
    }
    let counters: Vec<(String, i64)> = sqlx::query_as("SELECT name, seq FROM sqlite_sequence")
        .fetch_all(&mut *tx)
        .await
        .map_err(BackupError::sql("reading SQLite's AUTOINCREMENT counters"))?;
    tx.rollback()
        .await
        .map_err(BackupError::sql("ending the SQLite read"))?;
    let counters: BTreeMap<String, i64> = counters.into_iter().collect();
    finish("sqlite", writers, |t| counters.get(t).copied())
}

async fn dump_pg(url: &str, dir: &Path) -> Result<Snapshot> {
    let db = PgDb::open(url).await?;
    let options = (*db.pool().connect_options())
        .clone()
        .disable_statement_logging();
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(BackupError::sql("connecting to PostgreSQL"))?;
    // One snapshot for every statement of the transaction, taken at its first query; read-only
    // so it never blocks or aborts the servers' writes.
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(BackupError::sql("reading PostgreSQL"))?;
    let mut writers = Vec::with_capacity(TABLES.len());
    for t in TABLES {
        let mut w = TableWriter::create(dir, t)?;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select(t))).fetch(&mut *tx);
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(BackupError::sql(format!("reading table {}", t.name)))?
        {
            w.push(pg_values(&row, t).map_err(BackupError::sql(t.name))?)?;
        }
        drop(rows);
        writers.push(w);
    }
    // Sequences stand outside transactions: read after the rows, each is at least as high as
    // any id the snapshot holds (and perhaps higher, which only skips ids).
    let mut counters = BTreeMap::new();
    for t in TABLES.iter().filter(|t| t.identity) {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass)",
        )
        .bind(t.name)
        .fetch_one(&mut *tx)
        .await
        .map_err(BackupError::sql("reading PostgreSQL's id sequences"))?;
        if let Some(v) = last {
            counters.insert(t.name.to_string(), v);
        }
    }
    tx.rollback()
        .await
        .map_err(BackupError::sql("ending the PostgreSQL read"))?;
    finish("postgres", writers, |t| counters.get(t).copied())
}

/// Closes every file and gathers the high-water marks: the backend's counter or the highest id
/// seen, whichever is higher.
fn finish(
    source: &'static str,
    writers: Vec<TableWriter>,
    counter: impl Fn(&str) -> Option<i64>,
) -> Result<Snapshot> {
    let mut tables = Vec::with_capacity(writers.len());
    let mut sequences = BTreeMap::new();
    let mut refs = Vec::new();
    for w in writers {
        let name = w.table.name;
        if w.table.identity
            && let Some(hw) = w.max_id.max(counter(name)).filter(|&v| v > 0)
        {
            sequences.insert(name.to_string(), hw);
        }
        let (entry, objects) = w.finish()?;
        refs.extend(objects);
        tables.push(entry);
    }
    Ok(Snapshot {
        source,
        tables,
        sequences,
        objects: refs,
    })
}

fn sqlite_values(row: &SqliteRow, t: &Table) -> sqlx::Result<Vec<Value>> {
    let mut out = Vec::with_capacity(t.columns.len());
    for (i, (_, kind)) in t.columns.iter().enumerate() {
        out.push(match kind {
            Kind::Int => json(row.try_get::<Option<i64>, _>(i)?),
            Kind::Text => json(row.try_get::<Option<String>, _>(i)?),
            // SQLite keeps flags as 0/1.
            Kind::Bool => json(row.try_get::<Option<i64>, _>(i)?.map(|b| b != 0)),
        });
    }
    Ok(out)
}

fn pg_values(row: &PgRow, t: &Table) -> sqlx::Result<Vec<Value>> {
    let mut out = Vec::with_capacity(t.columns.len());
    for (i, (_, kind)) in t.columns.iter().enumerate() {
        out.push(match kind {
            Kind::Int => json(row.try_get::<Option<i64>, _>(i)?),
            Kind::Text => json(row.try_get::<Option<String>, _>(i)?),
            Kind::Bool => json(row.try_get::<Option<bool>, _>(i)?),
        });
    }
    Ok(out)
}

fn json<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

/// One table's file, written under a temporary name and renamed once complete.
struct TableWriter {
    table: &'static Table,
    tmp: PathBuf,
    path: PathBuf,
    file: BufWriter<File>,
    rows: u64,
    max_id: Option<i64>,
    objects: Vec<ObjectRef>,
}

impl TableWriter {
    fn create(dir: &Path, table: &'static Table) -> Result<Self> {
        let path = dir.join(file_name(table));
        let tmp = path.with_extension("jsonl.tmp");
        let file =
            File::create(&tmp).map_err(BackupError::io(format!("creating {}", tmp.display())))?;
        Ok(Self {
            table,
            tmp,
            path,
            file: BufWriter::new(file),
            rows: 0,
            max_id: None,
            objects: Vec::new(),
        })
    }

    fn push(&mut self, values: Vec<Value>) -> Result<()> {
        let mut row = Map::with_capacity(values.len());
        for ((name, _), v) in self.table.columns.iter().zip(values) {
            row.insert((*name).to_string(), v);
        }
        if self.table.identity
            && let Some(id) = row.get("id").and_then(Value::as_i64)
        {
            self.max_id = self.max_id.max(Some(id));
        }
        if self.table.name == "messages" {
            self.objects.extend(objects::refs_of_message(&row));
        }
        let what = || format!("writing {}", self.tmp.display());
        serde_json::to_writer(&mut self.file, &row)
            .map_err(|e| BackupError::io(what())(e.into()))?;
        self.file
            .write_all(b"\n")
            .map_err(BackupError::io(what()))?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self) -> Result<(TableEntry, Vec<ObjectRef>)> {
        let what = format!("writing {}", self.tmp.display());
        let file = self
            .file
            .into_inner()
            .map_err(|e| BackupError::io(what.clone())(e.into_error()))?;
        file.sync_all().map_err(BackupError::io(what))?;
        std::fs::rename(&self.tmp, &self.path)
            .map_err(BackupError::io(format!("naming {}", self.path.display())))?;
        let entry = TableEntry {
            name: self.table.name.to_string(),
            file: file_name(self.table),
            rows: self.rows,
        };
        Ok((entry, self.objects))
    }
}

fn file_name(t: &Table) -> String {
    format!("{}.jsonl", t.name)
}
