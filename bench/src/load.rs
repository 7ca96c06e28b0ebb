//! The load phase: many clients at once on one server, closed loop (each sends its next request
//! as soon as the last one answered), until a deadline or a count. Readers alternate listing
//! their threads and searching (the [`crate::queries::MIX`] in turn); uploaders post 10 MiB
//! videos in two 5 MiB parts. Every request goes over its own client's keep-alive connection.

use std::time::{Duration, Instant};

use vidmsg_api::{Client, PageQuery, SearchQuery};

use crate::queries::MIX;
use crate::state::BenchState;
use crate::stats::Samples;
use crate::upload::{PART_SIZE, fake_mp4, upload_video};

/// How hard and how long.
#[derive(Debug, Clone, Copy)]
pub struct LoadPlan {
    pub readers: usize,
    pub uploaders: usize,
    pub duration: Duration,
    /// Most uploads per uploader (bounds the disk the run fills).
    pub uploads_each: usize,
}

/// The phase's samples, by operation, and how long it ran.
pub struct LoadResult {
    pub rows: Vec<(&'static str, Samples)>,
    pub elapsed: Duration,
}

/// A client that gives up on a request after a minute, so the run stays bounded.
pub fn client(base: &str, token: &str) -> anyhow::Result<Client> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    Ok(Client::with_http(http, base, Some(token.to_string()))?)
}

/// Users who are not the admin, so each sees most threads but not all.
fn member(state: &BenchState, n: usize) -> usize {
    1 + n % (state.users.len() - 1).max(1)
}

pub async fn run(base: &str, state: &BenchState, plan: LoadPlan) -> anyhow::Result<LoadResult> {
    anyhow::ensure!(
        state.users.len() > 1,
        "the team has no members besides the admin"
    );
    let start = Instant::now();
    let deadline = start + plan.duration;
    let mut readers = Vec::new();
    for c in 0..plan.readers {
        let client = client(base, &state.users[member(state, c)].token)?;
        readers.push(tokio::spawn(async move {
            let (mut list, mut search) = (Samples::default(), Samples::default());
            let mut i = c;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.list_threads(&PageQuery::default()).await {
                    Ok(_) => list.ok(t.elapsed()),
                    Err(e) => list.err(e),
                }
                let q = SearchQuery {
                    q: MIX[i % MIX.len()].q.to_string(),
                    thread: None,
                    limit: None,
                    cursor: None,
                };
                let t = Instant::now();
                match client.search(&q).await {
                    Ok(_) => search.ok(t.elapsed()),
                    Err(e) => search.err(e),
                }
                i += 1;
            }
            (list, search)
        }));
    }
    let bytes = std::sync::Arc::new(fake_mp4(2 * PART_SIZE));
    let mut uploaders = Vec::new();
    for c in 0..plan.uploaders {
        let user = member(state, c);
        let client = client(base, &state.users[user].token)?;
        let threads: Vec<_> = state.visible_to(user).map(|t| t.id).collect();
        let bytes = bytes.clone();
        uploaders.push(tokio::spawn(async move {
            let mut s: [Samples; 5] = Default::default();
            for n in 0..plan.uploads_each {
                if Instant::now() >= deadline {
                    break;
                }
                let thread = threads[(c + n) % threads.len()];
                match upload_video(&client, thread, &format!("load {c}.{n}"), &bytes).await {
                    Ok((_, t)) => {
                        s[0].ok(t.create);
                        t.presign.iter().for_each(|d| s[1].ok(*d));
                        t.put.iter().for_each(|d| s[2].ok(*d));
                        s[3].ok(t.complete);
                        s[4].ok(t.total);
                    }
                    Err(e) => s[4].err(e),
                }
            }
            s
        }));
    }
    let (mut list, mut search) = (Samples::default(), Samples::default());
    for r in readers {
        let (l, s) = r.await?;
        list.merge(l);
        search.merge(s);
    }
    let mut up: [Samples; 5] = Default::default();
    for u in uploaders {
        for (acc, s) in up.iter_mut().zip(u.await?) {
            acc.merge(s);
        }
    }
    let elapsed = start.elapsed();
    let [create, presign, put, complete, total] = up;
    Ok(LoadResult {
        rows: vec![
            ("list threads", list),
            ("search (mix)", search),
            ("upload: create message", create),
            ("upload: presign a part", presign),
            ("upload: PUT a 5 MiB part", put),
            ("upload: complete", complete),
            ("upload: whole 10 MiB video", total),
        ],
        elapsed,
    })
}
