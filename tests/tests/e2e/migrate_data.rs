//! `vidmsg-server migrate-data` (issue #13): a team that used the single-machine SQLite database
//! moves to PostgreSQL. A real server on SQLite is filled through the API (accounts with
//! passwords and tokens, spaces, invites, space and direct threads, text and video messages,
//! replies, feedback, notifications, a share link, a transcript); the real binary copies it while
//! that server still runs; then every table of both databases must be equal, a second run must
//! refuse, ids must never be handed out again, and a server on PostgreSQL takes over the data dir.
//!
//! Needs PostgreSQL: `VIDMSG_TEST_POSTGRES` (an admin URL, see `scripts/postgres`).

pub(crate) mod compare;

use std::process::Command;

use anyhow::Context as _;
use sqlx::{PgPool, SqlitePool};
use vidmsg_api::{
    Client, CreateComment, CreateInvite, CreateMessage, CreateReaction, CreateSession, CreateSpace,
    CreateThread, JoinRequest, MarkSeen, MessageKind, NewThread, PageQuery, QuietHours,
    SetThreadLink, UpdateMe,
};
use vidmsg_server::Config;
use vidmsg_server::db::{Db, TranscriptResult, now_ms};
use vidmsg_tests::TestServer;
use vidmsg_tests::database::{fresh_postgres, postgres_admin_url};
use vidmsg_tests::server::server_binary;

use crate::threads_and_messages::text;

const BOB_PW: &str = "bob's long password";
const DAVE_PW: &str = "dave's long password";

/// What the test wrote that it checks again on PostgreSQL (and `backup`'s test after a
/// restore).
pub(crate) struct Team {
    pub alice_token: String,
    pub video: i64,
    pub video_bytes: Vec<u8>,
    /// The newest message, deleted: its id must never come back.
    pub deleted: i64,
    pub threads: Vec<i64>,
}

#[tokio::test]
async fn migrate_data_copies_a_running_team_to_postgres() -> anyhow::Result<()> {
    let admin = postgres_admin_url().context(
        "this test needs PostgreSQL: set VIDMSG_TEST_POSTGRES to an admin URL \
         (scripts/postgres start prints one)",
    )?;
    // The SQLite file lives outside the data dir the server is dropped with, and is not the
    // data dir's default, so the test harness keeps this server on SQLite.
    let db_dir = tempfile::tempdir()?;
    let db_path = db_dir.path().join("team.db");
    let sqlite_url = format!("sqlite://{}", db_path.display());
    let data_dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data_dir.path());
    config.worker = false;
    config.database_url = sqlite_url.clone();
    let srv = TestServer::spawn_with(config, data_dir).await?;
    let team = fill(&srv).await?;

    let pg_url = fresh_postgres(&admin).await?;
    let (ok, stdout, stderr) = migrate(&sqlite_url, &pg_url)?;
    anyhow::ensure!(ok, "migrate-data failed: {stderr}\n{stdout}");
    assert!(stdout.contains("copied"), "{stdout}");

    let sqlite = SqlitePool::connect(&format!("{sqlite_url}?mode=ro")).await?;
    let pg = PgPool::connect(&pg_url).await?;
    compare_all(&sqlite, &pg, &stdout).await?;

    // A second run finds the target filled and writes nothing.
    let (ok, _, stderr) = migrate(&sqlite_url, &pg_url)?;
    assert!(!ok, "a second copy into a filled database must fail");
    assert!(
        stderr.contains("not empty") && stderr.contains("users"),
        "{stderr}"
    );
    compare_all(&sqlite, &pg, "").await?;
    ids_are_never_reused(&sqlite, &pg).await?;

    // The cut-over: the SQLite server stops, one on PostgreSQL takes over the same data dir
    // (its stored videos), and everyone's old tokens and passwords work there.
    let TestServer { running, data_dir } = srv;
    running.stop().await?;
    let mut config = Config::for_data_dir(data_dir.path());
    config.worker = false;
    config.database_url = pg_url.clone();
    let srv = TestServer::spawn_with(config, data_dir).await?;
    served_from_postgres(&srv, &team).await
}

/// Runs the built binary's `migrate-data`: success, stdout, stderr.
fn migrate(from: &str, to: &str) -> anyhow::Result<(bool, String, String)> {
    let out = Command::new(server_binary()?)
        .args(["migrate-data", "--from", from, "--to", to])
        .output()?;
    Ok((
        out.status.success(),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

/// Fills every table through the API (and, for the transcript, through the worker's own
/// database calls: claim the job, finish it with segments).
pub(crate) async fn fill(srv: &TestServer) -> anyhow::Result<Team> {
    let db = srv.running.db();
    let (alice_token, alice) = srv.account("alice").await?;
    let carol = srv.user("carol").await?;
    vidmsg_server::admin::add_user_with_password(db, "dave", false, DAVE_PW).await?;
    // A second token of alice's, revoked.
    let alice_id = alice.me().await?.id;
    vidmsg_server::admin::issue_token(db, alice_id).await?;
    let newest = db.list_tokens().await?.into_iter().map(|t| t.id).max();
    db.revoke_token_id(newest.context("a token")?, now_ms())
        .await?;
    alice
        .update_me(&UpdateMe {
            time_zone: Some(Some("Europe/Berlin".into())),
            quiet_hours: Some(Some(QuietHours {
                start: "22:00".into(),
                end: "07:00".into(),
            })),
        })
        .await?;

    let design = alice
        .create_space(&CreateSpace {
            name: "Design".into(),
            private: false,
        })
        .await?;
    let board = alice
        .create_space(&CreateSpace {
            name: "Board".into(),
            private: true,
        })
        .await?;
    // Bob joins with an invite into Design; another invite stays unused.
    let invite = alice
        .create_invite(&CreateInvite {
            spaces: vec!["Design".into()],
        })
        .await?;
    alice.create_invite(&CreateInvite::default()).await?;
    let joined = srv
        .anonymous()
        .join(&JoinRequest {
            code: invite.code,
            name: "bob".into(),
            password: BOB_PW.into(),
        })
        .await?;
    let bob = Client::new(srv.base_url(), Some(joined.token))?;
    carol.join_space(design.id).await?;
    alice.add_space_member(board.id, "carol").await?;

    let space_thread = alice
        .new_thread(&NewThread {
            title: "Design reviews".into(),
            space_id: Some(design.id),
            people: vec![],
        })
        .await?;
    let direct = alice
        .create_thread(&CreateThread {
            title: "Alice & Bob".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let board_thread = alice
        .new_thread(&NewThread {
            title: "Budget".into(),
            space_id: Some(board.id),
            people: vec![],
        })
        .await?;

    let first = alice
        .create_message(space_thread.id, &text("New logo drafts", None))
        .await?;
    bob.create_message(
        space_thread.id,
        &text("I like the second one", Some(first.id)),
    )
    .await?;
    alice
        .create_message(
            board_thread.id,
            &CreateMessage {
                urgent: true,
                ..text("Budget is due tomorrow", None)
            },
        )
        .await?;

    // A video in the direct thread, transcribed with the worker's own calls.
    let clip_dir = tempfile::tempdir()?;
    let clip = clip_dir.path().join("clip.mp4");
    vidmsg_tests::media::make_mp4(&clip, 2, "ball", 300)?;
    let video_bytes = std::fs::read(&clip)?;
    let video = alice
        .create_message(
            direct.id,
            &CreateMessage {
                kind: MessageKind::Video,
                title: Some("Walkthrough".into()),
                body: None,
                parent_id: None,
                content_type: Some("video/mp4".into()),
                urgent: false,
            },
        )
        .await?;
    vidmsg_tests::upload::upload_all(&alice, video.id, &video_bytes).await?;
    transcribe(db, video.id).await?;
    // The author fixes a word (#14): the machine transcript is kept aside, so its tables travel.
    let mut edited: Vec<_> = alice
        .transcript(video.id)
        .await?
        .segments
        .into_iter()
        .map(|s| vidmsg_api::EditedSegment {
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            text: s.text,
        })
        .collect();
    edited[2].text = "Then we search.".into();
    alice
        .edit_transcript(video.id, &vidmsg_api::EditTranscript { segments: edited })
        .await?;
    // A suggested title and chapters (#14), stored after the edit (which remakes them from the
    // text, and three short lines get none), so that their table has rows to copy.
    let summary = vidmsg_server::db::MessageSummary {
        suggested_title: Some("The walkthrough".into()),
        chapters: vec![
            vidmsg_api::Chapter {
                start_ms: 0,
                title: "Walkthrough".into(),
            },
            vidmsg_api::Chapter {
                start_ms: 600,
                title: "Inbox and search".into(),
            },
        ],
    };
    db.set_summary(video.id, &summary, now_ms()).await?;
    let poster_key = format!("messages/{}/poster/poster.jpg", video.id);
    db.set_poster(video.id, &poster_key, now_ms()).await?;

    bob.create_comment(
        video.id,
        &CreateComment {
            at_ms: 1200,
            body: "Nice walkthrough".into(),
        },
    )
    .await?;
    bob.create_reaction(
        video.id,
        &CreateReaction {
            at_ms: 800,
            emoji: "👍".into(),
        },
    )
    .await?;
    bob.record_view(video.id, 1500).await?;
    bob.mark_read(direct.id).await?;
    let seen: Vec<i64> = bob
        .notifications()
        .await?
        .items
        .iter()
        .map(|n| n.id)
        .collect();
    anyhow::ensure!(!seen.is_empty(), "bob has notifications");
    bob.mark_notifications_seen(&MarkSeen { ids: seen }).await?;
    alice
        .set_thread_link(
            direct.id,
            &SetThreadLink {
                enabled: true,
                password: Some("link password".into()),
                expires_at: Some(now_ms() + 86_400_000),
            },
        )
        .await?;

    // The newest message, deleted: SQLite's AUTOINCREMENT keeps its id taken.
    let gone = alice.create_message(direct.id, &text("typo", None)).await?;
    alice.delete_message(gone.id).await?;

    Ok(Team {
        alice_token,
        video: video.id,
        video_bytes,
        deleted: gone.id,
        threads: vec![space_thread.id, direct.id, board_thread.id],
    })
}

/// Claims the video's job and finishes it with a transcript, as the worker does.
async fn transcribe(db: &Db, message: i64) -> anyhow::Result<()> {
    let job = db
        .claim_job("migration-test", now_ms(), 60_000, 3)
        .await?
        .context("the uploaded video queued a job")?;
    anyhow::ensure!(job.message_id == message, "job of {}", job.message_id);
    let segments = [
        "Here is the walkthrough.",
        "First the inbox.",
        "Then search.",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| vidmsg_api::Segment {
        start_ms: i as i64 * 600,
        end_ms: i as i64 * 600 + 550,
        text: (*t).into(),
        // Word times on every other segment: the column travels, NULL or not.
        words: (i % 2 == 0).then(|| {
            vec![vidmsg_api::Word {
                start_ms: i as i64 * 600 + 20,
                end_ms: i as i64 * 600 + 300,
                text: (*t).into(),
            }]
        }),
    })
    .collect();
    let result = TranscriptResult {
        segments,
        duration_ms: Some(2000),
        note: None,
        language: Some("en".into()),
    };
    anyhow::ensure!(
        db.finish_job(&job, "migration-test", &result, now_ms())
            .await?
    );
    Ok(())
}

/// Every table of both databases, equal; every table of the team's SQLite database has rows (so
/// each one's copy was really tested), and the command reported each count.
async fn compare_all(sqlite: &SqlitePool, pg: &PgPool, report: &str) -> anyhow::Result<()> {
    let tables = compare::sqlite_tables(sqlite).await?;
    assert_eq!(tables, compare::pg_tables(pg).await?, "the same tables");
    assert_eq!(tables.len(), 20, "{tables:?}"); // with `chapters` (#14)
    for t in &tables {
        let from = compare::dump_sqlite(sqlite, t).await?;
        let to = compare::dump_pg(pg, sqlite, t).await?;
        assert!(!from.rows.is_empty(), "the test left {t} empty");
        assert_eq!(from, to, "table {t}");
        if !report.is_empty() {
            let line = report
                .lines()
                .find(|l| l.split_whitespace().next() == Some(t.as_str()))
                .with_context(|| format!("no count of {t} in {report}"))?;
            let n: usize = line.split_whitespace().nth(1).context("count")?.parse()?;
            assert_eq!(n, from.rows.len(), "{line}");
        }
    }
    Ok(())
}

/// Each identity sequence hands out an id above every id SQLite ever gave (its rows, and the
/// AUTOINCREMENT high-water mark of deleted ones).
async fn ids_are_never_reused(sqlite: &SqlitePool, pg: &PgPool) -> anyhow::Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns WHERE table_schema = 'public'
            AND column_name = 'id' AND is_identity = 'YES'",
    )
    .fetch_all(pg)
    .await?;
    assert_eq!(tables.len(), 12, "{tables:?}");
    for t in tables {
        let max: Option<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT max(id) FROM {t}")))
                .fetch_one(sqlite)
                .await?;
        let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?")
            .bind(&t)
            .fetch_optional(sqlite)
            .await?;
        let next: i64 = sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence($1, 'id'))")
            .bind(&t)
            .fetch_one(pg)
            .await?;
        let taken = max.max(seq).unwrap_or(0);
        assert!(
            next > taken,
            "{t}: next id {next}, SQLite gave up to {taken}"
        );
    }
    Ok(())
}

/// The server on PostgreSQL serves the team as it was: old token, password, threads, the stored
/// video, its transcript; a new message gets an id SQLite never gave.
async fn served_from_postgres(srv: &TestServer, team: &Team) -> anyhow::Result<()> {
    let alice = Client::new(srv.base_url(), Some(team.alice_token.clone()))?;
    assert_eq!(alice.me().await?.name, "alice");
    let mut threads: Vec<i64> = alice
        .list_threads(&PageQuery::default())
        .await?
        .items
        .iter()
        .map(|t| t.id)
        .collect();
    threads.sort();
    let mut want = team.threads.clone();
    want.sort();
    assert_eq!(threads, want);

    let bob = srv
        .anonymous()
        .sign_in(&CreateSession {
            name: "bob".into(),
            password: BOB_PW.into(),
        })
        .await?;
    let bob = Client::new(srv.base_url(), Some(bob.token))?;
    let m = bob.get_message(team.video).await?;
    let url = m.video_url.context("the video plays")?;
    assert_eq!(bob.fetch_presigned(&url, 64 << 20).await?, team.video_bytes);
    let transcript = bob.transcript(team.video).await?;
    assert_eq!(transcript.segments.len(), 3);
    assert_eq!(transcript.segments[1].text, "First the inbox.");

    let new = alice
        .create_message(m.thread_id, &text("Hello from PostgreSQL", None))
        .await?;
    assert!(
        new.id > team.deleted,
        "new id {} after {}",
        new.id,
        team.deleted
    );
    let page = alice
        .list_messages(m.thread_id, &PageQuery::default())
        .await?;
    assert_eq!(
        page.items.last().and_then(|m| m.body.as_deref()),
        Some("Hello from PostgreSQL")
    );
    Ok(())
}
