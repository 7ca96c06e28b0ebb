//! `vidmsg-server backup` and `restore` (issue #13): a server (SQLite, or PostgreSQL in the
//! suite's second pass) is filled through the API as `migrate-data`'s test fills it, plus the
//! captions and poster the worker would store; the real binary backs it up while it runs (with
//! the objects' bytes); then the backup goes into a fresh SQLite file (and, with PostgreSQL, a
//! fresh PostgreSQL database) against the same store, and into another fresh SQLite file with
//! its objects put into a new, empty store. Every table must equal the source's, and a server on
//! each restored database must accept an old token, play the identical video, find transcript
//! words and never hand out an old id. A manifest naming an object the store lacks stops a
//! restore before it writes anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use sqlx::{PgPool, SqlitePool};
use vidmsg_api::{Client, SearchQuery};
use vidmsg_server::Config;
use vidmsg_server::config::ExternalS3;
use vidmsg_server::storage::embedded::EmbeddedCredentials;
use vidmsg_tests::TestServer;
use vidmsg_tests::database::{fresh_postgres, postgres_admin_url, url_for};
use vidmsg_tests::server::{server_binary, server_command};

use crate::migrate_data::{Team, compare, fill};
use crate::threads_and_messages::text;

/// A key no server ever wrote (message ids stay far below it).
const GONE: &str = "messages/987654/0123456789abcdef/video";

/// A store the commands and the restored servers reach: a test server's embedded S3, with the
/// keys of its data dir.
struct StoreAt {
    endpoint: String,
    data_dir: PathBuf,
}

impl StoreAt {
    fn of(srv: &TestServer) -> Self {
        Self {
            endpoint: srv.base_url().to_string(),
            data_dir: srv.data_dir.path().to_path_buf(),
        }
    }

    fn external(&self) -> anyhow::Result<ExternalS3> {
        let keys = EmbeddedCredentials::load_or_create(&self.data_dir.join("embedded-s3.json"))?;
        Ok(ExternalS3 {
            endpoint: self.endpoint.clone(),
            region: "us-east-1".into(),
            access_key: keys.access_key,
            secret_key: keys.secret_key,
        })
    }
}

#[tokio::test]
async fn backup_of_a_running_server_restores_into_empty_databases() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data_dir.path());
    config.worker = false;
    let srv = TestServer::spawn_with(config, data_dir).await?;
    let team = fill(&srv).await?;
    let objects = store_media(&srv, team.video).await?;
    let store = StoreAt::of(&srv);

    let work = tempfile::tempdir()?;
    let dir = work.path().join("backup");
    let backup = |dir: &Path| -> anyhow::Result<Command> {
        let mut c = server_command(srv.data_dir.path())?;
        c.args([
            "backup",
            "--with-objects",
            "--s3-endpoint",
            srv.base_url(),
            "--to",
        ])
        .arg(dir);
        Ok(c)
    };
    let (ok, stdout, stderr) = run(backup(&dir)?).await?;
    anyhow::ensure!(ok, "backup failed: {stderr}\n{stdout}");
    let source = if url_for(srv.data_dir.path()).is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    check_manifest(&dir, source, &team, &objects)?;
    // A folder that holds anything (here: that backup) is never written into.
    let (ok, _, stderr) = run(backup(&dir)?).await?;
    assert!(!ok && stderr.contains("not empty"), "{stderr}");

    let restored = sqlite_url(work.path(), "restored.db");
    let (ok, stdout, stderr) = run(restore(&restored, &dir, &store, &[])?).await?;
    anyhow::ensure!(ok, "restore failed: {stderr}\n{stdout}");
    assert!(stdout.contains("3 of 3 objects in the store"), "{stdout}");
    let restored_db = SqlitePool::connect(&format!("{restored}?mode=ro")).await?;
    equal_to_source(&srv, &restored_db).await?;
    let (ok, _, stderr) = run(restore(&restored, &dir, &store, &[])?).await?;
    assert!(
        !ok && stderr.contains("not empty") && stderr.contains("users"),
        "a second restore into a filled database must fail: {stderr}"
    );

    // PostgreSQL's copy is compared with the SQLite one while both are as restored.
    if let Some(admin) = postgres_admin_url() {
        let pg_url = fresh_postgres(&admin).await?;
        let (ok, stdout, stderr) = run(restore(&pg_url, &dir, &store, &[])?).await?;
        anyhow::ensure!(ok, "restore into PostgreSQL failed: {stderr}\n{stdout}");
        let pg = PgPool::connect(&pg_url).await?;
        let tables = compare::sqlite_tables(&restored_db).await?;
        assert_eq!(compare::pg_tables(&pg).await?, tables);
        for t in &tables {
            let want = compare::dump_sqlite(&restored_db, t).await?;
            assert_eq!(compare::dump_pg(&pg, &restored_db, t).await?, want, "{t}");
        }
        serve_restored(&pg_url, &store, &team).await?;
    }
    serve_restored(&restored, &store, &team).await?;

    // A new machine: an empty store gets the backup's copies of the objects.
    let fresh = TestServer::spawn().await?;
    let new_store = StoreAt::of(&fresh);
    let elsewhere = sqlite_url(work.path(), "elsewhere.db");
    let args = ["--with-objects"];
    let (ok, stdout, stderr) = run(restore(&elsewhere, &dir, &new_store, &args)?).await?;
    anyhow::ensure!(ok, "restore --with-objects failed: {stderr}\n{stdout}");
    assert!(stdout.contains("put 3 objects"), "{stdout}");
    serve_restored(&elsewhere, &new_store, &team).await?;

    missing_objects_stop_a_restore(&dir, &store, work.path()).await
}

/// Runs a built binary's command: success, stdout, stderr. Awaited, never blocking: the
/// command talks to this test's own servers, which run on this thread.
async fn run(command: Command) -> anyhow::Result<(bool, String, String)> {
    let out = tokio::process::Command::from(command).output().await?;
    Ok((
        out.status.success(),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

/// `vidmsg-server restore` of `dir` into `url` against `store`, with `extra` flags.
fn restore(url: &str, dir: &Path, store: &StoreAt, extra: &[&str]) -> anyhow::Result<Command> {
    let mut c = Command::new(server_binary()?);
    c.arg("--data-dir")
        .arg(&store.data_dir)
        .args(["--database-url", url, "restore", "--s3-endpoint"])
        .arg(&store.endpoint)
        .arg("--from")
        .arg(dir)
        .args(extra);
    Ok(c)
}

fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

/// Stores what the worker writes beside a transcribed video (captions) and at its recorded
/// poster key; returns the video's three keys: video, captions, poster.
async fn store_media(srv: &TestServer, video: i64) -> anyhow::Result<[String; 3]> {
    let row = srv
        .running
        .db()
        .message(video)
        .await?
        .context("the video message")?;
    let key = row.object_key.context("a stored video")?;
    let captions = vidmsg_server::videos::keys::captions_key(&key);
    let poster = row.poster_key.context("a poster")?;
    let store = srv.running.store();
    store
        .put(&captions, b"WEBVTT\n\n".to_vec(), "text/vtt; charset=utf-8")
        .await?;
    store
        .put(&poster, vec![0xff, 0xd8, 0xff, 0xd9], "image/jpeg")
        .await?;
    Ok([key, captions, poster])
}

/// The manifest names the three objects with the store's sizes, none missing; the video's copy
/// is the uploaded bytes; every table has its file and count; the id high-water marks include
/// the deleted newest message.
fn check_manifest(dir: &Path, source: &str, team: &Team, keys: &[String; 3]) -> anyhow::Result<()> {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json"))?)?;
    assert_eq!(m["source"], source);
    assert_eq!(m["tables"].as_array().map(Vec::len), Some(20), "{m}"); // with `chapters` (#14)
    for t in m["tables"].as_array().context("tables")? {
        let file = dir.join(t["file"].as_str().context("file")?);
        let lines = std::fs::read_to_string(&file)?.lines().count() as u64;
        assert_eq!(Some(lines), t["rows"].as_u64(), "{}", file.display());
        assert!(lines > 0, "{} is empty", file.display());
    }
    assert!(
        m["sequences"]["messages"].as_i64() >= Some(team.deleted),
        "{m}"
    );
    let items = m["objects"]["items"].as_array().context("objects")?;
    let mut named: Vec<&str> = items.iter().filter_map(|i| i["key"].as_str()).collect();
    named.sort();
    let mut want: Vec<&str> = keys.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(named, want);
    assert_eq!(m["objects"]["missing"], serde_json::json!([]));
    let video = items
        .iter()
        .find(|i| i["kind"] == "video")
        .context("the video")?;
    assert_eq!(video["size"].as_u64(), Some(team.video_bytes.len() as u64));
    assert!(
        video["etag"].as_str().is_some_and(|e| !e.is_empty()),
        "{video}"
    );
    let copy = dir.join(video["file"].as_str().context("copied")?);
    assert_eq!(std::fs::read(copy)?, team.video_bytes);
    Ok(())
}

/// Every table of the restored SQLite file equals the source's (SQLite in its data dir, or the
/// PostgreSQL database it was given), and none is empty.
async fn equal_to_source(srv: &TestServer, restored: &SqlitePool) -> anyhow::Result<()> {
    let tables = compare::sqlite_tables(restored).await?;
    assert_eq!(tables.len(), 20, "{tables:?}"); // with `chapters` (#14)
    match url_for(srv.data_dir.path()) {
        Some(pg_url) => {
            let pg = PgPool::connect(&pg_url).await?;
            assert_eq!(compare::pg_tables(&pg).await?, tables);
            for t in &tables {
                let got = compare::dump_sqlite(restored, t).await?;
                assert!(!got.rows.is_empty(), "{t} is empty");
                assert_eq!(compare::dump_pg(&pg, restored, t).await?, got, "{t}");
            }
        }
        None => {
            let path = srv.data_dir.path().join("vidmsg.db");
            let source =
                SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display())).await?;
            assert_eq!(compare::sqlite_tables(&source).await?, tables);
            for t in &tables {
                let got = compare::dump_sqlite(restored, t).await?;
                assert!(!got.rows.is_empty(), "{t} is empty");
                assert_eq!(compare::dump_sqlite(&source, t).await?, got, "{t}");
            }
        }
    }
    Ok(())
}

/// A server on the restored database and `store` serves the team as it was.
async fn serve_restored(url: &str, store: &StoreAt, team: &Team) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    config.database_url = url.to_string();
    config.s3 = Some(store.external()?);
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = Client::new(srv.base_url(), Some(team.alice_token.clone()))?;
    assert_eq!(alice.me().await?.name, "alice");
    let m = alice.get_message(team.video).await?;
    let video_url = m.video_url.context("the video plays")?;
    assert_eq!(
        alice.fetch_presigned(&video_url, 64 << 20).await?,
        team.video_bytes
    );
    let hits = alice
        .search(&SearchQuery {
            q: "inbox".into(),
            ..Default::default()
        })
        .await?
        .hits;
    assert!(
        hits.iter()
            .any(|h| h.message_id == team.video && h.snippet.contains("<mark>inbox</mark>")),
        "{hits:?}"
    );
    let new = alice
        .create_message(m.thread_id, &text("After the restore", None))
        .await?;
    assert!(
        new.id > team.deleted,
        "new id {} after {}",
        new.id,
        team.deleted
    );
    srv.running.stop().await
}

/// A backup whose manifest names an object the store lacks: the restore fails, names the key,
/// and leaves the database empty; with --allow-missing-objects it goes through and reports it.
async fn missing_objects_stop_a_restore(
    dir: &Path,
    store: &StoreAt,
    work: &Path,
) -> anyhow::Result<()> {
    let bad = work.join("bad-backup");
    std::fs::create_dir(&bad)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, bad.join(path.file_name().context("a name")?))?;
        }
    }
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bad.join("manifest.json"))?)?;
    m["objects"]["copied"] = false.into();
    m["objects"]["items"]
        .as_array_mut()
        .context("items")?
        .push(serde_json::json!({
            "key": GONE, "kind": "video", "message_id": 987654, "size": 1000,
            "etag": null, "content_type": null, "file": null
        }));
    std::fs::write(bad.join("manifest.json"), serde_json::to_vec(&m)?)?;

    let url = sqlite_url(work, "missing.db");
    let (ok, stdout, stderr) = run(restore(&url, &bad, store, &[])?).await?;
    assert!(!ok, "a restore with a missing object must fail: {stdout}");
    assert!(
        stderr.contains(GONE)
            && stderr.contains("not in the store")
            && stderr.contains("--allow-missing-objects"),
        "{stderr}"
    );
    let db = SqlitePool::connect(&format!("{url}?mode=ro")).await?;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&db)
        .await?;
    assert_eq!(users, 0, "nothing is written when objects are missing");
    db.close().await;

    let args = ["--allow-missing-objects"];
    let (ok, stdout, stderr) = run(restore(&url, &bad, store, &args)?).await?;
    anyhow::ensure!(ok, "--allow-missing-objects: {stderr}\n{stdout}");
    assert!(
        stdout.contains(&format!("not in the store: {GONE} (missing)")),
        "{stdout}"
    );
    assert!(stdout.contains("3 of 4 objects in the store"), "{stdout}");
    Ok(())
}
