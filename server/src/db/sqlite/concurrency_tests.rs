//! Writers that read first must not fail when another connection writes in between: SQLite
//! answers such a transaction's first write with SQLITE_BUSY at once (its snapshot is stale, and
//! the busy timeout does not apply), so every transaction that writes starts IMMEDIATE.

use std::sync::Arc;

use vidmsg_api::{MessageKind, MessageStatus};

use super::SqliteDb;
use crate::db::{Database, NewMessage};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deletes_that_read_first_survive_concurrent_writers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db.sqlite");
    let db = Arc::new(
        SqliteDb::open(path.to_str().expect("utf-8 path"))
            .await
            .expect("open"),
    );
    let user = db.create_user("alice", false, 1).await.expect("user");
    let thread = db
        .create_thread("Busy", user.id, None, &[], 1)
        .await
        .expect("thread");
    let author = user.id;
    let new = move |n: usize| NewMessage {
        thread_id: thread,
        author_id: author,
        kind: MessageKind::Text,
        title: format!("m{n}"),
        body: Some("x".into()),
        parent_id: None,
        status: MessageStatus::Ready,
        content_type: None,
        urgent: false,
        now_ms: 2,
    };
    let mut ids = Vec::new();
    for n in 0..200 {
        ids.push(db.insert_message(&new(n)).await.expect("insert"));
    }
    // Four deleters (read, then delete) against four writers (plain inserts).
    let mut tasks = Vec::new();
    for chunk in ids.chunks(50) {
        let (db, chunk) = (db.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            for id in chunk {
                db.delete_message(id).await.map(|_| ())?;
            }
            Ok::<_, crate::db::DbError>(())
        }));
    }
    for w in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..50 {
                db.insert_message(&new(1000 * (w + 1) + n)).await?;
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await
            .expect("task")
            .expect("no write may fail because another connection wrote");
    }
}

/// The failure the IMMEDIATE transactions avoid, shown directly: it is reported as "busy" (a 503
/// a client may retry), never as an internal error.
#[tokio::test]
async fn a_stale_deferred_writer_is_busy_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db.sqlite");
    let db = SqliteDb::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("open");
    db.create_user("alice", false, 1).await.expect("user");
    let mut stale = db.pool().begin().await.expect("deferred transaction");
    let _: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *stale)
        .await
        .expect("read");
    db.create_user("bob", false, 2)
        .await
        .expect("another connection writes");
    let err = sqlx::query("UPDATE users SET name = name")
        .execute(&mut *stale)
        .await
        .expect_err("a stale snapshot cannot write");
    assert!(crate::db::DbError::from(err).is_busy());
}
