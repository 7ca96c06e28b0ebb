//! Media URLs live minutes: a page whose video URL stopped working asks `/v/{id}/media` for a
//! fresh one and plays on — here through a share link, signed out, the URL broken on purpose.

use vidmsg_api::SetThreadLink;
use vidmsg_tests::TestServer;
use vidmsg_tests::browser::Browser;

use super::{WAIT, person, recording};

#[tokio::test]
async fn a_video_url_that_stops_working_is_replaced_and_playback_goes_on() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = person(&srv, "alice").await?;
    let m = recording(&alice, "Refresh", &[], "Fresh URLs", false).await?;
    let link = alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: true,
                ..Default::default()
            },
        )
        .await?;
    let b = Browser::start().await?;
    b.goto(&link.url.expect("a shared URL")).await?;
    b.wait_until(
        "document.getElementById('video').readyState >= 1",
        WAIT,
        "the video's metadata",
    )
    .await?;
    // The URL dies (as an expired presigned URL does): the page fetches a fresh one.
    b.js("window.broken = location.origin + '/vidmsg/expired-url'; \
          document.getElementById('video').src = window.broken; return null;")
        .await?;
    b.wait_until(
        "(() => { const v = document.getElementById('video'); \
           return v.currentSrc !== window.broken && v.currentSrc.includes('X-Amz-Signature') \
             && v.readyState >= 1; })()",
        WAIT,
        "a fresh video URL",
    )
    .await?;
    b.js("document.getElementById('video').play(); return null;")
        .await?;
    b.wait_until(
        "document.getElementById('video').currentTime > 0.5",
        WAIT,
        "playing from the fresh URL",
    )
    .await?;
    Ok(())
}
