//! Passwords and invites on PostgreSQL: what signing in and joining read and write. Hashing
//! happens before (argon2id for passwords, SHA-256 for invite codes and tokens); only hashes
//! reach SQL. An invite may name spaces: joining with it makes the new account a member of them.
//! Several API servers may redeem the same code at once: the conditional `UPDATE ... RETURNING`
//! that marks the invite used locks its row, and a second redeemer re-checks `used_at_ms` after
//! the first commits, so it finds the invite used (or unused again, when the first rolled back on
//! a taken name). The first-account admin check is serialized by
//! [`super::accounts::lock_users_for_insert`].

use sqlx::PgPool;
use vidmsg_api::{Id, Role, User};

use super::conflict_on_unique;
use crate::db::{Credentials, DbResult, NewInvite, NewSession};

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    id: i64,
    name: String,
    created_at_ms: i64,
    role: String,
    password_hash: Option<String>,
}

fn role(r: &str) -> Role {
    if r == "admin" {
        Role::Admin
    } else {
        Role::Member
    }
}

pub(super) async fn set_password(pool: &PgPool, user: Id, password_hash: &str) -> DbResult<()> {
    let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user)
        .execute(pool)
        .await?;
    if r.rows_affected() == 0 {
        return Err(crate::db::DbError::NotFound("user"));
    }
    Ok(())
}

pub(super) async fn credentials(pool: &PgPool, name: &str) -> DbResult<Option<Credentials>> {
    let row: Option<CredentialsRow> = sqlx::query_as(
        "SELECT id, name, created_at_ms, role, password_hash FROM users WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Credentials {
        user: User {
            id: r.id,
            name: r.name,
            created_at_ms: r.created_at_ms,
            role: role(&r.role),
        },
        password_hash: r.password_hash,
    }))
}

/// Stores the invite with the spaces its joiner will be put in.
pub(super) async fn create_invite(pool: &PgPool, new: &NewInvite) -> DbResult<Id> {
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO invites (code_hash, created_by, created_at_ms, expires_at_ms)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&new.code_hash)
    .bind(new.created_by)
    .bind(new.now_ms)
    .bind(new.expires_at_ms)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO invite_spaces (invite_id, space_id)
         SELECT $1, space_id FROM unnest($2::BIGINT[]) AS s (space_id)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&new.spaces)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Uses the invite, creates the user (an admin only if it is the first account) with its
/// password and first token, all at once. `None`: the invite is unknown, used or expired. A taken
/// name is a `Conflict` and leaves the invite unused.
pub(super) async fn join_with_invite(
    pool: &PgPool,
    code_hash: &str,
    session: &NewSession,
) -> DbResult<Option<User>> {
    let mut tx = super::write_tx(pool).await?;
    let used: Option<(i64,)> = sqlx::query_as(
        "UPDATE invites SET used_at_ms = $1
         WHERE code_hash = $2 AND used_at_ms IS NULL AND expires_at_ms > $1 RETURNING id",
    )
    .bind(session.now_ms)
    .bind(code_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invite_id,)) = used else {
        return Ok(None);
    };
    super::accounts::lock_users_for_insert(&mut tx).await?;
    let row: CredentialsRow = sqlx::query_as(
        "INSERT INTO users (name, role, created_at_ms, password_hash)
         VALUES ($1, CASE WHEN NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'member' END, $2, $3)
         RETURNING id, name, created_at_ms, role, password_hash",
    )
    .bind(&session.name)
    .bind(session.now_ms)
    .bind(&session.password_hash)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| conflict_on_unique(e, || format!("the name {:?} is taken: choose another", session.name)))?;
    sqlx::query("UPDATE invites SET used_by = $1 WHERE id = $2")
        .bind(row.id)
        .bind(invite_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO tokens (user_id, token_hash, hint, created_at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(row.id)
    .bind(&session.token_hash)
    .bind(&session.token_hint)
    .bind(session.now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO space_members (space_id, user_id, added_at_ms)
         SELECT space_id, $1, $2 FROM invite_spaces WHERE invite_id = $3
         ON CONFLICT DO NOTHING",
    )
    .bind(row.id)
    .bind(session.now_ms)
    .bind(invite_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(User {
        id: row.id,
        name: row.name,
        created_at_ms: row.created_at_ms,
        role: role(&row.role),
    }))
}
