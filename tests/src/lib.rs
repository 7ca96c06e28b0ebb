//! Harness of the end-to-end tests: each test spawns the real server (embedded S3 endpoint,
//! SQLite file, or a fresh PostgreSQL database when `VIDMSG_TEST_POSTGRES` is set: see
//! [`database`]) on a free loopback port in a temporary data dir, signs users in through the real
//! account code, and drives everything through the `vidmsg-api` client and plain HTTP. Nothing
//! depends on this crate; it may depend on every other one.

pub mod avsync;
pub mod browser;
pub mod cluster;
pub mod database;
pub mod desktop;
pub mod garage;
pub mod hostile;
pub mod loopback;
pub mod media;
pub mod model;
pub mod notifications_daemon;
pub mod proxy;
pub mod recorder;
pub mod screen;
pub mod server;
pub mod speech;
pub mod stall_proxy;
pub mod upload;
pub mod word_onsets;

pub use server::TestServer;
