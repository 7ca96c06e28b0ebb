//! Makes the benchmark's team through the API, as people would: users joining by invite, three
//! private spaces, threads in them and a few direct ones, and uploaded video messages for the
//! seeded segments to belong to. Every user but the admin is in two of the three spaces, so
//! each sees most threads but not all, and search's visibility join has rows to drop.

use vidmsg_api::{Client, CreateInvite, CreateSpace, JoinRequest, NewThread};

use crate::state::{BenchState, BenchThread, BenchUser};
use crate::upload::{fake_mp4, upload_video};

/// Sizes of the team.
#[derive(Debug, Clone, Copy)]
pub struct TeamSize {
    /// Users besides the admin.
    pub users: usize,
    pub threads_per_space: usize,
    /// Video messages, spread over the space threads.
    pub messages: usize,
}

const SPACES: usize = 3;

/// Creates the team on the server at `base` with the first (admin) user's token.
pub async fn make_team(
    base: &str,
    admin_token: &str,
    size: TeamSize,
) -> anyhow::Result<BenchState> {
    let admin = Client::new(base, Some(admin_token.to_string()))?;
    let me = admin.me().await?;
    let mut users = vec![BenchUser {
        id: me.id,
        name: me.name.clone(),
        token: admin_token.to_string(),
    }];
    for i in 1..=size.users {
        let invite = admin.create_invite(&CreateInvite::default()).await?;
        let joined = Client::new(base, None)?
            .join(&JoinRequest {
                code: invite.code,
                name: format!("bench{i}"),
                password: "bench-password".into(),
            })
            .await?;
        users.push(BenchUser {
            id: joined.user.id,
            name: joined.user.name,
            token: joined.token,
        });
    }
    let mut threads = Vec::new();
    for s in 0..SPACES {
        let space = admin
            .create_space(&CreateSpace {
                name: format!("bench-{s}"),
                private: true,
            })
            .await?;
        // User i stays out of space i % 3; the admin (index 0) is in all.
        let members: Vec<usize> = (0..users.len())
            .filter(|&i| i == 0 || i % SPACES != s)
            .collect();
        for &i in members.iter().skip(1) {
            admin.add_space_member(space.id, &users[i].name).await?;
        }
        for t in 0..size.threads_per_space {
            let thread = admin
                .new_thread(&NewThread {
                    title: format!("space {s} thread {t}"),
                    space_id: Some(space.id),
                    people: vec![],
                })
                .await?;
            threads.push(BenchThread {
                id: thread.id,
                viewers: members.clone(),
            });
        }
    }
    let space_threads = threads.len();
    // Direct threads: the admin with two users each.
    for i in (1..users.len()).step_by(2) {
        let j = (i % (users.len() - 1)) + 1;
        let thread = admin
            .new_thread(&NewThread {
                title: format!("direct {i}"),
                space_id: None,
                people: vec![users[i].name.clone(), users[j].name.clone()],
            })
            .await?;
        threads.push(BenchThread {
            id: thread.id,
            viewers: vec![0, i, j],
        });
    }
    let bytes = fake_mp4(64 * 1024);
    let mut messages = Vec::new();
    for m in 0..size.messages {
        let thread = &threads[m % space_threads];
        // Authors take turns among the thread's viewers.
        let author = thread.viewers[(m / space_threads) % thread.viewers.len()];
        let client = Client::new(base, Some(users[author].token.clone()))?;
        let (id, _) = upload_video(&client, thread.id, &format!("recording {m}"), &bytes).await?;
        messages.push(id);
    }
    Ok(BenchState {
        users,
        threads,
        messages,
    })
}
