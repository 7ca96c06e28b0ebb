//! What the server promises a hostile world (issue #9), one module per area. Each test here was
//! written to fail on the code before the fix.
//!
//! - `media`: uploaded media is only ever media; decoding is a fixed pipeline (no playlist or
//!   manifest demuxers) in a child process with time and memory limits; damaged clips fail with a
//!   human reason; a store outage is retried, not failed.
//! - `uploads`: ids and URLs never point at someone else's data (ids never reused, random object
//!   keys, objects deleted with their message, short-lived playback URLs); `complete` accepts only
//!   MP4/WebM; storage is bounded (part, message and quota caps); served media types are exact,
//!   with `nosniff` and `Content-Disposition`.
//! - `upload_recovery`: a crash or a full disk mid-`complete` loses nothing; a lost upload is
//!   reopened and sent again; the janitor removes abandoned and orphaned data.
//! - `accounts`: revoked tokens end event streams; streams per user are capped; members are
//!   managed by the thread's creator or an admin; re-transcription by the author or an admin;
//!   failed sign-ins are rate limited; the data dir is private; tokens never on the command line;
//!   model downloads are pinned and hashed; `since_ms` and other numbers cannot overflow.
//!
//! What held in the review and must keep holding is tested elsewhere: non-members get 404
//! (`authz`), FTS input is neutralised and SQL parameterised (`transcription`), body limits and
//! forged S3 requests (`bad_input`, `uploads`), kill -9 mid-part and mid-transcription (`upload_recovery`,
//! `transcription`).

/// Playlists refused without fetching, damaged clips fail in words, hung decoders killed, store
/// outages retried.
mod media;

/// Sessions end with their token, streams per user capped, members managed by creator or admin,
/// re-transcription by author or admin, failed sign-ins throttled, data dir private, no tokens
/// in argv, dying jobs fail for good, `since_ms` cannot overflow.
mod accounts;
/// Crash- and disk-full-safe assembly, lost uploads sent again, the janitor.
mod upload_recovery;
/// Only MP4/WebM accepted, ids and URLs never reach other data, bounded storage, exact served
/// types.
mod uploads;
