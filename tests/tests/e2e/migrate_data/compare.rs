//! Reads every table of both databases the same way, found from each one's own catalog (never
//! from the command's table list, so a table or column the command forgot shows up here), and
//! compares them row by row in primary-key order. SQLite's 0/1 flags compare as PostgreSQL's
//! booleans; PostgreSQL's generated columns (`segments.tsv`) and SQLite's stems of the segments
//! (`segments.stems`) are derived and left out.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail, ensure};
use sqlx::{PgPool, Row as _, SqlitePool, TypeInfo as _, ValueRef as _};

/// One cell, in the terms both backends share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

/// A table: its columns (by name, sorted) and its rows in key order.
#[derive(Debug, PartialEq, Eq)]
pub struct Dump {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Val>>,
}

/// Tables of the SQLite file that hold data of their own: not SQLite's internals, not the FTS
/// index (rebuilt from `segments`), not sqlx's per-backend migration record.
pub async fn sqlite_tables(db: &SqlitePool) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            AND name NOT LIKE 'segments_fts%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(db)
    .await?;
    Ok(names)
}

pub async fn pg_tables(db: &PgPool) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'
            AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'
            AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition) ORDER BY 1",
    )
    .fetch_all(db)
    .await?;
    Ok(names)
}

/// SQLite's columns of `table` (sorted by name) and its primary key, in key order.
async fn sqlite_columns(db: &SqlitePool, table: &str) -> anyhow::Result<(Vec<String>, String)> {
    let rows = sqlx::query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid")
        .bind(table)
        .fetch_all(db)
        .await?;
    let mut columns = Vec::new();
    let mut key: Vec<(i64, String)> = Vec::new();
    for r in rows {
        let name: String = r.try_get("name")?;
        let pk: i64 = r.try_get("pk")?;
        if table == "segments" && name == "stems" {
            continue; // derived from `text` for the FTS index, as PostgreSQL's `tsv`
        }
        if pk > 0 {
            key.push((pk, name.clone()));
        }
        columns.push(name);
    }
    ensure!(!key.is_empty(), "{table} has no primary key to order by");
    key.sort();
    columns.sort();
    let key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
    Ok((columns, key.join(", ")))
}

pub async fn dump_sqlite(db: &SqlitePool, table: &str) -> anyhow::Result<Dump> {
    let (columns, key) = sqlite_columns(db, table).await?;
    let sql = format!("SELECT {} FROM {table} ORDER BY {key}", columns.join(", "));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut vals = Vec::with_capacity(columns.len());
        for (i, c) in columns.iter().enumerate() {
            let raw = r.try_get_raw(i)?;
            vals.push(if raw.is_null() {
                Val::Null
            } else {
                match raw.type_info().name() {
                    "INTEGER" => Val::Int(r.try_get(i)?),
                    "TEXT" => Val::Text(r.try_get(i)?),
                    other => bail!("{table}.{c} holds a {other} value"),
                }
            });
        }
        out.push(vals);
    }
    Ok(Dump { columns, rows: out })
}

/// PostgreSQL's copy of `table`, with the columns and key order SQLite's catalog gives (so a
/// column PostgreSQL lacks fails the query), after checking PostgreSQL has no stored column
/// SQLite lacks.
pub async fn dump_pg(db: &PgPool, sqlite: &SqlitePool, table: &str) -> anyhow::Result<Dump> {
    let (columns, key) = sqlite_columns(sqlite, table).await?;
    let types: BTreeMap<String, String> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'",
    )
    .bind(table)
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    let pg_columns: Vec<&String> = types.keys().collect();
    let sqlite_columns: Vec<&String> = columns.iter().collect();
    ensure!(
        pg_columns == sqlite_columns,
        "{table}: PostgreSQL has columns {pg_columns:?}, SQLite {sqlite_columns:?}"
    );
    let sql = format!("SELECT {} FROM {table} ORDER BY {key}", columns.join(", "));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut vals = Vec::with_capacity(columns.len());
        for (i, c) in columns.iter().enumerate() {
            let ty = types.get(c).context("column type")?;
            let v = match ty.as_str() {
                "bigint" => r.try_get::<Option<i64>, _>(i)?.map(Val::Int),
                "text" => r.try_get::<Option<String>, _>(i)?.map(Val::Text),
                "boolean" => r
                    .try_get::<Option<bool>, _>(i)?
                    .map(|b| Val::Int(i64::from(b))),
                other => bail!("{table}.{c} is a {other} column"),
            };
            vals.push(v.unwrap_or(Val::Null));
        }
        out.push(vals);
    }
    Ok(Dump { columns, rows: out })
}
