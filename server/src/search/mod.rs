//! Search across every transcript a user may see: the user's syntax (words, "phrases",
//! prefix*, OR) translated into a safe full-text query ([`syntax`]), the route ([`route`]), and
//! the ranking, which the database backend computes (`db/sqlite/search.rs`: bm25, best first; the
//! API's `score` is higher for better hits). Depends on the database trait and the access rules,
//! never on transcription.

pub mod route;
pub mod syntax;
