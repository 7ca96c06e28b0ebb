//! The library at `/` follows the event feed: bob has it open; alice writes in a thread they
//! share, and it moves to the top with its unread count; she starts a new thread with him, and
//! it appears — all without a reload, the rows that did not change kept as they were.

use vidmsg_api::{Client, CreateThread, Thread};
use vidmsg_tests::TestServer;
use vidmsg_tests::browser::Browser;

use super::{PASSWORD, WAIT, person};
use crate::threads_and_messages::text;

/// A thread `title` with bob, opened by alice with one text message.
async fn thread_with_bob(alice: &Client, title: &str, body: &str) -> anyhow::Result<Thread> {
    let t = alice
        .create_thread(&CreateThread {
            title: title.into(),
            members: vec!["bob".into()],
        })
        .await?;
    alice.create_message(t.id, &text(body, None)).await?;
    Ok(t)
}

/// The rows' titles, top first, as the page shows them now.
const TITLES: &str = "[...document.querySelectorAll('#threads li[data-thread] > :is(a, span):not(.thumb):not(.muted):not(.badge)')]\
    .map(e => e.textContent).join('|')";

/// The unread badge of the row of thread `id` (empty when none).
fn badge(id: i64) -> String {
    format!("document.querySelector('#threads li[data-thread=\"{id}\"] .badge')?.textContent ?? ''")
}

#[tokio::test]
async fn the_library_shows_new_activity_live() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = person(&srv, "alice").await?;
    person(&srv, "bob").await?;
    let budget = thread_with_bob(&alice, "Budget", "Numbers for Q3 attached").await?;
    let roadmap = thread_with_bob(&alice, "Roadmap", "Draft for next year").await?;
    let base = srv.base_url();

    // The list is there before any script ran (first paint without JavaScript).
    let b = Browser::start().await?;
    b.sign_in(base, "bob", PASSWORD, "/").await?;
    assert_eq!(b.string(TITLES).await?, "Roadmap|Budget");
    assert_eq!(b.string(&badge(budget.id)).await?, "1 new");
    assert_eq!(
        b.js("return document.getElementById('library-threads').dataset.refreshed ?? null;")
            .await?,
        serde_json::Value::Null,
        "the first list is the server's"
    );
    b.wait_until(
        "document.getElementById('library-threads').dataset.live === 'true'",
        WAIT,
        "bob's library follows the event feed",
    )
    .await?;
    // Marks that vanish on a reload, or when a row is drawn anew (a property of the element,
    // not an attribute: the row stays equal to the server's).
    b.js(&format!(
        "window.sameDocument = true; \
         document.querySelector('#threads li[data-thread=\"{}\"]').kept = 'yes'; \
         return null;",
        roadmap.id
    ))
    .await?;

    // New activity in an older thread: it moves to the top, two unread now.
    alice
        .create_message(budget.id, &text("Updated the totals", None))
        .await?;
    b.wait_until(
        &format!(
            "{TITLES} === 'Budget|Roadmap' && ({}) === '2 new'",
            badge(budget.id)
        ),
        WAIT,
        "the thread with new activity on top with its unread count",
    )
    .await?;

    // A new thread appears on top.
    let launch = thread_with_bob(&alice, "Launch day", "Can you host the call?").await?;
    b.wait_until(
        &format!(
            "{TITLES} === 'Launch day|Budget|Roadmap' && ({}) === '1 new'",
            badge(launch.id)
        ),
        WAIT,
        "the new thread in bob's library",
    )
    .await?;
    assert_eq!(
        b.js("return window.sameDocument === true;").await?,
        serde_json::Value::Bool(true),
        "bob's page was not reloaded"
    );
    assert_eq!(
        b.string(&format!(
            "document.querySelector('#threads li[data-thread=\"{}\"]').kept ?? 'redrawn'",
            roadmap.id
        ))
        .await?,
        "yes",
        "the row that did not change kept its element"
    );
    b.screenshot("library-live").await?;

    // The list alone, as the script fetches it: only for a signed-in browser, and only that part.
    let http = reqwest::Client::new();
    let r = http.get(format!("{base}/?partial=threads")).send().await?;
    assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
    let r = http.get(format!("{base}/?partial=page")).send().await?;
    assert_eq!(r.status(), reqwest::StatusCode::BAD_REQUEST);
    Ok(())
}
