//! Fixing a wrong word from the web page (#14): the author, signed in, edits a really transcribed
//! line through the page's controls (a field per line, Enter to the next, Escape cancels), a
//! refused save shows the API's message and keeps the edits, a good one changes the transcript,
//! search and the captions without a reload and marks the transcript edited; the page's Restore
//! button brings the machine text back. Another member, and a share-link viewer, get no controls
//! (and the API refuses them).

use fantoccini::Locator;
use vidmsg_api::{Client, EditTranscript, EditedSegment, SetThreadLink};
use vidmsg_tests::TestServer;
use vidmsg_tests::browser::Browser;
use vidmsg_tests::speech::words;

use super::{PASSWORD, WAIT, person, recording};
use crate::assert_api_err;
use crate::transcript_edits::hits;

/// Not said in the clip: what the author corrects a word to.
const NEW_WORD: &str = "zeppelin";
const ENTER: char = '\u{E007}';
const ESCAPE: char = '\u{E00C}';

/// The text of each transcript line the page shows.
fn shown_lines() -> &'static str {
    "[...document.querySelectorAll('#transcript .said')].map(s => s.textContent)"
}

/// The page's transcript lines, as JSON strings.
async fn lines(b: &Browser) -> anyhow::Result<Vec<String>> {
    let v = b.js(&format!("return {};", shown_lines())).await?;
    Ok(serde_json::from_value(v)?)
}

/// True (as a JS expression) when element `id` is shown.
fn shown(id: &str) -> String {
    format!("(document.getElementById('{id}') !== null && !document.getElementById('{id}').hidden)")
}

/// Replaces the text of editor field `n` (1-based) with `text`, as a person would.
async fn retype(b: &Browser, n: usize, text: &str) -> anyhow::Result<()> {
    let css = format!("#transcript-fields li:nth-child({n}) textarea");
    let el = b.client.find(Locator::Css(&css)).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

/// The captions' cue texts as the page's player holds them, joined by `|`, once it has cues.
fn cue_texts() -> &'static str {
    "[...(document.getElementById('video').textTracks[0]?.cues ?? [])].map(c => c.text).join('|')"
}

#[tokio::test]
async fn the_author_fixes_a_word_on_the_page_and_restores_the_machine_transcript()
-> anyhow::Result<()> {
    let srv = TestServer::spawn_transcribing().await?;
    let alice = person(&srv, "alice").await?;
    let bob = person(&srv, "bob").await?;
    let m = recording(&alice, "Ops", &["bob"], "Storage review", true).await?;
    let machine = alice.transcript(m.id).await?;
    assert!(!machine.edited);
    let texts: Vec<String> = machine.segments.iter().map(|s| s.text.clone()).collect();
    assert!(texts.len() >= 3, "transcript {texts:?}");
    // The "wrong word": a word of five letters or more said once in the whole transcript.
    let all: Vec<String> = texts.iter().flat_map(|t| words(t)).collect();
    let (i, old_word) = texts
        .iter()
        .enumerate()
        .flat_map(|(i, t)| words(t).into_iter().map(move |w| (i, w)))
        .find(|(_, w)| {
            w.len() >= 5
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && all.iter().filter(|x| *x == w).count() == 1
        })
        .ok_or_else(|| anyhow::anyhow!("no distinct long word in {texts:?}"))?;
    let at = texts[i]
        .to_lowercase()
        .find(&old_word)
        .ok_or_else(|| anyhow::anyhow!("{old_word} in {:?}", texts[i]))?;
    let mut fixed = texts[i].clone();
    fixed.replace_range(at..at + old_word.len(), NEW_WORD);
    assert!(hits(&alice, &old_word).await?.contains(&m.id));
    assert!(hits(&alice, NEW_WORD).await?.is_empty());
    let base = srv.base_url();
    let page = format!("/v/{}", m.id);

    let a = Browser::start().await?;
    a.sign_in(base, "alice", PASSWORD, &page).await?;
    a.wait_until(&shown("edit-transcript"), WAIT, "the edit control")
        .await?;
    assert_eq!(lines(&a).await?, texts);
    assert!(
        a.js(&format!(
            "return !{} && !{};",
            shown("transcript-edited"),
            shown("restore-transcript")
        ))
        .await?
            == serde_json::Value::Bool(true),
        "no Edited mark nor Restore before an edit"
    );
    a.js("window.sameDocument = true; return null;").await?;

    // Escape cancels: the lines stay as they were, nothing is sent.
    a.click("#edit-transcript").await?;
    a.wait_until(&shown("transcript-editor"), WAIT, "the editor")
        .await?;
    retype(&a, 1, "Thrown away").await?;
    a.press(ESCAPE).await?;
    a.wait_until(
        &format!("!{} && {}", shown("transcript-editor"), shown("transcript")),
        WAIT,
        "Escape closes the editor",
    )
    .await?;
    assert_eq!(lines(&a).await?, texts);
    assert!(!alice.transcript(m.id).await?.edited);

    // Editing: one field per line with its time, holding the line's text; Enter moves on.
    a.click("#edit-transcript").await?;
    a.wait_until(&shown("transcript-editor"), WAIT, "the editor")
        .await?;
    let values: Vec<String> = serde_json::from_value(
        a.js(
            "return [...document.querySelectorAll('#transcript-fields textarea')].map(i => i.value);",
        )
        .await?,
    )?;
    assert_eq!(values, texts);
    let clocks: Vec<String> = serde_json::from_value(
        a.js("return [...document.querySelectorAll('#transcript-fields .at')].map(s => s.textContent);")
            .await?,
    )?;
    let wanted: Vec<String> = machine
        .segments
        .iter()
        .map(|s| format!("{}:{:02}", s.start_ms / 60_000, s.start_ms / 1000 % 60))
        .collect();
    assert_eq!(clocks, wanted, "each field keeps its line's time");
    assert_eq!(
        a.string("document.activeElement.getAttribute('aria-label')")
            .await?,
        format!("Line at {}", clocks[0])
    );
    a.press(ENTER).await?;
    assert_eq!(
        a.string("document.activeElement.getAttribute('aria-label')")
            .await?,
        format!("Line at {}", clocks[1]),
        "Enter moves to the next line"
    );
    assert_eq!(
        a.string("document.querySelector('#transcript-fields textarea').value")
            .await?,
        texts[0],
        "Enter adds no line break"
    );
    retype(&a, i + 1, &fixed).await?;

    // A refused save (another line emptied) shows the API's message and keeps every edit.
    let empty = if i == 0 { 1 } else { 0 };
    retype(&a, empty + 1, " ").await?;
    a.click("#save-transcript").await?;
    a.wait_until(&shown("transcript-error"), WAIT, "the refusal")
        .await?;
    let shown_error = a
        .string("document.getElementById('transcript-error').textContent")
        .await?;
    let mut refused: Vec<EditedSegment> = machine
        .segments
        .iter()
        .map(|s| EditedSegment {
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            text: s.text.clone(),
        })
        .collect();
    refused[i].text = fixed.clone();
    refused[empty].text = " ".into();
    match alice
        .edit_transcript(m.id, &EditTranscript { segments: refused })
        .await
    {
        Err(vidmsg_api::ClientError::Api { status: 422, body }) => {
            assert_eq!(
                shown_error, body.message,
                "the page shows the API's message"
            )
        }
        other => panic!("an empty line is refused: {other:?}"),
    }
    assert_eq!(
        a.string(&format!(
            "document.querySelector('#transcript-fields li:nth-child({}) textarea').value",
            i + 1
        ))
        .await?,
        fixed,
        "the edit is kept"
    );
    assert!(!alice.transcript(m.id).await?.edited, "nothing changed yet");
    retype(&a, empty + 1, &texts[empty]).await?;
    a.js("window.scrollTo(0, 0); return null;").await?;
    a.screenshot("transcript-editing").await?;

    // Save: the transcript, search and the page's lines and captions follow; no reload.
    a.click("#save-transcript").await?;
    a.wait_until(
        &format!(
            "!{} && {}",
            shown("transcript-editor"),
            shown("transcript-edited")
        ),
        WAIT,
        "the edited transcript on the page",
    )
    .await?;
    let mut expected = texts.clone();
    expected[i] = fixed.clone();
    assert_eq!(lines(&a).await?, expected);
    assert!(
        a.js(&format!("return {};", shown("restore-transcript")))
            .await?
            == serde_json::Value::Bool(true),
        "Restore appears"
    );
    assert!(
        a.js("return document.getElementById('transcript-error').hidden;")
            .await?
            == serde_json::Value::Bool(true),
        "the refusal is gone"
    );
    a.wait_until(
        &format!("{}.includes('{NEW_WORD}')", cue_texts()),
        WAIT,
        "the captions carry the new word",
    )
    .await?;
    assert!(
        !a.string(cue_texts())
            .await?
            .to_lowercase()
            .contains(&old_word),
        "the captions lost the old word"
    );
    assert_eq!(
        a.js("return window.sameDocument === true;").await?,
        serde_json::Value::Bool(true),
        "the page was not reloaded"
    );
    let edited = alice.transcript(m.id).await?;
    assert!(edited.edited && edited.edited_by.as_deref() == Some("alice"));
    assert_eq!(
        edited
            .segments
            .iter()
            .map(|s| s.text.clone())
            .collect::<Vec<_>>(),
        expected
    );
    assert!(hits(&alice, NEW_WORD).await?.contains(&m.id));
    assert!(!hits(&alice, &old_word).await?.contains(&m.id));
    a.screenshot("transcript-edited").await?;

    // Bob, a member but not the author: the Edited mark, no controls; the API refuses him.
    let b = Browser::start().await?;
    b.sign_in(base, "bob", PASSWORD, &page).await?;
    assert_eq!(lines(&b).await?, expected);
    assert!(
        b.js(&format!(
            "return {} && document.getElementById('edit-transcript') === null \
             && document.getElementById('restore-transcript') === null \
             && document.getElementById('transcript-editor') === null;",
            shown("transcript-edited")
        ))
        .await?
            == serde_json::Value::Bool(true),
        "bob sees the mark and no controls"
    );
    assert_api_err(bob.restore_transcript(m.id).await, 403, "forbidden");

    // A share link's viewer, signed out: no controls either; the API asks for a session.
    let link = alice
        .set_thread_link(
            m.thread_id,
            &SetThreadLink {
                enabled: true,
                ..Default::default()
            },
        )
        .await?;
    let c = Browser::start().await?;
    c.goto(&link.url.ok_or_else(|| anyhow::anyhow!("no shared URL"))?)
        .await?;
    c.wait_until(
        "document.getElementById('transcript') !== null",
        WAIT,
        "the shared page",
    )
    .await?;
    assert_eq!(lines(&c).await?, expected);
    assert!(
        c.js(
            "return document.getElementById('edit-transcript') === null \
              && document.getElementById('transcript-editor') === null;"
        )
        .await?
            == serde_json::Value::Bool(true),
        "a share-link viewer gets no controls"
    );
    let anonymous = Client::new(base, None)?;
    assert_api_err(
        anonymous.restore_transcript(m.id).await,
        401,
        "unauthorized",
    );

    // Restore from the page asks first (it discards every correction): keeping them changes
    // nothing; confirming brings the machine text back, in the API, search and the captions.
    a.click("#restore-transcript").await?;
    assert!(
        a.js(&format!(
            "return {} && !{} && {};",
            shown("restore-confirm"),
            shown("transcript-tools"),
            shown("transcript-edited")
        ))
        .await?
            == serde_json::Value::Bool(true),
        "Restore asks first"
    );
    a.screenshot("transcript-restore-asks").await?;
    a.click("#restore-no").await?;
    assert!(
        a.js(&format!(
            "return !{} && {} && {} && {};",
            shown("restore-confirm"),
            shown("transcript-tools"),
            shown("restore-transcript"),
            shown("transcript-edited")
        ))
        .await?
            == serde_json::Value::Bool(true),
        "keeping the corrections changes nothing"
    );
    assert!(
        alice.transcript(m.id).await?.edited,
        "still edited after Keep"
    );
    a.click("#restore-transcript").await?;
    a.click("#restore-yes").await?;
    a.wait_until(
        &format!("!{}", shown("transcript-edited")),
        WAIT,
        "the machine transcript on the page",
    )
    .await?;
    assert_eq!(lines(&a).await?, texts);
    assert!(
        a.js(&format!(
            "return !{} && {};",
            shown("restore-transcript"),
            shown("edit-transcript")
        ))
        .await?
            == serde_json::Value::Bool(true),
        "Restore goes, Edit stays"
    );
    a.wait_until(
        &format!(
            "(t => t.toLowerCase().includes('{old_word}') && !t.includes('{NEW_WORD}'))({})",
            cue_texts()
        ),
        WAIT,
        "the captions say the old word again",
    )
    .await?;
    let restored = alice.transcript(m.id).await?;
    assert!(!restored.edited);
    assert_eq!(
        restored
            .segments
            .iter()
            .map(|s| s.text.clone())
            .collect::<Vec<_>>(),
        texts
    );
    assert!(hits(&alice, &old_word).await?.contains(&m.id));
    assert!(hits(&alice, NEW_WORD).await?.is_empty());
    Ok(())
}
