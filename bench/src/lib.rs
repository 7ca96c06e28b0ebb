//! vidmsg's load and search benchmark, driven by `scripts/bench-load` (a command that prints
//! tables, never a test). Two binaries:
//!
//! * `bench-load` talks to a running server over HTTP only, as clients would: `setup` makes a
//!   small team (users, spaces, threads, video messages) through the API; `load` runs many
//!   concurrent clients listing threads, searching and uploading; `search` times a fixed query
//!   mix through the API beside the server's own search query run directly on the database
//!   (the floor: the same SQL, without HTTP, auth and JSON).
//! * `seed-segments` inserts transcript segments straight into the database (SQLite's FTS5
//!   triggers or PostgreSQL's generated tsvector index them), attached to the messages `setup`
//!   made, so search runs at scale with real visibility joins.
//!
//! Segment text is drawn from real English word frequencies ([`words`], data from wordfreq,
//! CC BY-SA 4.0, see `bench/data/README.md`). Depends on the API client and, for the floor
//! and the query syntax, on the server library; nothing depends on this crate.

pub mod floor;
pub mod load;
pub mod queries;
pub mod scale;
pub mod seed;
pub mod setup;
pub mod state;
pub mod stats;
pub mod upload;
pub mod words;
