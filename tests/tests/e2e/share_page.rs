//! The web pages in a real browser: Debian's Chromium (and Firefox ESR), headless, over
//! WebDriver. A recording plays with its captions, the transcript seeks, a search hit lands at
//! its second, a comment appears live in another browser, the library follows new activity, a
//! share link opens (and dies) as it should, and unfurl cards and oEmbed describe only what is
//! shared. Screenshots go to `TARGET_DIR/screenshots/`.

use std::time::Duration;

use vidmsg_api::{Client, CreateThread, Message};
use vidmsg_tests::TestServer;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::upload_all;

use crate::threads_and_messages::video;

mod editing;
mod library;
mod links;
mod refresh;
mod watching;

const PASSWORD: &str = "correct horse battery";
const WAIT: Duration = Duration::from_secs(20);

/// A short spoken update: distinct words in each sentence, so a search names one line.
const SENTENCES: [&str; 5] = [
    "Welcome to the quarterly review of the storage cluster.",
    "The database migration finished on Tuesday without any downtime.",
    "Our biggest risk is the old network switch in the basement.",
    "Please watch the dashboard and report every alarm you see.",
    "Thanks everyone, see you next week.",
];

/// A user with a password (to sign in through the form) and an API client for it.
async fn person(srv: &TestServer, name: &str) -> anyhow::Result<Client> {
    let token =
        vidmsg_server::admin::add_user_with_password(srv.running.db(), name, false, PASSWORD)
            .await?;
    Ok(Client::new(srv.base_url(), Some(token))?)
}

/// A thread `title` with `members`, and a spoken recording in it, uploaded; waits until the
/// server transcribed it when `transcribed`.
async fn recording(
    author: &Client,
    thread: &str,
    members: &[&str],
    title: &str,
    transcribed: bool,
) -> anyhow::Result<Message> {
    let dir = tempfile::tempdir()?;
    let sentences: &[&str] = if transcribed {
        &SENTENCES
    } else {
        &SENTENCES[..1]
    };
    let clip = make_clip(dir.path(), "page", sentences, 600, 900)?;
    let t = author
        .create_thread(&CreateThread {
            title: thread.into(),
            members: members.iter().map(|m| m.to_string()).collect(),
        })
        .await?;
    let m = author.create_message(t.id, &video(title)).await?;
    upload_all(author, m.id, &std::fs::read(&clip.path)?).await?;
    let m = if transcribed {
        TestServer::wait_ready(author, m.id, Duration::from_secs(240)).await?
    } else {
        author.get_message(m.id).await?
    };
    Ok(m)
}
