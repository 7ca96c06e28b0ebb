//! Search across every transcript a user may see: the user's syntax (words, "phrases",
//! prefix*, OR) parsed into a backend-neutral query ([`syntax`]) that each database backend
//! renders safely into its own full-text language, the route ([`route`]), and the ranking, which
//! the backend computes (`db/sqlite/search.rs`: FTS5 bm25; `db/postgres/search.rs`: tsvector
//! ts_rank_cd; best first either way: the API's `score` is higher for better hits), and where a
//! hit points: its first matched word's time ([`word_hit`]). Depends on
//! the database trait and the access rules, never on transcription.

pub mod route;
pub mod syntax;
pub mod word_hit;
