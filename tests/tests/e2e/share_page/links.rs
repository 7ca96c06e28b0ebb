//! Share links in the browser: a private page tells a signed-out browser nothing, a shared one
//! opens without an account until it is revoked or expires, a link password is asked for, and
//! only shared pages carry unfurl tags and answer oEmbed.

use std::time::Duration;

use vidmsg_api::SetThreadLink;
use vidmsg_tests::TestServer;
use vidmsg_tests::browser::Browser;

use super::{PASSWORD, WAIT, person, recording};

#[tokio::test]
async fn share_links_open_signed_out_until_revoked_or_expired_and_ask_their_password()
-> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = person(&srv, "alice").await?;
    let secret = "Acquisition of Initech";
    let m = recording(&alice, "Board only", &[], secret, false).await?;
    let base = srv.base_url();
    let b = Browser::start().await?;
    let leaks = |html: &str| html.contains(secret) || html.contains("Board only");

    // Private: the sign-in page, and nothing about the message.
    b.goto(&format!("{base}/v/{}", m.id)).await?;
    assert!(
        b.path().await?.starts_with("/signin"),
        "{}",
        b.path().await?
    );
    assert_eq!(b.client.title().await?, "Sign in · vidmsg");
    assert!(
        !leaks(&b.html().await?),
        "the sign-in page names the message"
    );

    // Shared by link: opens signed out, watch only.
    let link = alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: true,
                password: None,
                expires_at: None,
            },
        )
        .await?;
    let url = link.url.clone().expect("the link's URL");
    assert!(url.starts_with(&format!("{base}/v/{}?k=", m.id)), "{url}");
    b.goto(&url).await?;
    assert_eq!(
        b.string("document.querySelector('h1').textContent").await?,
        secret
    );
    b.wait_until(
        "document.getElementById('video').readyState >= 1",
        WAIT,
        "the video loads",
    )
    .await?;
    assert!(
        b.js("return document.getElementById('comment-form') === null;")
            .await?
            .as_bool()
            == Some(true)
    );

    // Revoked: dead at once.
    alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: false,
                password: None,
                expires_at: None,
            },
        )
        .await?;
    b.goto(&url).await?;
    let html = b.html().await?;
    assert!(html.contains("This link no longer works"), "{html}");
    assert!(!leaks(&html));

    // Expired: works until its time, then dead.
    let expires = vidmsg_server::db::now_ms() + 2_000;
    let link = alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: true,
                password: None,
                expires_at: Some(expires),
            },
        )
        .await?;
    let url = link.url.clone().expect("the link's URL");
    b.goto(&url).await?;
    assert_eq!(
        b.string("document.querySelector('h1').textContent").await?,
        secret
    );
    let deadline = std::time::Instant::now() + WAIT;
    while !alice.thread_link(m.thread_id).await?.expired {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the link never expired"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    b.goto(&url).await?;
    let html = b.html().await?;
    assert!(html.contains("This link no longer works"), "{html}");
    assert!(!leaks(&html));

    // With a password: asked for, a wrong one refused, the right one opens.
    let link = alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: true,
                password: Some("open sesame 42".into()),
                expires_at: None,
            },
        )
        .await?;
    let url = link.url.clone().expect("the link's URL");
    b.goto(&url).await?;
    let html = b.html().await?;
    assert!(html.contains("This video is protected"), "{html}");
    assert!(!leaks(&html));
    b.screenshot("password-page").await?;
    b.type_into("input[name=password]", "open sesame 41")
        .await?;
    b.click("form[action$='/unlock'] button[type=submit]")
        .await?;
    b.wait_until(
        "document.querySelector('.error')?.textContent.includes('not right')",
        WAIT,
        "the wrong password is refused",
    )
    .await?;
    assert!(!leaks(&b.html().await?));
    b.type_into("input[name=password]", "open sesame 42")
        .await?;
    b.click("form[action$='/unlock'] button[type=submit]")
        .await?;
    b.wait_until(
        &format!("location.pathname === '/v/{}' && document.querySelector('h1')?.textContent === '{secret}'", m.id),
        WAIT,
        "the right password opens the page",
    )
    .await?;
    b.wait_until(
        "document.getElementById('video').readyState >= 1",
        WAIT,
        "the video loads",
    )
    .await?;
    Ok(())
}

/// The `content` of `<meta property|name=…>`, or `null`.
fn meta(key: &str) -> String {
    format!(
        "(document.querySelector('meta[property=\"{key}\"], meta[name=\"{key}\"]')?.content ?? null)"
    )
}

#[tokio::test]
async fn oembed_and_open_graph_describe_only_shared_pages() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = person(&srv, "alice").await?;
    let shared = recording(&alice, "Demo", &[], "Launch demo", false).await?;
    let private = recording(&alice, "Internal", &[], "Layoff plan", false).await?;
    let link = alice
        .set_thread_link(
            shared.thread_id,
            &SetThreadLink {
                enabled: true,
                password: None,
                expires_at: None,
            },
        )
        .await?;
    let url = link.url.clone().expect("the link's URL");
    let key = link.key.clone().expect("the link's key");
    let base = srv.base_url();

    // oEmbed: a video whose HTML is an iframe of the embed page.
    let http = reqwest::Client::new();
    let o: serde_json::Value = http
        .get(format!("{base}/api/oembed"))
        .query(&[("url", url.as_str())])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(o["type"], "video");
    assert_eq!(o["version"], "1.0");
    assert_eq!(o["title"], "Launch demo");
    assert_eq!(o["author_name"], "alice");
    let (w, h) = (o["width"].as_u64(), o["height"].as_u64());
    assert!(w.is_some_and(|w| w > 0) && h.is_some_and(|h| h > 0), "{o}");
    let html = o["html"].as_str().expect("html");
    let embed = format!("{base}/embed/{}?k={key}", shared.id);
    assert!(
        html.starts_with("<iframe") && html.contains(&format!("src=\"{embed}\"")),
        "{html}"
    );
    let private_url = format!("{base}/v/{}", private.id);
    let r = http
        .get(format!("{base}/api/oembed"))
        .query(&[("url", private_url.as_str())])
        .send()
        .await?;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(!r.text().await?.contains("Layoff"));

    // The embed page plays the video.
    let b = Browser::start().await?;
    b.goto(&embed).await?;
    b.wait_until(
        "document.getElementById('video')?.readyState >= 1",
        WAIT,
        "the embed plays",
    )
    .await?;

    // The shared page, signed out, carries the card tags.
    b.goto(&url).await?;
    assert_eq!(
        b.js(&format!("return {};", meta("og:title"))).await?,
        "Launch demo"
    );
    let description = b.string(&meta("og:description")).await?;
    assert!(!description.is_empty());
    let og_video = b.string(&meta("og:video")).await?;
    assert!(og_video.starts_with("http"), "og:video {og_video}");
    assert_eq!(
        b.js(&format!("return {};", meta("twitter:card"))).await?,
        "player"
    );
    b.screenshot("shared-page").await?;

    // A private page carries none, signed out (sign-in page) or signed in as its viewer.
    b.goto(&private_url).await?;
    let none =
        "document.querySelector('meta[property^=\"og:\"], meta[name^=\"twitter:\"]') === null";
    assert_eq!(b.js(&format!("return {none};")).await?, true);
    b.submit_sign_in("alice", PASSWORD).await?;
    b.wait_until(
        &format!("location.pathname === '/v/{}'", private.id),
        WAIT,
        "the private page",
    )
    .await?;
    assert_eq!(
        b.string("document.querySelector('h1').textContent").await?,
        "Layoff plan"
    );
    assert_eq!(
        b.js(&format!("return {none};")).await?,
        true,
        "no card on a private page"
    );
    Ok(())
}
