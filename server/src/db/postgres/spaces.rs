//! Spaces and their members on PostgreSQL. A space is listed to a user if it is public or the
//! user is a member; its threads' visibility follows from `space_members` (the `thread_viewers`
//! view). A name is unique in any case through the unique index on `lower(name)` (SQLite's
//! `COLLATE NOCASE` column): lookups compare `lower(name) = lower($n)` so they use that index, and
//! two servers creating the same name at once meet on it, the second getting a `Conflict`.
//! `private` is a BOOLEAN.

use sqlx::PgPool;
use vidmsg_api::{Id, Space};

use super::conflict_on_unique;
use crate::db::DbResult;

/// A query for spaces as `$1` (a user id) sees them, ending with `$tail` (a WHERE clause and
/// more): member names (comma-joined in joining order, then byte-wise as SQLite's BINARY; names
/// have no commas), their count, and whether `$1` is one of them. A macro so that each query is
/// one static string, which sqlx takes as safe SQL.
macro_rules! space_select {
    ($tail:literal) => {
        concat!(
            r#"SELECT s.id, s.name, s.private, cu.name AS created_by, s.created_at_ms,
        (SELECT string_agg(u.name, ',' ORDER BY m.added_at_ms, u.name COLLATE "C")
            FROM space_members m JOIN users u ON u.id = m.user_id
            WHERE m.space_id = s.id) AS members,
        (SELECT count(*) FROM space_members WHERE space_id = s.id) AS member_count,
        EXISTS (SELECT 1 FROM space_members WHERE space_id = s.id AND user_id = $1) AS joined
     FROM spaces s JOIN users cu ON cu.id = s.created_by "#,
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct SpaceRow {
    id: i64,
    name: String,
    private: bool,
    created_by: String,
    created_at_ms: i64,
    members: Option<String>,
    member_count: i64,
    joined: bool,
}

impl From<SpaceRow> for Space {
    fn from(r: SpaceRow) -> Self {
        Space {
            id: r.id,
            name: r.name,
            private: r.private,
            members: r
                .members
                .map(|m| {
                    m.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            member_count: r.member_count,
            joined: r.joined,
            created_by: r.created_by,
            created_at_ms: r.created_at_ms,
        }
    }
}

/// Creates a space with its creator as first member. A taken name (any case) is a `Conflict`.
pub(super) async fn create_space(
    pool: &PgPool,
    name: &str,
    private: bool,
    creator: Id,
    now_ms: i64,
) -> DbResult<Id> {
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO spaces (name, private, created_by, created_at_ms) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(private)
    .bind(creator)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, || format!("a space named {name:?} exists already")))?;
    sqlx::query("INSERT INTO space_members (space_id, user_id, added_at_ms) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(creator)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The space with this id, as `viewer` sees it, whether or not it may see it.
pub(super) async fn space(pool: &PgPool, id: Id, viewer: Id) -> DbResult<Option<Space>> {
    let row: Option<SpaceRow> = sqlx::query_as(space_select!("WHERE s.id = $2"))
        .bind(viewer)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Into::into))
}

/// The space with this name (any case), as `viewer` sees it, whether or not it may see it.
pub(super) async fn space_by_name(
    pool: &PgPool,
    name: &str,
    viewer: Id,
) -> DbResult<Option<Space>> {
    let row: Option<SpaceRow> = sqlx::query_as(space_select!("WHERE lower(s.name) = lower($2)"))
        .bind(viewer)
        .bind(name)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Into::into))
}

/// Every public space and the private ones `viewer` belongs to, by name.
pub(super) async fn list_spaces(pool: &PgPool, viewer: Id) -> DbResult<Vec<Space>> {
    let rows: Vec<SpaceRow> = sqlx::query_as(space_select!(
        r#"WHERE NOT s.private
            OR EXISTS (SELECT 1 FROM space_members WHERE space_id = s.id AND user_id = $1)
         ORDER BY lower(s.name) COLLATE "C""#
    ))
    .bind(viewer)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn add_space_member(
    pool: &PgPool,
    space: Id,
    user: Id,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO space_members (space_id, user_id, added_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(space)
    .bind(user)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// Removes a member; false if `user` was not one.
pub(super) async fn remove_space_member(pool: &PgPool, space: Id, user: Id) -> DbResult<bool> {
    let r = sqlx::query("DELETE FROM space_members WHERE space_id = $1 AND user_id = $2")
        .bind(space)
        .bind(user)
        .execute(pool)
        .await?;
    Ok(r.rows_affected() == 1)
}
