//! Users and tokens on PostgreSQL. Names compare exactly (as in SQLite: `users.name` has no
//! NOCASE) and lists sort byte-wise (`COLLATE "C"`, SQLite's BINARY), whatever the database's
//! collation. The first account becomes an admin: with several API servers two first sign-ups
//! could both see an empty table, so every insert into `users` first takes
//! [`lock_users_for_insert`].

use sqlx::{PgConnection, PgPool};
use vidmsg_api::{Id, Role, User};

use super::conflict_on_unique;
use crate::db::{DbResult, TokenRow};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    created_at_ms: i64,
    role: String,
}

fn user(r: UserRow) -> User {
    User {
        id: r.id,
        name: r.name,
        created_at_ms: r.created_at_ms,
        role: if r.role == "admin" {
            Role::Admin
        } else {
            Role::Member
        },
    }
}

#[derive(sqlx::FromRow)]
struct TokenListRow {
    id: i64,
    user: String,
    hint: String,
    created_at_ms: i64,
    revoked_at_ms: Option<i64>,
}

/// Serializes inserts into `users` until the transaction ends, so "is this the first account?"
/// (`NOT EXISTS (SELECT 1 FROM users)`) has one answer per account: there is no row to lock with
/// `FOR UPDATE` while the table is empty. SHARE ROW EXCLUSIVE conflicts with itself and with
/// writers of `users`, not with readers nor with the key-share locks of foreign-key checks, and
/// accounts are created rarely, so the wait is short.
pub(super) async fn lock_users_for_insert(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        .execute(conn)
        .await?;
    Ok(())
}

/// Creates a user: an admin if asked, or if it is the first account.
pub(super) async fn create_user(
    pool: &PgPool,
    name: &str,
    admin: bool,
    now_ms: i64,
) -> DbResult<User> {
    let mut tx = super::write_tx(pool).await?;
    lock_users_for_insert(&mut tx).await?;
    let row: UserRow = sqlx::query_as(
        "INSERT INTO users (name, role, created_at_ms)
         VALUES ($1, CASE WHEN $2 OR NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'member' END, $3)
         RETURNING id, name, created_at_ms, role",
    )
    .bind(name)
    .bind(admin)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, || format!("user {name:?} already exists")))?;
    tx.commit().await?;
    Ok(user(row))
}

pub(super) async fn list_users(pool: &PgPool) -> DbResult<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(
        r#"SELECT id, name, created_at_ms, role FROM users ORDER BY name COLLATE "C""#,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(user).collect())
}

pub(super) async fn user_by_name(pool: &PgPool, name: &str) -> DbResult<Option<User>> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, name, created_at_ms, role FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(user))
}

pub(super) async fn add_token(
    pool: &PgPool,
    user_id: Id,
    token_hash: &str,
    hint: &str,
    now_ms: i64,
) -> DbResult<Id> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO tokens (user_id, token_hash, hint, created_at_ms) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(user_id)
            .bind(token_hash)
            .bind(hint)
            .bind(now_ms)
            .fetch_one(pool)
            .await?;
    Ok(id)
}

pub(super) async fn user_by_token_hash(pool: &PgPool, token_hash: &str) -> DbResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.created_at_ms, u.role FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at_ms IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(user))
}

pub(super) async fn list_tokens(pool: &PgPool) -> DbResult<Vec<TokenRow>> {
    let rows: Vec<TokenListRow> = sqlx::query_as(
        "SELECT t.id, u.name AS user, t.hint, t.created_at_ms, t.revoked_at_ms FROM tokens t JOIN users u ON u.id = t.user_id
         ORDER BY t.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TokenRow {
            id: r.id,
            user: r.user,
            hint: r.hint,
            created_at_ms: r.created_at_ms,
            revoked_at_ms: r.revoked_at_ms,
        })
        .collect())
}

pub(super) async fn revoke_token_hash(
    pool: &PgPool,
    token_hash: &str,
    now_ms: i64,
) -> DbResult<u64> {
    let r = sqlx::query(
        "UPDATE tokens SET revoked_at_ms = $1 WHERE token_hash = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}

pub(super) async fn revoke_token_id(pool: &PgPool, id: Id, now_ms: i64) -> DbResult<u64> {
    let r =
        sqlx::query("UPDATE tokens SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL")
            .bind(now_ms)
            .bind(id)
            .execute(pool)
            .await?;
    Ok(r.rows_affected())
}
