//! `user …`, `token …` and `invite …` commands: they open the same database as `serve` (SQLite
//! in WAL mode lets both run at once) and print to stdout. Tokens and invites are printed; tokens
//! and passwords are never taken as arguments (`ps` and shell history would show them):
//! `token revoke` and `user add --password-stdin` read them from stdin.

use std::io::{BufRead, IsTerminal as _, Write};

use anyhow::{Context as _, bail};

use crate::accounts;
use crate::cli::{InviteCmd, TokenCmd, UserCmd};
use crate::config::Config;
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

/// Creates a user with a password (checked before the user is created) and returns its first
/// token.
pub async fn add_user_with_password(
    db: &Db,
    name: &str,
    admin: bool,
    password: &str,
) -> anyhow::Result<String> {
    crate::domain::UserName::parse(name)?;
    crate::passwords::check_new(password)?;
    let hash = crate::passwords::hash(password)?;
    let user = db.create_user(name, admin, now_ms()).await?;
    db.set_password(user.id, &hash).await?;
    issue_token(db, user.id).await
}

/// The first line of `input` without its line ending: a password (spaces kept).
pub fn read_password(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!(
            "no password on stdin: pipe it in (`vidmsg-server user add NAME --password-stdin < pw.txt`)"
        );
    }
    Ok(password.to_string())
}

pub async fn run_user(db: &Db, cmd: UserCmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        UserCmd::Add {
            name,
            admin,
            password_stdin,
        } => {
            let token = if password_stdin {
                let stdin = std::io::stdin();
                if stdin.is_terminal() {
                    eprintln!("type the password for {name}, then press Enter:");
                }
                let password = read_password(&mut stdin.lock())?;
                add_user_with_password(db, &name, admin, &password).await?
            } else {
                add_user_with_role(db, &name, admin).await?
            };
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

/// `invite create`: prints the code, its expiry, and the link (last line).
pub async fn run_invite(
    db: &Db,
    config: &Config,
    cmd: InviteCmd,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match cmd {
        InviteCmd::Create {
            expires_hours,
            public_url,
        } => {
            let lifetime = expires_hours.map_or(config.accounts.invite_lifetime, |h| {
                std::time::Duration::from_secs(h.max(1).saturating_mul(3600))
            });
            let base = public_url
                .or_else(|| config.public_url.clone())
                .unwrap_or_else(|| format!("http://{}", config.listen));
            let invite = crate::invites::create(db, None, lifetime, &base).await?;
            writeln!(out, "invite code: {}", invite.code)?;
            writeln!(
                out,
                "usable once, until {}",
                format_ms(invite.expires_at_ms)
            )?;
            writeln!(out, "{}", invite.url)?;
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
