//! Accounts and sessions (issue #9, items 6 and 8): a revoked token ends its event streams and a
//! user's streams are capped; `since_ms` cannot overflow; members are managed by the thread's
//! creator or an admin and names are not revealed to others; re-transcription by the author or
//! an admin; wrong tokens are rate limited per address; the data dir is private; tokens are
//! never taken on the command line; a job whose worker keeps dying fails for good.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use vidmsg_api::{
    Client, ClientError, CreateMessage, CreateThread, Message, MessageKind, MessageStatus,
    ServerEvent,
};
use vidmsg_server::Config;
use vidmsg_server::db::now_ms;
use vidmsg_tests::TestServer;
use vidmsg_tests::server::{AdminOutput, admin_command};
use vidmsg_tests::upload::upload_all;

use crate::assert_api_err;

/// The error body of a failed call: (status, code, message).
fn api_err<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (u16, String, String) {
    match r {
        Err(ClientError::Api { status, body }) => (status, body.error, body.message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn post_text(client: &Client, thread: i64, body: &str) -> anyhow::Result<Message> {
    Ok(client
        .create_message(
            thread,
            &CreateMessage {
                kind: MessageKind::Text,
                title: None,
                body: Some(body.into()),
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?)
}

/// A 1 s MP4 (H.264 + AAC) made by GStreamer.
fn small_mp4(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("clip.mp4");
    vidmsg_tests::media::make_mp4(&path, 1, "ball", 300)?;
    Ok(std::fs::read(path)?)
}

/// Uploads `bytes` as a video message of `client` in `thread`; the message is then
/// `processing` (the test servers run no worker).
async fn post_video(client: &Client, thread: i64, bytes: &[u8]) -> anyhow::Result<Message> {
    let msg = client
        .create_message(
            thread,
            &CreateMessage {
                kind: MessageKind::Video,
                title: Some("clip".into()),
                body: None,
                parent_id: None,
                content_type: Some("video/mp4".into()),
                urgent: false,
            },
        )
        .await?;
    upload_all(client, msg.id, bytes).await
}

/// Fails the transcription job of `message` the way a worker does, so it can be re-queued.
async fn fail_transcription(srv: &TestServer, message: i64) -> anyhow::Result<()> {
    let db = srv.running.db();
    let job = db
        .claim_job("test-worker", now_ms(), 60_000, 5)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no queued job"))?;
    assert_eq!(job.message_id, message);
    assert!(
        db.fail_job(
            &job,
            "test-worker",
            "made to fail by the test",
            None,
            now_ms()
        )
        .await?
    );
    Ok(())
}

#[tokio::test]
async fn a_revoked_token_ends_its_event_stream() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let (bob_token, bob) = srv.account("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Sessions".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let mut feed = bob.events(None).await?;

    // The feed works: bob sees alice's message.
    let before = post_text(&alice, t.id, "before the revoke").await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ev = tokio::time::timeout_at(deadline.into(), feed.next())
            .await
            .map_err(|_| anyhow::anyhow!("bob never saw the first message"))?
            .ok_or_else(|| anyhow::anyhow!("the feed ended early"))??;
        if matches!(&ev, ServerEvent::Message { message } if message.id == before.id) {
            break;
        }
    }

    // Revoke bob's token; a change after that is not delivered and the feed ends.
    let hash = vidmsg_server::accounts::hash_token(&bob_token);
    assert_eq!(
        srv.running.db().revoke_token_hash(&hash, now_ms()).await?,
        1
    );
    let after = post_text(&alice, t.id, "after the revoke").await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline.into(), feed.next()).await {
            Err(_) => anyhow::bail!("the feed of a revoked token is still open after 5 s"),
            Ok(None) => break,
            Ok(Some(Ok(ServerEvent::Message { message }))) if message.id == after.id => {
                anyhow::bail!("a revoked token's feed delivered a message posted after the revoke")
            }
            Ok(Some(_)) => {}
        }
    }
    assert_api_err(bob.events(None).await.map(|_| ()), 401, "unauthorized");
    Ok(())
}

#[tokio::test]
async fn each_user_may_hold_only_a_few_event_streams() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let mut feeds = Vec::new();
    for _ in 0..8 {
        feeds.push(alice.events(None).await?);
    }
    let (status, code, message) = api_err(alice.events(None).await.map(|_| ()));
    assert_eq!((status, code.as_str()), (429, "too_many_requests"));
    assert!(message.contains("close other"), "{message}");
    // Another user has their own allowance.
    let _bob_feed = bob.events(None).await?;

    // Closing a feed frees its place (the server notices the closed connection).
    feeds.pop();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match alice.events(None).await {
            Ok(f) => {
                feeds.push(f);
                break;
            }
            Err(e) if Instant::now() < deadline => {
                assert!(format!("{e}").contains("429") || format!("{e:?}").contains("429"));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => anyhow::bail!("a closed feed still counts after 20 s: {e}"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn since_ms_out_of_range_is_a_400_not_a_panic() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let far_future = now_ms() + 2 * 24 * 3600 * 1000;
    for since in [
        i64::MIN.to_string(),
        "-1".to_string(),
        far_future.to_string(),
        i64::MAX.to_string(),
    ] {
        let resp = alice
            .request(
                reqwest::Method::GET,
                &format!("api/events?since_ms={since}"),
            )?
            .send()
            .await?;
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        assert_eq!(status, 400, "since_ms={since}: {body}");
        assert_eq!(body["error"], "bad_request", "{body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("since_ms")),
            "{body}"
        );
    }
    // The oldest valid time still opens a feed, and it delivers (no overflow going back).
    let t = TestServer::thread(&alice, "Old").await?;
    let m = post_text(&alice, t.id, "hello").await?;
    let mut feed = alice.events(Some(0)).await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ev = tokio::time::timeout_at(deadline.into(), feed.next())
            .await
            .map_err(|_| anyhow::anyhow!("since_ms=0 delivered nothing"))?
            .ok_or_else(|| anyhow::anyhow!("the feed ended"))??;
        if matches!(&ev, ServerEvent::Message { message } if message.id == m.id) {
            break;
        }
    }
    Ok(())
}

#[tokio::test]
async fn members_are_managed_by_the_creator_or_an_admin() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let root = srv.user("root").await?; // the first account: an admin
    assert!(root.me().await?.is_admin());
    let alice = srv.user("alice").await?;
    assert!(!alice.me().await?.is_admin());
    let bob = srv.user("bob").await?;
    let carol = srv.user("carol").await?;
    let dave = srv.user("dave").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Team".into(),
            members: vec!["bob".into(), "carol".into()],
        })
        .await?;

    // A member who did not create the thread may not add or remove anyone, and learns nothing
    // about which names exist: an existing and a made-up name get the same answer.
    let existing = api_err(bob.add_member(t.id, "dave").await);
    let made_up = api_err(bob.add_member(t.id, "nobody-by-this-name").await);
    assert_eq!(existing.0, 403, "{existing:?}");
    assert_eq!((existing.0, &existing.1), (made_up.0, &made_up.1));
    assert_eq!(
        existing.2, made_up.2,
        "the answer must not depend on the name"
    );
    assert_api_err(bob.remove_member(t.id, "carol").await, 403, "forbidden");
    assert_api_err(bob.remove_member(t.id, "alice").await, 403, "forbidden");
    assert_eq!(bob.get_thread(t.id).await?.members.len(), 3);

    // The creator adds and removes; a name they get wrong gets a generic answer.
    let (status, code, message) = api_err(alice.add_member(t.id, "nobody-by-this-name").await);
    assert_eq!((status, code.as_str()), (422, "unprocessable"));
    assert!(message.contains("check the spelling"), "{message}");
    assert!(!message.contains("no user"), "{message}");
    assert!(
        alice
            .add_member(t.id, "dave")
            .await?
            .members
            .contains(&"dave".to_string())
    );
    alice.remove_member(t.id, "dave").await?;
    assert_api_err(dave.get_thread(t.id).await, 404, "not_found");
    // Not a member and no such account: the same 404.
    let gone = api_err(alice.remove_member(t.id, "dave").await);
    let never = api_err(alice.remove_member(t.id, "nobody-by-this-name").await);
    assert_eq!(gone.0, 404);
    assert_eq!(gone, never);

    // Any member may leave; the creator deletes the thread instead.
    carol.remove_member(t.id, "carol").await?;
    assert_api_err(carol.get_thread(t.id).await, 404, "not_found");
    assert_api_err(alice.remove_member(t.id, "alice").await, 409, "conflict");

    // Non-members, admins included, get 404 for everything about the thread.
    assert_api_err(root.add_member(t.id, "dave").await, 404, "not_found");
    assert_api_err(root.remove_member(t.id, "bob").await, 404, "not_found");
    assert_api_err(carol.add_member(t.id, "carol").await, 404, "not_found");
    assert_api_err(dave.remove_member(t.id, "bob").await, 404, "not_found");

    // An admin who is a member manages members, is told plainly about unknown names, and
    // still cannot remove the creator.
    alice.add_member(t.id, "root").await?;
    root.remove_member(t.id, "bob").await?;
    assert_api_err(bob.get_thread(t.id).await, 404, "not_found");
    let (status, _, message) = api_err(root.add_member(t.id, "nobody-by-this-name").await);
    assert_eq!(status, 422);
    assert!(message.contains("no user named"), "{message}");
    assert_api_err(root.remove_member(t.id, "alice").await, 403, "forbidden");
    assert_eq!(
        alice.get_thread(t.id).await?.members,
        vec!["alice".to_string(), "root".to_string()]
    );

    // Creating a thread with a made-up member gives a non-admin the same generic answer.
    let (status, _, message) = api_err(
        bob.create_thread(&CreateThread {
            title: "x".into(),
            members: vec!["nobody-by-this-name".into()],
        })
        .await,
    );
    assert_eq!(status, 422);
    assert!(!message.contains("no user"), "{message}");
    Ok(())
}

#[tokio::test]
async fn only_the_author_or_an_admin_retranscribes() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let bytes = small_mp4(dir.path())?;
    let srv = TestServer::spawn().await?;
    let root = srv.user("root").await?; // admin
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Clips".into(),
            members: vec!["bob".into(), "root".into()],
        })
        .await?;
    let msg = post_video(&alice, t.id, &bytes).await?;
    fail_transcription(&srv, msg.id).await?;
    assert_eq!(
        alice.get_message(msg.id).await?.status,
        MessageStatus::Failed
    );

    // Another member may not; the message is untouched.
    assert_api_err(bob.retry_transcription(msg.id).await, 403, "forbidden");
    assert_eq!(bob.get_message(msg.id).await?.status, MessageStatus::Failed);
    // The author may.
    assert_eq!(
        alice.retry_transcription(msg.id).await?.status,
        MessageStatus::Processing
    );
    // So may an admin.
    fail_transcription(&srv, msg.id).await?;
    assert_eq!(
        root.retry_transcription(msg.id).await?.status,
        MessageStatus::Processing
    );
    Ok(())
}

/// A client that connects from `ip` (any 127.x address reaches the server on 127.0.0.1).
fn client_from(base: &str, ip: [u8; 4], token: &str) -> anyhow::Result<Client> {
    let http = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()?;
    Ok(Client::with_http(http, base, Some(token.to_string()))?)
}

#[tokio::test]
async fn wrong_tokens_from_one_address_are_rate_limited() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let (token, _) = srv.account("alice").await?;
    let base = srv.base_url();
    let attacker = client_from(base, [127, 0, 0, 1], "vm_guess")?;
    let honest = client_from(base, [127, 0, 0, 1], &token)?;
    let elsewhere = client_from(base, [127, 0, 0, 2], "vm_typo")?;

    // The default allows 10 wrong tokens a minute from one address.
    for _ in 0..10 {
        assert_api_err(attacker.me().await, 401, "unauthorized");
    }
    let resp = attacker
        .request(reqwest::Method::GET, "api/me")?
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 429);
    vidmsg_tests::server::retry_after_secs(&resp)?;
    let body: serde_json::Value = resp.json().await?;
    assert_eq!(body["error"], "too_many_requests");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("wait")),
        "{body}"
    );

    // A valid token from the same address still works; another address is not affected.
    assert_eq!(honest.me().await?.name, "alice");
    assert_api_err(elsewhere.me().await, 401, "unauthorized");
    Ok(())
}

#[tokio::test]
async fn the_failed_sign_in_limit_is_configurable() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(dir.path());
    config.worker = false;
    config.auth_failures_per_minute = 2;
    let srv = TestServer::spawn_with(config, dir).await?;
    let wrong = client_from(srv.base_url(), [127, 0, 0, 1], "vm_wrong")?;
    assert_api_err(wrong.me().await, 401, "unauthorized");
    assert_api_err(wrong.me().await, 401, "unauthorized");
    assert_api_err(wrong.me().await, 429, "too_many_requests");
    Ok(())
}

/// Every entry under `dir` (and `dir`) whose mode lets group or others in.
fn open_entries(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut open = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p)?;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 && !meta.file_type().is_symlink() {
            open.push(format!("{} {:o}", p.display(), mode & 0o777));
        }
        if meta.is_dir() {
            for e in std::fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        }
    }
    Ok(open)
}

#[tokio::test]
async fn the_data_dir_and_everything_the_server_stores_are_private() -> anyhow::Result<()> {
    let media = tempfile::tempdir()?;
    let bytes = small_mp4(media.path())?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let mut config = Config::for_data_dir(&data);
    config.worker = false;
    let srv = TestServer::spawn_with(config, tmp).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Private").await?;
    let msg = post_video(&alice, t.id, &bytes).await?;
    assert_eq!(msg.status, MessageStatus::Processing);
    assert!(data.join("vidmsg.db").exists());
    assert!(data.join("objects").is_dir());
    assert_eq!(
        std::fs::metadata(&data)?.permissions().mode() & 0o777,
        0o700
    );
    let open = open_entries(&data)?;
    assert!(open.is_empty(), "readable by others: {open:#?}");
    Ok(())
}

fn admin(data: &Path, args: &[&str], stdin: Option<&str>) -> anyhow::Result<AdminOutput> {
    admin_command(data, args, stdin)
}

#[test]
fn tokens_are_never_taken_on_the_command_line() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let d = data.path();
    let (ok, token, err) = admin(d, &["user", "add", "alice"], None)?;
    assert!(ok, "{err}");
    let token = token.trim().to_string();
    let (ok, _, err) = admin(d, &["user", "add", "bob"], None)?;
    assert!(ok, "{err}");
    let (ok, _, err) = admin(d, &["user", "add", "carol", "--admin"], None)?;
    assert!(ok, "{err}");
    let (ok, list, _) = admin(d, &["user", "list"], None)?;
    assert!(ok);
    let role = |name: &str| {
        list.lines()
            .find(|l| l.split('\t').nth(1) == Some(name))
            .and_then(|l| l.split('\t').nth(2))
            .map(str::to_string)
    };
    assert_eq!(
        role("alice").as_deref(),
        Some("admin"),
        "the first user: {list}"
    );
    assert_eq!(role("bob").as_deref(), Some("member"), "{list}");
    assert_eq!(role("carol").as_deref(), Some("admin"), "--admin: {list}");

    // A token given as an argument is refused, with the way to do it instead.
    let (ok, _, err) = admin(d, &["token", "revoke", &token], None)?;
    assert!(!ok, "a token on the command line must be refused");
    assert!(err.contains("stdin") && err.contains("--id"), "{err}");
    let (_, tokens, _) = admin(d, &["token", "list"], None)?;
    assert!(!tokens.contains("revoked"), "nothing was revoked: {tokens}");

    // From stdin it works; the same token again matches nothing.
    let (ok, out, err) = admin(d, &["token", "revoke"], Some(&format!("{token}\n")))?;
    assert!(ok && out.contains("revoked"), "{out} {err}");
    let (ok, _, err) = admin(d, &["token", "revoke", "-"], Some(&format!("{token}\n")))?;
    assert!(!ok && err.contains("no active token"), "{err}");
    let (_, tokens, _) = admin(d, &["token", "list"], None)?;
    assert_eq!(tokens.matches("revoked").count(), 1, "{tokens}");

    // By id, as listed.
    let bob_id = tokens
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("bob"))
        .and_then(|l| l.split('\t').next())
        .ok_or_else(|| anyhow::anyhow!("no token of bob: {tokens}"))?
        .to_string();
    let (ok, _, err) = admin(d, &["token", "revoke", "--id", &bob_id], None)?;
    assert!(ok, "{err}");
    let (_, tokens, _) = admin(d, &["token", "list"], None)?;
    assert_eq!(tokens.matches("revoked").count(), 2, "{tokens}");

    // Nothing on stdin: a clear error.
    let (ok, _, err) = admin(d, &["token", "revoke"], Some(""))?;
    assert!(!ok && err.contains("no token on stdin"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_job_whose_worker_keeps_dying_fails_for_good() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let bytes = small_mp4(dir.path())?;
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Crashy").await?;
    let msg = post_video(&alice, t.id, &bytes).await?;
    let db = srv.running.db();
    let max = 3;
    let lease = 1_000;
    let mut now = now_ms();

    // Claimed, and its worker dies (the lease runs out) twice: each time it is claimed again.
    let first = db
        .claim_job("w1", now, lease, max)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing to claim"))?;
    assert_eq!(first.message_id, msg.id);
    for i in 0..2 {
        now += lease + 1;
        let again = db
            .claim_job(&format!("w{}", i + 2), now, lease, max)
            .await?
            .ok_or_else(|| anyhow::anyhow!("expired job {i} not claimed again"))?;
        assert_eq!(again.message_id, msg.id);
    }
    // The third time its lease runs out, it fails for good with a reason.
    now += lease + 1;
    assert!(db.claim_job("w9", now, lease, max).await?.is_none());
    let info = db
        .job_info(msg.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job"))?;
    assert_eq!(info.state, "failed");
    let m = alice.get_message(msg.id).await?;
    assert_eq!(m.status, MessageStatus::Failed);
    let reason = m.status_reason.unwrap_or_default();
    assert!(
        reason.contains("stopped 3 times while working on this clip"),
        "{reason}"
    );
    // Re-transcribing starts it afresh.
    assert_eq!(
        alice.retry_transcription(msg.id).await?.status,
        MessageStatus::Processing
    );
    assert!(db.claim_job("w10", now + 1, lease, max).await?.is_some());
    Ok(())
}
