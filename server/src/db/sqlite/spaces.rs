//! Spaces and their members. A space is listed to a user if it is public or the user is a
//! member; its threads' visibility follows from `space_members` (the `thread_viewers` view).

use sqlx::SqlitePool;
use vidmsg_api::{Id, Space};

use super::conflict_on_unique;
use crate::db::DbResult;

/// Columns of a space as `?1` (a user id) sees it: member names (comma-joined; names have no
/// commas), their count, and whether `?1` is one of them.
const SPACE_SELECT: &str = "SELECT s.id, s.name, s.private, cu.name AS created_by, s.created_at_ms,
        (SELECT group_concat(name, ',') FROM (SELECT u.name FROM space_members m JOIN users u ON u.id = m.user_id
            WHERE m.space_id = s.id ORDER BY m.added_at_ms, u.name)) AS members,
        (SELECT count(*) FROM space_members WHERE space_id = s.id) AS member_count,
        EXISTS (SELECT 1 FROM space_members WHERE space_id = s.id AND user_id = ?1) AS joined
     FROM spaces s JOIN users cu ON cu.id = s.created_by";

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
    pool: &SqlitePool,
    name: &str,
    private: bool,
    creator: Id,
    now_ms: i64,
) -> DbResult<Id> {
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO spaces (name, private, created_by, created_at_ms) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(private)
    .bind(creator)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, || format!("a space named {name:?} exists already")))?;
    sqlx::query("INSERT INTO space_members (space_id, user_id, added_at_ms) VALUES (?, ?, ?)")
        .bind(id)
        .bind(creator)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The space with this id, as `viewer` sees it, whether or not it may see it.
pub(super) async fn space(pool: &SqlitePool, id: Id, viewer: Id) -> DbResult<Option<Space>> {
    let row: Option<SpaceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SPACE_SELECT} WHERE s.id = ?2"
    )))
    .bind(viewer)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Into::into))
}

/// The space with this name (any case), as `viewer` sees it, whether or not it may see it.
pub(super) async fn space_by_name(
    pool: &SqlitePool,
    name: &str,
    viewer: Id,
) -> DbResult<Option<Space>> {
    let row: Option<SpaceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SPACE_SELECT} WHERE s.name = ?2"
    )))
    .bind(viewer)
    .bind(name)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Into::into))
}

/// Every public space and the private ones `viewer` belongs to, by name.
pub(super) async fn list_spaces(pool: &SqlitePool, viewer: Id) -> DbResult<Vec<Space>> {
    let rows: Vec<SpaceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SPACE_SELECT} WHERE s.private = 0 OR EXISTS (SELECT 1 FROM space_members WHERE space_id = s.id AND user_id = ?1)
         ORDER BY s.name COLLATE NOCASE"
    )))
    .bind(viewer)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn add_space_member(
    pool: &SqlitePool,
    space: Id,
    user: Id,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO space_members (space_id, user_id, added_at_ms) VALUES (?, ?, ?)",
    )
    .bind(space)
    .bind(user)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// Removes a member; false if `user` was not one.
pub(super) async fn remove_space_member(pool: &SqlitePool, space: Id, user: Id) -> DbResult<bool> {
    let r = sqlx::query("DELETE FROM space_members WHERE space_id = ? AND user_id = ?")
        .bind(space)
        .bind(user)
        .execute(pool)
        .await?;
    Ok(r.rows_affected() == 1)
}
