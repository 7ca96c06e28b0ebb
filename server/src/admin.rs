//! `user …` and `token …` commands: they open the same database as `serve` (SQLite in WAL mode
//! lets both run at once) and print to stdout. Tokens are printed, never taken as arguments
//! (`ps` and shell history would show them): `token revoke` reads one from stdin.

use std::io::{BufRead, IsTerminal as _, Write};

use anyhow::{Context as _, bail};

use crate::accounts;
use crate::cli::{TokenCmd, UserCmd};
use crate::db::{Db, now_ms};

/// Creates a user (an admin if it is the first) and returns its first token.
pub async fn add_user(db: &Db, name: &str) -> anyhow::Result<String> {
    add_user_with_role(db, name, false).await
}

/// Creates a user, an admin if `admin` (or if it is the first), and returns its first token.
pub async fn add_user_with_role(db: &Db, name: &str, admin: bool) -> anyhow::Result<String> {
    crate::domain::UserName::parse(name)?;
    let user = db.create_user(name, admin, now_ms()).await?;
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
        UserCmd::Add { name, admin } => {
            let token = add_user_with_role(db, &name, admin).await?;
            writeln!(out, "{token}")?;
        }
        UserCmd::List => {
            for u in db.list_users().await? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.name,
                    u.role.as_str(),
                    format_ms(u.created_at_ms)
                )?;
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
            let n = match (token.as_deref(), id) {
                (_, Some(id)) => db.revoke_token_id(id, now_ms()).await?,
                (None | Some("-"), None) => {
                    let stdin = std::io::stdin();
                    if stdin.is_terminal() {
                        eprintln!("paste the token to revoke, then press Enter:");
                    }
                    let token = read_token(&mut stdin.lock())?;
                    db.revoke_token_hash(&accounts::hash_token(&token), now_ms())
                        .await?
                }
                (Some(_), None) => bail!("{TOKEN_ARGUMENT_REFUSED}"),
            };
            if n == 0 {
                bail!("no active token matched");
            }
            writeln!(out, "revoked")?;
        }
    }
    Ok(())
}

/// Why `token revoke TOKEN` is refused.
pub const TOKEN_ARGUMENT_REFUSED: &str = "a token on the command line shows in `ps` and shell history: \
pipe it on stdin instead (`vidmsg-server token revoke < token.txt`), or revoke by id \
(`vidmsg-server token revoke --id N`, ids from `vidmsg-server token list`)";

/// The first line of `input`, trimmed: the token to revoke.
pub fn read_token(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("reading the token from stdin")?;
    let token = line.trim();
    if token.is_empty() {
        bail!(
            "no token on stdin: pipe the token in (`vidmsg-server token revoke < token.txt`) or use --id N"
        );
    }
    Ok(token.to_string())
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
