//! What `bench-load setup` made, saved as JSON for the later steps (`seed-segments`, `load`,
//! `search`): the users with their tokens and ids, the threads and the video messages.

use std::path::Path;

use serde::{Deserialize, Serialize};
use vidmsg_api::Id;

/// One benchmark user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchUser {
    pub id: Id,
    pub name: String,
    pub token: String,
}

/// A thread and the users who see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchThread {
    pub id: Id,
    /// Users (indexes into [`BenchState::users`]) who see the thread.
    pub viewers: Vec<usize>,
}

/// The team a benchmark runs against.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchState {
    pub users: Vec<BenchUser>,
    pub threads: Vec<BenchThread>,
    /// Video messages (uploaded, complete) that segments are attached to.
    pub messages: Vec<Id>,
}

impl BenchState {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, serde_json::to_vec_pretty(self)?)?;
        Ok(())
    }

    /// Threads `user` sees.
    pub fn visible_to(&self, user: usize) -> impl Iterator<Item = &BenchThread> {
        self.threads
            .iter()
            .filter(move |t| t.viewers.contains(&user))
    }
}
