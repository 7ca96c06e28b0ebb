//! Accounts without the server's shell (issue #11, item 2): password sign-in gives a real bearer
//! token; wrong name and wrong password answer alike and are rate limited per address; sign-out
//! revokes exactly its token; invites are single use, expire, and members may create them only
//! where the server allows it; `user add --password-stdin` and `invite create` from the binary.

use std::process::Command;
use std::time::Duration;

use vidmsg_api::{Client, ClientError, CreateInvite, CreateSession, JoinRequest, Role};
use vidmsg_server::Config;
use vidmsg_server::admin::add_user_with_password;
use vidmsg_tests::TestServer;
use vidmsg_tests::server::{admin_command, server_binary};

use crate::assert_api_err;

const ALICE_PW: &str = "alice's long password";

fn session(name: &str, password: &str) -> CreateSession {
    CreateSession {
        name: name.into(),
        password: password.into(),
    }
}

fn join_req(code: &str, name: &str, password: &str) -> JoinRequest {
    JoinRequest {
        code: code.into(),
        name: name.into(),
        password: password.into(),
    }
}

/// A client without a token that connects from `ip` (any 127.x reaches the server).
fn anonymous_from(base: &str, ip: [u8; 4]) -> anyhow::Result<Client> {
    let http = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()?;
    Ok(Client::with_http(http, base, None)?)
}

fn with_token(srv: &TestServer, token: &str) -> anyhow::Result<Client> {
    Ok(Client::new(srv.base_url(), Some(token.to_string()))?)
}

/// The status and body of a failed call.
fn failure<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (u16, String, String) {
    match r {
        Err(ClientError::Api { status, body }) => (status, body.error, body.message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_password_signs_in_and_sign_out_revokes_only_that_token() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    add_user_with_password(srv.running.db(), "alice", false, ALICE_PW).await?;
    let anon = srv.anonymous();

    let first = anon.sign_in(&session("alice", ALICE_PW)).await?;
    assert_eq!(first.user.name, "alice");
    assert_eq!(
        first.user.role,
        Role::Admin,
        "the first account is an admin"
    );
    assert!(first.token.starts_with("vm_"));
    let a = with_token(&srv, &first.token)?;
    assert_eq!(a.me().await?.name, "alice", "the token is a bearer token");
    let second = anon.sign_in(&session("alice", ALICE_PW)).await?;
    assert_ne!(first.token, second.token);
    let b = with_token(&srv, &second.token)?;

    // Wrong password and unknown name answer exactly alike.
    let wrong = failure(anon.sign_in(&session("alice", "not the password")).await);
    let unknown = failure(anon.sign_in(&session("nobody", "not the password")).await);
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown);
    // An account without a password cannot sign in with one.
    srv.user("tokenonly").await?;
    assert_eq!(
        failure(anon.sign_in(&session("tokenonly", "any password")).await),
        wrong
    );

    a.sign_out().await?;
    assert_api_err(a.me().await, 401, "unauthorized");
    assert_eq!(b.me().await?.name, "alice", "the other token still works");
    assert_api_err(a.sign_out().await, 401, "unauthorized");
    Ok(())
}

#[tokio::test]
async fn wrong_passwords_are_rate_limited_per_address() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    add_user_with_password(srv.running.db(), "alice", false, ALICE_PW).await?;
    let base = srv.base_url();
    let attacker = anonymous_from(base, [127, 0, 0, 1])?;
    let elsewhere = anonymous_from(base, [127, 0, 0, 2])?;

    // The default allows 10 failures a minute from one address.
    for i in 0..10 {
        let name = if i % 2 == 0 { "alice" } else { "nobody" };
        assert_api_err(
            attacker.sign_in(&session(name, "guess-guess")).await,
            401,
            "unauthorized",
        );
    }
    let resp = attacker
        .request(reqwest::Method::POST, "api/sessions")?
        .json(&session("alice", "guess-guess"))
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 429);
    vidmsg_tests::server::retry_after_secs(&resp)?;
    // The blocked address cannot try even the right password (that would tell it was right).
    assert_api_err(
        attacker.sign_in(&session("alice", ALICE_PW)).await,
        429,
        "too_many_requests",
    );
    // Alice, elsewhere, still signs in.
    let s = elsewhere.sign_in(&session("alice", ALICE_PW)).await?;
    assert_eq!(with_token(&srv, &s.token)?.me().await?.name, "alice");
    Ok(())
}

#[tokio::test]
async fn an_invite_joins_once_and_not_after_it_expires() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let anon = srv.anonymous();

    let invite = alice.create_invite(&CreateInvite::default()).await?;
    assert!(invite.code.len() >= 22, "≥128 bits");
    assert_eq!(
        invite.url,
        format!("{}/join/{}", srv.base_url(), invite.code)
    );
    let week_ms = 7 * 24 * 3600 * 1000;
    let left = invite.expires_at_ms - vidmsg_server::db::now_ms();
    assert!((week_ms - 60_000..=week_ms).contains(&left), "{left}");

    // Bad input is refused without using the invite.
    assert_api_err(
        anon.join(&join_req(&invite.code, "bob", "short")).await,
        422,
        "unprocessable",
    );
    assert_api_err(
        anon.join(&join_req(&invite.code, "bad name!", "long enough pw"))
            .await,
        422,
        "unprocessable",
    );
    assert_api_err(
        anon.join(&join_req(&invite.code, "alice", "long enough pw"))
            .await,
        409,
        "conflict",
    );

    // The link itself works as the code.
    let joined = anon
        .join(&join_req(&invite.url, "bob", "bob's password"))
        .await?;
    assert_eq!(joined.user.name, "bob");
    assert_eq!(joined.user.role, Role::Member);
    let bob = with_token(&srv, &joined.token)?;
    assert_eq!(bob.me().await?.name, "bob");
    // Bob signs in with his password.
    anon.sign_in(&session("bob", "bob's password")).await?;

    // Used, unknown and expired invites answer alike.
    let used = failure(
        anon.join(&join_req(&invite.code, "carol", "carol's password"))
            .await,
    );
    assert_eq!(used.0, 410);
    assert!(used.2.contains("ask for a new one"), "{}", used.2);
    let unknown = failure(
        anon.join(&join_req(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "carol",
            "carol's password",
        ))
        .await,
    );
    assert_eq!(used, unknown);
    let short_lived = vidmsg_server::invites::create(
        srv.running.db(),
        None,
        Duration::from_millis(1),
        srv.base_url(),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let expired = failure(
        anon.join(&join_req(&short_lived.code, "carol", "carol's password"))
            .await,
    );
    assert_eq!(expired, used);
    assert!(srv.running.db().user_by_name("carol").await?.is_none());

    // Spaces come later.
    assert_api_err(
        alice
            .create_invite(&CreateInvite {
                spaces: vec!["eng".into()],
            })
            .await,
        422,
        "unprocessable",
    );
    // Members may invite by default.
    bob.create_invite(&CreateInvite::default()).await?;
    Ok(())
}

#[tokio::test]
async fn members_may_not_invite_where_the_server_forbids_it() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data_dir.path());
    config.worker = false;
    config.accounts.members_may_invite = false;
    let srv = TestServer::spawn_with(config, data_dir).await?;
    let admin = srv.user("alice").await?;
    let member = srv.user("bob").await?;
    admin.create_invite(&CreateInvite::default()).await?;
    assert_api_err(
        member.create_invite(&CreateInvite::default()).await,
        403,
        "forbidden",
    );
    Ok(())
}

#[tokio::test]
async fn the_binary_adds_a_user_with_a_password_from_stdin_and_creates_invites()
-> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let password = "carol-pw-from-stdin 1";
    let args = ["user", "add", "carol", "--admin", "--password-stdin"];
    assert!(!args.iter().any(|a| a.contains(password)));
    let (ok, stdout, stderr) =
        admin_command(data_dir.path(), &args, Some(&format!("{password}\n")))?;
    assert!(ok, "{stderr}");
    assert!(!stdout.contains(password) && !stderr.contains(password));
    let token = stdout.trim().to_string();
    assert!(
        token.starts_with("vm_"),
        "prints a token as before: {stdout}"
    );

    // A short password is refused and creates no user.
    let (ok, _, stderr) = admin_command(
        data_dir.path(),
        &["user", "add", "dave", "--password-stdin"],
        Some("short\n"),
    )?;
    assert!(!ok);
    assert!(stderr.contains("too short"), "{stderr}");

    // An invite from the command line; its link is the last line.
    let invite = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["invite", "create", "--expires-hours", "2"])
        .env_remove("VIDMSG_PUBLIC_URL")
        .output()?;
    assert!(
        invite.status.success(),
        "{}",
        String::from_utf8_lossy(&invite.stderr)
    );
    let text = String::from_utf8(invite.stdout)?;
    let link = text.lines().last().unwrap_or_default().to_string();
    let (_, code) = link
        .rsplit_once("/join/")
        .ok_or_else(|| anyhow::anyhow!("no link on the last line: {text}"))?;
    assert!(code.len() >= 22);

    let mut config = Config::for_data_dir(data_dir.path());
    config.worker = false;
    let srv = TestServer::spawn_with(config, data_dir).await?;
    let anon = srv.anonymous();
    let s = anon.sign_in(&session("carol", password)).await?;
    assert_eq!(s.user.role, Role::Admin);
    assert_eq!(with_token(&srv, &token)?.me().await?.name, "carol");
    let joined = anon
        .join(&join_req(code, "erin", "erin's password"))
        .await?;
    assert_eq!(with_token(&srv, &joined.token)?.me().await?.name, "erin");
    assert!(srv.running.db().user_by_name("dave").await?.is_none());
    Ok(())
}
