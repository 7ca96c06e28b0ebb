//! Watching in the browser: a signed-in viewer plays a recording with its captions and keys
//! (in Chromium and in Firefox), the view is recorded, the transcript seeks, a search hit opens
//! the page at its second, and a comment posted in one browser appears live in another.

use std::time::Instant;

use vidmsg_tests::TestServer;
use vidmsg_tests::browser::{Browser, Kind};

use super::{PASSWORD, WAIT, person, recording};

#[tokio::test]
async fn a_signed_in_viewer_watches_with_captions_and_the_transcript_seeks() -> anyhow::Result<()> {
    watch_with_captions_and_seek(Kind::Chromium).await
}

#[tokio::test]
async fn firefox_plays_the_page_with_captions_and_the_transcript_seeks() -> anyhow::Result<()> {
    watch_with_captions_and_seek(Kind::Firefox).await
}

/// The same steps in either browser: sign in from the page, play (keys), captions with one cue
/// per transcript line, speed, the view recorded through the API, a transcript line seeks,
/// and a phone-width window.
async fn watch_with_captions_and_seek(kind: Kind) -> anyhow::Result<()> {
    // Screenshots: Chromium's keep their names, Firefox's say so.
    let shot = |name: &str| match kind {
        Kind::Chromium => name.to_string(),
        Kind::Firefox => format!("{name}-firefox"),
    };
    let srv = TestServer::spawn_transcribing().await?;
    let alice = person(&srv, "alice").await?;
    let m = recording(&alice, "Ops", &[], "Storage review", true).await?;
    let segments = alice.transcript(m.id).await?.segments;
    assert!(segments.len() >= 3, "transcript {segments:?}");
    let base = srv.base_url();

    // Signed out, the message's page sends the browser to sign in, and back.
    let b = Browser::start_kind(kind).await?;
    b.goto(&format!("{base}/v/{}", m.id)).await?;
    assert!(
        b.path().await?.starts_with("/signin"),
        "{}",
        b.path().await?
    );
    b.submit_sign_in("alice", PASSWORD).await?;
    b.wait_until(
        &format!("location.pathname === '/v/{}'", m.id),
        WAIT,
        "back on the page",
    )
    .await?;
    assert_eq!(
        b.string("document.querySelector('h1').textContent").await?,
        "Storage review"
    );

    // The recording plays: the Space key starts it and the position moves on.
    b.wait_until(
        "document.getElementById('video').readyState >= 1",
        WAIT,
        "metadata",
    )
    .await?;
    assert!(
        alice.list_views(m.id).await?.is_empty(),
        "no view before playing"
    );
    b.press(' ').await?;
    b.wait_until("!document.getElementById('video').paused", WAIT, "playing")
        .await?;
    let t0 = b
        .number("document.getElementById('video').currentTime")
        .await?;
    b.wait_until(
        &format!("document.getElementById('video').currentTime > {t0} + 1.0"),
        WAIT,
        "currentTime advances",
    )
    .await?;

    // Watching is recorded (the page reports every 5 s while playing): the message's views, as
    // the API lists them, go from none to alice's, with how far she got.
    let deadline = Instant::now() + WAIT;
    let views = loop {
        let views = alice.list_views(m.id).await?;
        if !views.is_empty() || Instant::now() >= deadline {
            break views;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert_eq!(views.len(), 1, "views after playing: {views:?}");
    assert!(
        views[0].user == "alice" && views[0].watched_ms >= 1000,
        "{views:?}"
    );

    // The captions track is on and holds one cue per transcript line.
    b.wait_until(
        "(document.getElementById('video').textTracks[0]?.cues?.length ?? 0) > 0",
        WAIT,
        "caption cues",
    )
    .await?;
    assert_eq!(
        b.string("document.getElementById('video').textTracks[0].mode")
            .await?,
        "showing"
    );
    let cues = b
        .number("document.getElementById('video').textTracks[0].cues.length")
        .await?;
    let lines = b
        .number("document.querySelectorAll('#transcript button[data-seek-ms]').length")
        .await?;
    assert_eq!(
        (cues as usize, lines as usize),
        (segments.len(), segments.len())
    );
    b.screenshot(&shot("watch-page")).await?;

    // The captions button and the C key turn them off and on; the speed menu sets the rate.
    let mode = "document.getElementById('video').textTracks[0].mode";
    b.click("#cc").await?;
    assert_eq!(b.string(mode).await?, "hidden");
    assert_eq!(
        b.string("document.getElementById('cc').textContent")
            .await?,
        "Captions off"
    );
    b.press('c').await?;
    assert_eq!(b.string(mode).await?, "showing");
    let speed = b.client.find(fantoccini::Locator::Css("#speed")).await?;
    for (value, rate) in [("2", 2.0), ("1", 1.0)] {
        speed.select_by_value(value).await?;
        let now = b
            .number("document.getElementById('video').playbackRate")
            .await?;
        assert_eq!(now, rate, "speed {value}");
    }
    // Keys work again once the focus leaves the menu (they are ignored while it has it).
    b.js("document.activeElement.blur(); return null;").await?;

    // Clicking a transcript line seeks there (and that line becomes the current one).
    b.press('k').await?;
    b.wait_until("document.getElementById('video').paused", WAIT, "paused")
        .await?;
    // Where each seek goes (`seeking`: the position asked for, before playback moves on) and
    // how many completed (`seeked`). Names are spelled `window.…`: Firefox runs WebDriver
    // scripts in a sandbox where a bare global assigned later lands in the sandbox, not the page.
    b.js(
        "window.seeks = []; window.seeked = 0; const v = document.getElementById('video'); \
          v.addEventListener('seeking', () => window.seeks.push(v.currentTime)); \
          v.addEventListener('seeked', () => { window.seeked += 1; }); return null;",
    )
    .await?;
    let line = &segments[2];
    b.click("#transcript li:nth-child(3) button").await?;
    b.wait_until("window.seeked > 0", WAIT, "seeked").await?;
    let landed = b.number("window.seeks[0]").await?;
    let wanted = line.start_ms as f64 / 1000.0;
    assert!(
        (landed - wanted).abs() <= 0.5,
        "seeked to {landed} s, the line starts at {wanted} s"
    );
    b.wait_until(
        "document.querySelector('#transcript li:nth-child(3) button').classList.contains('now')",
        WAIT,
        "the clicked line is highlighted",
    )
    .await?;

    // A phone-width window: nothing wider than the screen (Chromium gets 390 px; Firefox keeps
    // its windows at least 500 px wide).
    b.client.set_window_size(390, 844).await?;
    b.wait_until("window.innerWidth <= 500", WAIT, "a narrow window")
        .await?;
    let (scroll, inner) = (
        b.number("document.documentElement.scrollWidth").await?,
        b.number("window.innerWidth").await?,
    );
    b.screenshot(&shot("watch-page-phone")).await?;
    assert!(
        scroll <= inner,
        "the page is {scroll} px wide in a {inner} px window"
    );
    Ok(())
}

#[tokio::test]
async fn a_search_hit_opens_the_page_at_its_second() -> anyhow::Result<()> {
    let srv = TestServer::spawn_transcribing().await?;
    let alice = person(&srv, "alice").await?;
    let m = recording(&alice, "Ops", &[], "Storage review", true).await?;
    let segments = alice.transcript(m.id).await?.segments;
    // A long word said in exactly one line after the first second: the hit it gives.
    let words = |t: &str| vidmsg_tests::speech::words(t);
    let (word, seg) = segments
        .iter()
        .filter(|s| s.start_ms > 1000)
        .flat_map(|s| words(&s.text).into_iter().map(move |w| (w, s)))
        .find(|(w, _)| {
            w.len() >= 6
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && segments
                    .iter()
                    .filter(|s| words(&s.text).contains(w))
                    .count()
                    == 1
        })
        .expect("a word said once after the first second");
    let base = srv.base_url();

    let b = Browser::start().await?;
    b.sign_in(base, "alice", PASSWORD, "/").await?;
    b.type_into("#q", &word).await?;
    b.click("form.search button[type=submit]").await?;
    b.wait_until("document.getElementById('hits') !== null", WAIT, "results")
        .await?;
    b.screenshot("library-search").await?;
    let marked = b
        .string("document.querySelector('#hits li mark')?.textContent ?? ''")
        .await?;
    assert_eq!(marked.to_lowercase(), word, "the hit highlights the word");
    let href = b
        .string("document.querySelector('#hits li a').getAttribute('href')")
        .await?;
    let t: f64 = href
        .strip_prefix(&format!("/v/{}?t=", m.id))
        .unwrap_or_else(|| panic!("hit links to {href}"))
        .parse()?;
    // The link points at the word (its time from the stored word times), inside its line.
    let said_at = seg
        .words
        .iter()
        .flatten()
        .find(|w| words(&w.text).contains(&word))
        .map_or(seg.start_ms, |w| w.start_ms);
    assert!(
        (t * 1000.0 - said_at as f64).abs() <= 100.0,
        "hit at {t} s, {word:?} said at {said_at} ms (line at {} ms)",
        seg.start_ms
    );
    assert!(
        t * 1000.0 >= seg.start_ms as f64 - 100.0 && t * 1000.0 <= seg.end_ms as f64,
        "hit at {t} s outside its line {}–{} ms",
        seg.start_ms,
        seg.end_ms
    );
    assert!(t >= 1.0);

    b.click("#hits li a").await?;
    b.wait_until(
        &format!("location.pathname === '/v/{}'", m.id),
        WAIT,
        "the hit's page",
    )
    .await?;
    b.wait_until(
        &format!(
            "document.getElementById('video').readyState >= 1 && \
             Math.abs(document.getElementById('video').currentTime - {t}) <= 1.0"
        ),
        WAIT,
        "starts at the hit's second",
    )
    .await?;
    let at = b
        .number("document.getElementById('video').currentTime")
        .await?;
    assert!((at - t).abs() <= 1.0, "at {at} s, hit at {t} s");
    Ok(())
}

#[tokio::test]
async fn a_comment_appears_live_in_another_browser() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = person(&srv, "alice").await?;
    let bob = person(&srv, "bob").await?;
    let m = recording(&alice, "Review", &["bob"], "Switch plan", false).await?;
    let base = srv.base_url();

    let a = Browser::start().await?;
    let b = Browser::start().await?;
    for (br, name) in [(&a, "alice"), (&b, "bob")] {
        br.sign_in(base, name, PASSWORD, &format!("/v/{}", m.id))
            .await?;
    }
    b.wait_until(
        "document.getElementById('watch').dataset.live === 'true'",
        WAIT,
        "bob's page follows the event feed",
    )
    .await?;
    b.js("window.sameDocument = true; return null;").await?;

    let text = "Replace the basement switch first";
    a.type_into("#comment-text", text).await?;
    a.click("#comment-form button[type=submit]").await?;
    let shown = format!(
        "[...document.querySelectorAll('#comments li[data-comment]')]\
         .some(li => li.textContent.includes('{text}') && li.textContent.includes('alice'))"
    );
    a.wait_until(&shown, WAIT, "the comment in alice's page")
        .await?;
    assert_eq!(
        a.string("document.getElementById('comment-text').value")
            .await?,
        ""
    );
    b.wait_until(&shown, WAIT, "the comment live in bob's page")
        .await?;
    assert_eq!(
        b.js("return window.sameDocument === true;").await?,
        serde_json::Value::Bool(true),
        "bob's page was not reloaded"
    );
    assert!(
        b.number("document.querySelectorAll('#marks .mark.comment').length")
            .await?
            >= 1.0,
        "a mark on bob's timeline"
    );
    let stored = bob.list_comments(m.id).await?;
    assert_eq!(
        stored
            .iter()
            .map(|c| (c.author.as_str(), c.body.as_str()))
            .collect::<Vec<_>>(),
        vec![("alice", text)]
    );

    // Bob reacts and replies from the page (session cookie + CSRF token); both are stored.
    b.click("#react button[data-emoji='👍']").await?;
    b.wait_until(
        "[...document.querySelectorAll('#marks .mark.reaction')].some(m => m.textContent === '👍')",
        WAIT,
        "the reaction on bob's timeline",
    )
    .await?;
    let reactions = alice.list_reactions(m.id).await?;
    assert_eq!(
        reactions
            .iter()
            .map(|r| (r.author.as_str(), r.emoji.as_str()))
            .collect::<Vec<_>>(),
        vec![("bob", "👍")]
    );
    let reply = "Agreed, I will order it today";
    b.type_into("#reply-text", reply).await?;
    b.click("#reply-form button[type=submit]").await?;
    b.wait_until(
        &format!(
            "[...document.querySelectorAll('#thread li[data-message]')]\
             .some(li => li.textContent.includes('{reply}'))"
        ),
        WAIT,
        "the reply in bob's thread",
    )
    .await?;
    let thread = alice
        .list_messages(m.thread_id, &vidmsg_api::PageQuery::default())
        .await?;
    assert!(
        thread.items.iter().any(|r| r.body.as_deref() == Some(reply)
            && r.parent_id == Some(m.id)
            && r.author == "bob"),
        "the reply is stored under the video"
    );
    b.js("document.getElementById('comments').scrollIntoView(); return null;")
        .await?;
    b.screenshot("live-comment").await?;
    Ok(())
}
