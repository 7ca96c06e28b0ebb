//! What only the PostgreSQL backend has to prove: workers on many hosts claim each job exactly
//! once (`FOR UPDATE SKIP LOCKED`), and its tsvector search finds what SQLite's FTS5 search finds
//! for the same user syntax. These tests need `VIDMSG_TEST_POSTGRES` (`scripts/test` runs this
//! module in its PostgreSQL pass) and fail without it.

use std::collections::{BTreeMap, BTreeSet};

use vidmsg_api::{Id, MessageKind, MessageStatus, SearchHit, Segment};
use vidmsg_server::db::{
    Db, FinishedUpload, JobRow, NewMessage, SearchSpec, TranscriptResult, connect, now_ms,
};
use vidmsg_server::search::syntax;
use vidmsg_tests::database::{fresh_postgres, postgres_admin_url};

/// A fresh PostgreSQL database of its own, opened through the backend (migrations run).
async fn fresh_pg() -> anyhow::Result<Db> {
    Ok(connect(&fresh_pg_url().await?).await?)
}

/// A fresh database's URL (its schema made by [`connect`]).
async fn fresh_pg_url() -> anyhow::Result<String> {
    let admin = postgres_admin_url().ok_or_else(|| {
        anyhow::anyhow!(
            "VIDMSG_TEST_POSTGRES is not set: these tests need the PostgreSQL backend. Run them \
             in scripts/test's PostgreSQL pass, or set it to the admin URL `scripts/postgres \
             start DIR` prints"
        )
    })?;
    fresh_postgres(&admin).await
}

/// A video message in `thread` whose upload finished: its transcription job is queued.
async fn uploaded_video(db: &Db, thread: Id, author: Id, title: &str) -> anyhow::Result<Id> {
    let now = now_ms();
    let id = db
        .insert_message(&NewMessage {
            thread_id: thread,
            author_id: author,
            kind: MessageKind::Video,
            title: title.into(),
            body: None,
            parent_id: None,
            status: MessageStatus::Uploading,
            content_type: Some("video/mp4".into()),
            urgent: false,
            now_ms: now,
        })
        .await?;
    db.set_upload(id, &format!("test/{id}"), "upload", now)
        .await?;
    let done = FinishedUpload {
        size_bytes: 1,
        duration_ms: Some(60_000),
        content_type: "video/mp4".into(),
    };
    anyhow::ensure!(db.finish_upload(id, &done, now).await?, "upload not open");
    Ok(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_workers_claim_every_job_exactly_once() -> anyhow::Result<()> {
    const JOBS: usize = 60;
    const WORKERS: usize = 8;
    let db = fresh_pg().await?;
    let alice = db.create_user("alice", false, 1).await?;
    let thread = db.create_thread("Jobs", alice.id, None, &[], 1).await?;
    let mut messages = BTreeSet::new();
    for n in 0..JOBS {
        messages.insert(uploaded_video(&db, thread, alice.id, &format!("clip {n}")).await?);
    }
    let now = now_ms();
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("worker-{w}");
            let mut claimed = Vec::new();
            while let Some(job) = db.claim_job(&worker, now, 600_000, 3).await? {
                claimed.push((worker.clone(), job));
                tokio::task::yield_now().await;
            }
            anyhow::Ok(claimed)
        }));
    }
    let mut claims: Vec<(String, JobRow)> = Vec::new();
    for t in tasks {
        claims.extend(t.await??);
    }
    let per_job: BTreeMap<Id, usize> = claims.iter().fold(BTreeMap::new(), |mut m, (_, j)| {
        *m.entry(j.id).or_default() += 1;
        m
    });
    let twice: Vec<_> = per_job.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "jobs claimed more than once: {twice:?}");
    assert_eq!(claims.len(), JOBS, "every queued job is claimed");
    let claimed_messages: BTreeSet<Id> = claims.iter().map(|(_, j)| j.message_id).collect();
    assert_eq!(claimed_messages, messages);
    let workers: BTreeSet<&str> = claims.iter().map(|(w, _)| w.as_str()).collect();
    assert!(
        workers.len() > 1,
        "only {workers:?} claimed: no concurrency was tested"
    );
    assert!(claims.iter().all(|(_, j)| j.attempts == 1));

    // Finishing is exactly-once too: only the holder may, and only once.
    let (holder, job) = &claims[0];
    let result = TranscriptResult {
        segments: vec![Segment {
            start_ms: 0,
            end_ms: 1_000,
            text: "done".into(),
            words: None,
        }],
        duration_ms: None,
        note: None,
        language: None,
    };
    assert!(!db.finish_job(job, "someone-else", &result, now).await?);
    assert!(!db.heartbeat_job(job.id, "someone-else", now + 1).await?);
    assert!(db.heartbeat_job(job.id, holder, now + 700_000).await?);
    assert!(db.finish_job(job, holder, &result, now).await?);
    assert!(!db.finish_job(job, holder, &result, now).await?);
    assert!(!db.fail_job(job, holder, "late", None, now).await?);
    assert_eq!(db.transcript(job.message_id).await?.len(), 1);
    let info = db.job_info(job.message_id).await?.expect("a job");
    assert_eq!(info.state, "done");
    Ok(())
}

#[tokio::test]
async fn an_expired_lease_moves_the_job_and_a_job_that_kills_workers_fails() -> anyhow::Result<()> {
    let db = fresh_pg().await?;
    let alice = db.create_user("alice", false, 1).await?;
    let thread = db.create_thread("Leases", alice.id, None, &[], 1).await?;
    let msg = uploaded_video(&db, thread, alice.id, "clip").await?;
    let t0 = now_ms();
    let lease = 1_000;
    let a = db.claim_job("a", t0, lease, 2).await?.expect("queued");
    assert!(db.claim_job("b", t0 + 10, lease, 2).await?.is_none());
    // `a` stopped heartbeating: its lease ran out, `b` takes the job over.
    let b = db
        .claim_job("b", t0 + lease + 1, lease, 2)
        .await?
        .expect("an expired lease is claimable");
    assert_eq!((b.id, b.attempts), (a.id, 2));
    let result = TranscriptResult {
        segments: vec![],
        duration_ms: None,
        note: None,
        language: None,
    };
    assert!(!db.heartbeat_job(a.id, "a", t0 + 5_000).await?);
    assert!(!db.finish_job(&a, "a", &result, t0 + 5_000).await?);
    // `b` dies too: that is the second expiry of max 2, so the job fails for good.
    assert!(db.claim_job("c", t0 + 3 * lease, lease, 2).await?.is_none());
    let info = db.job_info(msg).await?.expect("a job");
    assert_eq!(info.state, "failed");
    assert!(
        info.last_error
            .as_deref()
            .is_some_and(|e| e.contains("stopped 2 times")),
        "{info:?}"
    );
    let m = db.message(msg).await?.expect("message");
    assert_eq!(m.status, MessageStatus::Failed);
    // A requeue starts it over.
    assert!(db.requeue(msg, t0 + 4 * lease).await?);
    let again = db
        .claim_job("d", t0 + 4 * lease, lease, 2)
        .await?
        .expect("requeued");
    assert_eq!((again.id, again.attempts), (a.id, 1));
    Ok(())
}

/// The transcripts both backends index for the parity test: (message title, segment texts).
const CLIPS: &[(&str, &[&str])] = &[
    (
        "Budget review",
        &[
            "The quarterly budget is due on Friday.",
            "Budget, budget, budget.",
            "We went over the marketing plan for the spring.",
        ],
    ),
    (
        "Release notes",
        &[
            "We are running late with the release.",
            "Release the recorder after the transcription fixes land.",
            "The mobile app crashed twice during the demo.",
            "Version 3.5 shipped with faster uploads.",
        ],
    ),
    (
        "Pets",
        &[
            "My cat sleeps all day.",
            "The dog runs in the park; he ran yesterday too.",
            "Don't feed the cat after midnight.",
        ],
    ),
];

/// Each query of the user syntax, whether it must find something, and whether both backends
/// must rank the same hit first. They need not where the words of an OR differ in rarity: bm25
/// (SQLite) weighs a rare word above a common one (its IDF), PostgreSQL's ts_rank_cd has no
/// such weight, so "dog" (one segment) outranks "cat" (two) on SQLite only. The hits are the
/// same either way.
const QUERIES: &[(&str, bool, bool)] = &[
    ("budget", true, true),
    ("quarterly budget", true, true),
    ("\"mobile app crashed\"", true, true),
    ("\"app mobile\"", false, true),
    ("transcri*", true, true),
    ("rel*", true, true),
    ("budget OR zebra", true, true),
    ("sleeps OR midnight", true, true),
    ("cat OR dog", true, false),
    ("Release recorder OR midnight", true, false),
    ("running", true, true),
    ("runs", true, true),
    ("\"release the recorder\"", true, true),
    // Phrases go through the index of adjacent word pairs (migration 0007): stemmed, across
    // punctuation, with a prefix after whole words, in alternatives, and in the wrong order.
    ("\"dog running\"", true, true),
    ("\"budget, budget\"", true, true),
    ("\"feed the cat\" midnight", true, true),
    ("the-quarterly-budg*", true, true),
    ("\"running late\" OR \"the cat\"", true, false),
    ("\"sleeps cat\"", false, true),
    ("\"the cat\" OR budget", true, false),
    ("the", true, true),
    ("don't", true, true),
    ("3.5", true, true),
    ("zebra", false, true),
    ("zebra OR giraffe", false, true),
    ("budget zebra", false, true),
];

/// Writes `CLIPS` through the trait (video messages whose transcription a worker finished) into
/// `db`; returns the reader (a member) and an outsider.
async fn index_clips(db: &Db) -> anyhow::Result<(Id, Id)> {
    let alice = db.create_user("alice", false, 1).await?;
    let outsider = db.create_user("oscar", false, 1).await?;
    let thread = db.create_thread("Weekly", alice.id, None, &[], 1).await?;
    for (title, texts) in CLIPS {
        let id = uploaded_video(db, thread, alice.id, title).await?;
        let job = db
            .claim_job("w", now_ms(), 60_000, 3)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no job for {title}"))?;
        anyhow::ensure!(job.message_id == id, "claimed another clip's job");
        let segments = (0..)
            .zip(texts.iter())
            .map(|(i, t)| Segment {
                start_ms: i * 5_000,
                end_ms: i * 5_000 + 4_000,
                text: (*t).into(),
                words: None,
            })
            .collect();
        let result = TranscriptResult {
            segments,
            duration_ms: None,
            note: None,
            language: None,
        };
        anyhow::ensure!(db.finish_job(&job, "w", &result, now_ms()).await?);
    }
    Ok((alice.id, outsider.id))
}

async fn search(db: &Db, user: Id, q: &str) -> anyhow::Result<Vec<SearchHit>> {
    let query = syntax::parse(q).ok_or_else(|| anyhow::anyhow!("{q:?} has no words"))?;
    let spec = SearchSpec {
        query,
        user,
        thread: None,
        limit: 100,
        offset: 0,
    };
    Ok(db.search(&spec).await?)
}

/// A hit by what it points at (ids may differ between the two databases).
fn key(h: &SearchHit) -> (String, i64) {
    (h.title.clone(), h.start_ms)
}

#[tokio::test]
async fn postgres_search_finds_what_sqlite_finds() -> anyhow::Result<()> {
    let pg = fresh_pg().await?;
    let dir = tempfile::tempdir()?;
    let sqlite = connect(&format!(
        "sqlite://{}",
        dir.path().join("db.sqlite").display()
    ))
    .await?;
    let (pg_user, pg_outsider) = index_clips(&pg).await?;
    let (lite_user, lite_outsider) = index_clips(&sqlite).await?;
    // Every difference is collected first, so one run shows them all.
    let mut differences = Vec::new();
    for (q, finds, same_best) in QUERIES {
        let on_pg = search(&pg, pg_user, q).await?;
        let on_lite = search(&sqlite, lite_user, q).await?;
        let pg_keys: BTreeSet<_> = on_pg.iter().map(key).collect();
        let lite_keys: BTreeSet<_> = on_lite.iter().map(key).collect();
        if pg_keys != lite_keys {
            differences.push(format!(
                "{q:?}: PostgreSQL {pg_keys:?}, SQLite {lite_keys:?}"
            ));
        }
        if pg_keys.is_empty() == *finds {
            differences.push(format!("{q:?}: expected hits: {finds}, got {pg_keys:?}"));
        }
        let (pg_best, lite_best) = (on_pg.first().map(key), on_lite.first().map(key));
        if *same_best && pg_best != lite_best {
            differences.push(format!(
                "{q:?}: best hit on PostgreSQL {pg_best:?}, on SQLite {lite_best:?}"
            ));
        }
        for h in on_pg.iter().chain(&on_lite) {
            if !h.snippet.contains("<mark>") {
                differences.push(format!("{q:?}: snippet without a mark {:?}", h.snippet));
            }
        }
        if !on_pg.windows(2).all(|w| w[0].score >= w[1].score) {
            differences.push(format!("{q:?}: PostgreSQL hits not best first: {on_pg:?}"));
        }
        if !search(&pg, pg_outsider, q).await?.is_empty()
            || !search(&sqlite, lite_outsider, q).await?.is_empty()
        {
            differences.push(format!("{q:?}: an outsider finds something"));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
    // The whole segment comes back, a matched phrase marked as one.
    let hit = &search(&pg, pg_user, "\"mobile app crashed\"").await?[0];
    assert_eq!(
        hit.snippet,
        "The <mark>mobile app crashed</mark> twice during the demo."
    );
    let stemmed = &search(&pg, pg_user, "running").await?;
    assert!(
        stemmed
            .iter()
            .any(|h| h.snippet.contains("<mark>runs</mark>")),
        "{stemmed:#?}"
    );
    Ok(())
}

/// Input that is tsquery syntax is searched as words, never run as operators (a tsquery syntax
/// error would fail the request, an operator would change the hits).
#[tokio::test]
async fn tsquery_operators_in_the_input_are_words() -> anyhow::Result<()> {
    let pg = fresh_pg().await?;
    let (user, _) = index_clips(&pg).await?;
    // (input, hits): "budget" is in two segments; "zebra", "a" and "drop" in none.
    for (q, n) in [
        ("budget", 2),
        ("budget & !zebra", 0),
        ("!!budget", 2),
        ("'budget' <-> \\", 2),
        ("budget:* | (cat", 0),
        ("budget:A", 0),
        ("budget'); DROP TABLE segments; --", 0),
        ("budget", 2),
    ] {
        let hits = search(&pg, user, q).await?;
        assert_eq!(hits.len(), n, "{q:?}: {hits:#?}");
    }
    Ok(())
}

/// A clip of `n` segments of `text`, 1 s apart, whose transcription a worker finished.
async fn clip_of(
    db: &Db,
    thread: Id,
    author: Id,
    title: &str,
    text: &str,
    n: i64,
) -> anyhow::Result<()> {
    let id = uploaded_video(db, thread, author, title).await?;
    let job = db
        .claim_job("w", now_ms(), 60_000, 3)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job for {title}"))?;
    anyhow::ensure!(job.message_id == id, "claimed another clip's job");
    let segments = (0..n)
        .map(|i| Segment {
            start_ms: i * 1_000,
            end_ms: i * 1_000 + 900,
            text: text.into(),
            words: None,
        })
        .collect();
    let result = TranscriptResult {
        segments,
        duration_ms: None,
        note: None,
        language: None,
    };
    anyhow::ensure!(db.finish_job(&job, "w", &result, now_ms()).await?);
    Ok(())
}

/// Every page of `q` for `user`, `limit` at a time, as the API's cursor walks them.
async fn every_page(db: &Db, user: Id, q: &str, limit: u32) -> anyhow::Result<Vec<SearchHit>> {
    let query = syntax::parse(q).ok_or_else(|| anyhow::anyhow!("{q:?} has no words"))?;
    let mut all = Vec::new();
    loop {
        let spec = SearchSpec {
            query: query.clone(),
            user,
            thread: None,
            limit,
            offset: u32::try_from(all.len())?,
        };
        let page = db.search(&spec).await?;
        let done = page.len() < limit as usize;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

/// A word in more segments than one ranking tier (`SEARCH_TIER`, 500): the newest 500
/// matches come first, most relevant first among them, then the older ones; paging walks every
/// hit exactly once, in the same order on both backends.
#[tokio::test]
async fn a_common_word_is_ranked_by_recency_tier_then_relevance() -> anyhow::Result<()> {
    use vidmsg_server::db::SEARCH_TIER;
    let pg_url = fresh_pg_url().await?;
    let pg = connect(&pg_url).await?;
    // PostgreSQL keeps segments in partitions of 131,072 ids: start the ids just below a
    // boundary, so the matches lie in two partitions and the probes cross from one to the next.
    let raw = sqlx::PgPool::connect(&pg_url).await?;
    sqlx::query("ALTER SEQUENCE segments_id_seq RESTART WITH 120000")
        .execute(&raw)
        .await?;
    raw.close().await;
    let dir = tempfile::tempdir()?;
    let sqlite = connect(&format!(
        "sqlite://{}",
        dir.path().join("db.sqlite").display()
    ))
    .await?;
    let tier = i64::from(SEARCH_TIER);
    let mut walks = Vec::new();
    for db in [&pg, &sqlite] {
        let alice = db.create_user("alice", false, 1).await?;
        let outsider = db.create_user("oscar", false, 1).await?;
        let thread = db.create_thread("Weekly", alice.id, None, &[], 1).await?;
        // 20,000 older segments without the word, so that PostgreSQL probes the newest ids in
        // ranges (a smaller index is read in one probe).
        clip_of(
            db,
            thread,
            alice.id,
            "filler",
            "nothing to see here",
            20_000,
        )
        .await?;
        // Older and more relevant (short, the word twice), then newer and less relevant.
        clip_of(db, thread, alice.id, "old", "budget budget", 300).await?;
        let long = "we went over the budget with everyone in the room for a long while today";
        clip_of(db, thread, alice.id, "new", long, tier + 200).await?;
        let hits = every_page(db, alice.id, "budget", 450).await?;
        let keys: Vec<(String, i64)> = hits.iter().map(key).collect();
        let distinct: BTreeSet<_> = keys.iter().collect();
        assert_eq!(keys.len(), 300 + tier as usize + 200, "every hit once");
        assert_eq!(distinct.len(), keys.len(), "no hit twice across pages");
        // The first tier: the newest 500 segments, all of the newer clip, its last ones.
        let first: Vec<_> = keys.iter().take(tier as usize).collect();
        assert!(
            first.iter().all(|(t, s)| t == "new" && *s >= 200_000),
            "{:?}",
            &first[..3]
        );
        // The second tier: the more relevant old clip first, then the rest of the new one.
        let second = &keys[tier as usize..];
        assert!(
            second[..300].iter().all(|(t, _)| t == "old"),
            "{:?}",
            &second[..3]
        );
        assert!(
            second[300..]
                .iter()
                .all(|(t, s)| t == "new" && *s < 200_000)
        );
        assert!(every_page(db, outsider.id, "budget", 450).await?.is_empty());
        walks.push(keys);
    }
    assert_eq!(
        walks[0], walks[1],
        "PostgreSQL and SQLite page the same way"
    );
    Ok(())
}

/// Servers and workers making the same partitions at once (a new range of segment ids falls due
/// while two workers store transcripts): each partition is made once and no caller fails.
#[tokio::test]
async fn concurrent_callers_make_each_partition_once() -> anyhow::Result<()> {
    let url = fresh_pg_url().await?;
    let _db = connect(&url).await?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect(&url)
        .await?;
    let partitions = "SELECT count(*) FROM pg_class
        WHERE relispartition AND relkind = 'r' AND relname LIKE 'segments_p%'";
    let before: i64 = sqlx::query_scalar(partitions).fetch_one(&pool).await?;
    assert_eq!(
        before, 2,
        "a fresh database has the first partition and one ahead"
    );
    // Eight sessions, connected first, released together: each finds the partition missing,
    // then waits for the one making it.
    let mut conns = Vec::new();
    for _ in 0..8 {
        conns.push(pool.acquire().await?);
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(conns.len()));
    let mut calls = Vec::new();
    for (i, mut conn) in (0_i64..).zip(conns) {
        let start = start.clone();
        calls.push(tokio::spawn(async move {
            start.wait().await;
            sqlx::query("SELECT vidmsg_segment_partitions($1)")
                .bind(6 * 131_072 + i)
                .execute(&mut *conn)
                .await
        }));
    }
    for c in calls {
        c.await??;
    }
    let after: i64 = sqlx::query_scalar(partitions).fetch_one(&pool).await?;
    assert_eq!(after, 7, "partitions 0 to 6, each once");
    Ok(())
}
