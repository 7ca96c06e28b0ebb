//! The floor under API search: the server's own search query (its `Database::search`, the same
//! SQL the `/api/search` route runs: SQLite's FTS5 MATCH ranked by bm25 joined to
//! `thread_viewers`, PostgreSQL's tsquery ranked by `ts_rank_cd`), run straight on the database
//! through the server library, without HTTP, the token check and JSON. The query text is parsed
//! by the server's own parser, so both see the same query.

use std::time::{Duration, Instant};

use vidmsg_api::{Id, SearchHit};
use vidmsg_server::db::{Db, SearchSpec};
use vidmsg_server::search::syntax;

/// Hits per page the API asks the database for: its default page of 20, plus one to tell
/// whether there is a next page (`search/route.rs`).
pub const API_DB_LIMIT: u32 = 21;

/// The database the server uses, opened by the server's own code.
pub struct Floor {
    db: Db,
}

impl Floor {
    pub async fn open(database_url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            db: vidmsg_server::db::connect(database_url).await?,
        })
    }

    /// Runs `q` for `user` as the API's first page would; returns the hits and the time.
    pub async fn search(&self, user: Id, q: &str) -> anyhow::Result<(Vec<SearchHit>, Duration)> {
        let query = syntax::parse(q).ok_or_else(|| anyhow::anyhow!("{q:?} has no words"))?;
        let spec = SearchSpec {
            query,
            user,
            thread: None,
            limit: API_DB_LIMIT,
            offset: 0,
        };
        let start = Instant::now();
        let hits = self.db.search(&spec).await?;
        Ok((hits, start.elapsed()))
    }
}
