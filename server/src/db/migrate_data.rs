//! `vidmsg-server migrate-data`: moves a team from the single-machine SQLite database to
//! PostgreSQL. Every row of every table is copied with its ids, so tokens, links, saved URLs and
//! object keys stay valid; the derived parts are rebuilt by PostgreSQL itself (the `segments.tsv`
//! search column) or not needed there (SQLite's `segments_fts` index, each backend's own
//! `_sqlx_migrations`).
//!
//! The copy reads SQLite in one read transaction (a consistent snapshot even while a server
//! writes) and writes PostgreSQL in one transaction (all or nothing), streaming rows in batches so
//! a million transcript segments never sit in memory at once.

mod tables;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use futures_util::TryStreamExt as _;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

pub use tables::{Kind, TABLES, Table};

use super::DbError;
use super::postgres::PgDb;
use super::sqlite::SqliteDb;

/// Rows per INSERT: one statement of a few arrays each, small enough to keep memory flat.
const BATCH_ROWS: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum MigrateDataError {
    #[error("--from must be sqlite://PATH, got {0:?}")]
    FromUrl(String),
    #[error("--to must be a postgres:// or postgresql:// URL")]
    ToUrl,
    #[error(
        "no SQLite database at {0} (give the file `serve` uses, e.g. sqlite://DATA_DIR/vidmsg.db)"
    )]
    NoSource(PathBuf),
    #[error(
        "the target database is not empty: table {0} has rows. Nothing was written; point --to at \
         an empty database (e.g. one made with `createdb`)"
    )]
    NotEmpty(&'static str),
    #[error("opening a database: {0}")]
    Open(#[from] DbError),
    #[error("copying table {table}: {source}")]
    Copy {
        table: &'static str,
        source: sqlx::Error,
    },
    #[error("{what}: {source}")]
    Sql {
        what: &'static str,
        source: sqlx::Error,
    },
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T> = std::result::Result<T, MigrateDataError>;

fn sql(what: &'static str) -> impl FnOnce(sqlx::Error) -> MigrateDataError {
    move |source| MigrateDataError::Sql { what, source }
}

/// Copies the SQLite database `from` names into the empty PostgreSQL database `to` names
/// (creating its schema), reporting each table's row count and the time taken to `out`. Returns
/// the rows copied per table, in [`TABLES`] order.
pub async fn run(from: &str, to: &str, out: &mut impl Write) -> Result<Vec<(&'static str, u64)>> {
    let path = from
        .strip_prefix("sqlite://")
        .or_else(|| from.strip_prefix("sqlite:"))
        .ok_or_else(|| MigrateDataError::FromUrl(from.to_string()))?;
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        return Err(MigrateDataError::ToUrl);
    }
    // Opening would create an empty file and "migrate" nothing, successfully.
    if !std::path::Path::new(path).is_file() {
        return Err(MigrateDataError::NoSource(PathBuf::from(path)));
    }
    let started = Instant::now();
    // Both run their migrations: the source reaches the schema this binary copies, the target
    // gets its tables.
    let source = SqliteDb::open(path).await?;
    let target = PgDb::open(to).await?;

    // One connection each, with the pools' settings but without the slow-statement warning:
    // streaming a big table is one long statement, and each table's time is reported below.
    let src_options = (*source.pool().connect_options())
        .clone()
        .disable_statement_logging();
    let mut src_conn = SqliteConnection::connect_with(&src_options)
        .await
        .map_err(sql("connecting to SQLite"))?;
    let dst_options = (*target.pool().connect_options())
        .clone()
        .disable_statement_logging();
    let mut dst_conn = PgConnection::connect_with(&dst_options)
        .await
        .map_err(sql("connecting to PostgreSQL"))?;
    // One deferred read transaction: its snapshot starts at the first SELECT and holds for every
    // table, while a running server's writes go on beside it (WAL).
    let mut src = src_conn.begin().await.map_err(sql("reading SQLite"))?;
    let mut dst = dst_conn.begin().await.map_err(sql("writing PostgreSQL"))?;
    // Nobody writes the target while it is filled (a server started on it too early waits).
    let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "LOCK TABLE {} IN EXCLUSIVE MODE",
        names.join(", ")
    )))
    .execute(&mut *dst)
    .await
    .map_err(sql("locking the target tables"))?;
    for t in TABLES {
        let any: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM {})",
            t.name
        )))
        .fetch_one(&mut *dst)
        .await
        .map_err(sql("checking that the target is empty"))?;
        if any {
            return Err(MigrateDataError::NotEmpty(t.name));
        }
    }

    let mut counts = Vec::with_capacity(TABLES.len());
    for t in TABLES {
        let t0 = Instant::now();
        let n =
            copy_table(&mut src, &mut dst, t)
                .await
                .map_err(|source| MigrateDataError::Copy {
                    table: t.name,
                    source,
                })?;
        writeln!(
            out,
            "{:<16} {n:>10} rows  {:>7.2} s",
            t.name,
            t0.elapsed().as_secs_f64()
        )?;
        counts.push((t.name, n));
    }
    for t in TABLES.iter().filter(|t| t.identity) {
        advance_sequence(&mut src, &mut dst, t).await?;
    }
    dst.commit()
        .await
        .map_err(sql("committing the copy to PostgreSQL"))?;
    src.rollback()
        .await
        .map_err(sql("ending the SQLite read"))?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "copied {total} rows in {} tables in {:.2} s",
        counts.len(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(counts)
}

/// Streams `t`'s rows from SQLite into PostgreSQL, `BATCH_ROWS` per INSERT … UNNEST (one
/// prepared statement whatever the batch size). Returns the rows copied.
async fn copy_table(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    t: &Table,
) -> sqlx::Result<u64> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    let cols = cols.join(", ");
    let arrays: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, k))| format!("${}::{}", i + 1, k.pg_array()))
        .collect();
    let insert = format!(
        "INSERT INTO {} ({cols}) SELECT * FROM UNNEST({})",
        t.name,
        arrays.join(", ")
    );
    if t.partitioned() {
        // Rows keep their ids: their partitions must exist first.
        let max: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT max(id) FROM {}",
            t.name
        )))
        .fetch_one(&mut *src)
        .await?;
        crate::db::postgres::partitions::ensure_on(&mut *dst, max.unwrap_or(0)).await?;
    }
    let select = format!("SELECT {cols} FROM {} ORDER BY {}", t.name, t.key);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(src);
    let mut batch = Batch::new(t);
    let mut copied = 0u64;
    while let Some(row) = rows.try_next().await? {
        batch.push(&row)?;
        if batch.rows == BATCH_ROWS {
            copied += batch.flush(&mut *dst, &insert).await?;
        }
    }
    if batch.rows > 0 {
        copied += batch.flush(&mut *dst, &insert).await?;
    }
    Ok(copied)
}

/// Moves `t`'s identity sequence past every id it ever handed out: the highest copied id, or
/// SQLite's AUTOINCREMENT high-water mark when the newest rows were deleted (their ids must never
/// come back, as SQLite promised). An empty table with no history keeps its fresh sequence.
async fn advance_sequence(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    t: &Table,
) -> Result<()> {
    let max_id: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT max(id) FROM {}",
        t.name
    )))
    .fetch_one(&mut *dst)
    .await
    .map_err(sql("reading the highest copied id"))?;
    let high_water: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?")
            .bind(t.name)
            .fetch_optional(&mut *src)
            .await
            .map_err(sql("reading SQLite's AUTOINCREMENT counters"))?;
    if let Some(last) = max_id.max(high_water).filter(|&v| v > 0) {
        sqlx::query("SELECT setval(pg_get_serial_sequence($1, 'id'), $2, true)")
            .bind(t.name)
            .bind(last)
            .execute(&mut *dst)
            .await
            .map_err(sql("moving an id sequence past the copied ids"))?;
    }
    Ok(())
}

/// One batch of rows, column by column (the arrays UNNEST turns back into rows).
struct Batch {
    columns: Vec<Values>,
    rows: usize,
}

enum Values {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

impl Batch {
    fn new(t: &Table) -> Self {
        let columns = t
            .columns
            .iter()
            .map(|(_, k)| match k {
                Kind::Int => Values::Int(Vec::with_capacity(BATCH_ROWS)),
                Kind::Text => Values::Text(Vec::with_capacity(BATCH_ROWS)),
                Kind::Bool => Values::Bool(Vec::with_capacity(BATCH_ROWS)),
            })
            .collect();
        Self { columns, rows: 0 }
    }

    fn push(&mut self, row: &SqliteRow) -> sqlx::Result<()> {
        for (i, col) in self.columns.iter_mut().enumerate() {
            match col {
                Values::Int(v) => v.push(row.try_get(i)?),
                Values::Text(v) => v.push(row.try_get(i)?),
                Values::Bool(v) => v.push(row.try_get::<Option<i64>, _>(i)?.map(|b| b != 0)),
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Inserts the rows gathered so far and empties the batch; returns how many went in.
    async fn flush(&mut self, dst: &mut PgConnection, insert: &str) -> sqlx::Result<u64> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(insert));
        for col in &mut self.columns {
            q = match col {
                Values::Int(v) => q.bind(std::mem::take(v)),
                Values::Text(v) => q.bind(std::mem::take(v)),
                Values::Bool(v) => q.bind(std::mem::take(v)),
            };
        }
        let done = q.execute(dst).await?.rows_affected();
        self.rows = 0;
        Ok(done)
    }
}
