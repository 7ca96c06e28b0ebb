//! What a search asks a backend for, and how much of the index a page of it needs.

use vidmsg_api::Id;

/// A search: the user's query, parsed; each backend renders it into its own full-text language.
///
/// Ranking is by relevance within tiers of recency: the caller's matching segments, newest
/// first, are cut into tiers of [`SEARCH_TIER`]; hits come tier by tier (the newest tier
/// first), most relevant first inside a tier. A query with fewer matches than a tier (nearly
/// every query: a word said in fewer than 500 of your segments) is ranked purely by
/// relevance. A word said in tens of thousands of segments would otherwise be ranked in full
/// before the first page (bm25 / `ts_rank_cd` over every match: ~200 ms at 27,000 matches
/// among 1 M segments); this way a page costs at most the tiers it reaches, and paging stays
/// consistent (the order is total and does not depend on the page size).
#[derive(Debug, Clone)]
pub struct SearchSpec {
    pub query: crate::search::syntax::Query,
    pub user: Id,
    pub thread: Option<Id>,
    pub limit: u32,
    pub offset: u32,
}

/// How many of the newest matching segments are ranked together (see [`SearchSpec`]). 500:
/// at 1 M segments a very common word costs about half of what 1,000 cost on both backends
/// (PostgreSQL's search p99 over the bench mix 47–60 → 38–43 ms; README, `scripts/bench-load`),
/// and 500 hits are 25 pages of results.
pub const SEARCH_TIER: u32 = 500;

impl SearchSpec {
    /// How many of the newest matches the page needs: every tier up to the page's last hit.
    pub fn window(&self) -> i64 {
        let end = u64::from(self.offset) + u64::from(self.limit.max(1));
        let tiers = end.div_ceil(u64::from(SEARCH_TIER));
        i64::try_from(tiers * u64::from(SEARCH_TIER)).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::{SEARCH_TIER, SearchSpec};

    fn spec(limit: u32, offset: u32) -> SearchSpec {
        SearchSpec {
            query: crate::search::syntax::parse("word").expect("a word"),
            user: 1,
            thread: None,
            limit,
            offset,
        }
    }

    #[test]
    fn a_page_reads_every_tier_up_to_its_last_hit() {
        let tier = i64::from(SEARCH_TIER);
        assert_eq!(spec(21, 0).window(), tier);
        assert_eq!(spec(20, SEARCH_TIER - 20).window(), tier);
        assert_eq!(spec(21, SEARCH_TIER - 20).window(), 2 * tier);
        assert_eq!(spec(0, 0).window(), tier);
        assert_eq!(spec(u32::MAX, u32::MAX).window() % tier, 0);
    }
}
