//! The partitions of `segments` (ranges of [`SEGMENT_PARTITION`] ids, migration 0005) are made
//! before rows need them: [`ensure`] runs `vidmsg_segment_partitions` in a statement of its own,
//! so the lock that making a partition takes on `segments` is released at once, never held
//! while a transaction writes rows (two writers would deadlock on it).

use sqlx::PgPool;

use crate::db::DbResult;

/// Ids per partition of `segments`; the migration's `span` says the same. Search probes whole
/// partitions, newest first.
pub(super) const SEGMENT_PARTITION: i64 = 131_072;

/// Makes every partition up to the one holding id `upto`, and one past the next id the
/// sequence hands out (so rows inserted without ids always have one).
pub(crate) async fn ensure(pool: &PgPool, upto: i64) -> DbResult<()> {
    sqlx::query("SELECT vidmsg_segment_partitions($1)")
        .bind(upto)
        .execute(pool)
        .await?;
    Ok(())
}

/// [`ensure`] on a connection that may be inside a transaction: a load that locked the tables
/// (restore, migrate-data) and writes rows with their own ids.
pub(crate) async fn ensure_on(conn: &mut sqlx::PgConnection, upto: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT vidmsg_segment_partitions($1)")
        .bind(upto)
        .execute(conn)
        .await?;
    Ok(())
}
