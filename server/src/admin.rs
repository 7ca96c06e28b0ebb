//! `user …` and `token …` commands: they open the same database as `serve` (SQLite in WAL mode
//! lets both run at once) and print to stdout.

use std::io::Write;

use anyhow::{Context as _, bail};

use crate::accounts;
use crate::cli::{TokenCmd, UserCmd};
use crate::db::{Db, now_ms};

/// Creates a user and returns its first token.
pub async fn add_user(db: &Db, name: &str) -> anyhow::Result<String> {
    accounts::validate_user_name(name).map_err(anyhow::Error::msg)?;
    let user = db.create_user(name, now_ms()).await?;
    issue_token(db, user.id).await
}

/// Stores the hash of a new token for a user and returns the token.
pub async fn issue_token(db: &Db, user_id: i64) -> anyhow::Result<String> {
    let token = accounts::new_token();
    db.add_token(
        user_id,
        &accounts::hash_token(&token),
        &accounts::token_hint(&token),
        now_ms(),
    )
    .await?;
    Ok(token)
}

pub async fn run_user(db: &Db, cmd: UserCmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        UserCmd::Add { name } => {
            let token = add_user(db, &name).await?;
            writeln!(out, "{token}")?;
        }
        UserCmd::List => {
            for u in db.list_users().await? {
                writeln!(out, "{}\t{}\t{}", u.id, u.name, format_ms(u.created_at_ms))?;
            }
        }
    }
    Ok(())
}

pub async fn run_token(db: &Db, cmd: TokenCmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        TokenCmd::Add { name } => {
            let user = db
                .user_by_name(&name)
                .await?
                .with_context(|| format!("no user named {name:?}"))?;
            writeln!(out, "{}", issue_token(db, user.id).await?)?;
        }
        TokenCmd::List => {
            for t in db.list_tokens().await? {
                let state = t.revoked_at_ms.map_or("active".to_string(), |r| {
                    format!("revoked {}", format_ms(r))
                });
                writeln!(
                    out,
                    "{}\t{}\t{}…\t{}\t{}",
                    t.id,
                    t.user,
                    t.hint,
                    format_ms(t.created_at_ms),
                    state
                )?;
            }
        }
        TokenCmd::Revoke { token, id } => {
            let n = match (token, id) {
                (Some(t), _) => {
                    db.revoke_token_hash(&accounts::hash_token(t.trim()), now_ms())
                        .await?
                }
                (None, Some(id)) => db.revoke_token_id(id, now_ms()).await?,
                (None, None) => bail!("give a token or --id"),
            };
            if n == 0 {
                bail!("no active token matched");
            }
            writeln!(out, "revoked")?;
        }
    }
    Ok(())
}

fn format_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}
