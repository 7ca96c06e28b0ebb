//! Fixing a wrong word (#14): the author edits the transcript of a really transcribed clip
//! (espeak-ng speech, the real worker and tiny.en); the transcript, both captions (the API's and
//! the file beside the clip), search and the event feed follow; others are refused; hostile
//! bodies get the documented errors and change nothing; the machine transcript comes back on
//! restore, and a new transcription replaces the edits.

use std::time::Duration;

use reqwest::Method;
use vidmsg_api::{
    Client, CreateThread, EditTranscript, EditedSegment, SearchQuery, ServerEvent, Transcript,
};
use vidmsg_tests::TestServer;
use vidmsg_tests::speech::{make_clip, words};
use vidmsg_tests::upload::upload_all;

use crate::assert_api_err;
use crate::threads_and_messages::video;

const SENTENCES: [&str; 2] = [
    "The quarterly report is ready for review.",
    "Please send your feedback before Friday afternoon.",
];

/// Not said in the clip: what the author corrects a word to.
const NEW_WORD: &str = "zeppelin";

fn editable(t: &Transcript) -> Vec<EditedSegment> {
    t.segments
        .iter()
        .map(|s| EditedSegment {
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            text: s.text.clone(),
        })
        .collect()
}

/// Message ids of the hits for `q`.
pub(crate) async fn hits(client: &Client, q: &str) -> anyhow::Result<Vec<i64>> {
    Ok(client
        .search(&SearchQuery {
            q: q.into(),
            ..Default::default()
        })
        .await?
        .hits
        .into_iter()
        .map(|h| h.message_id)
        .collect())
}

/// A request with a raw JSON body: its status and error code.
async fn raw_put(client: &Client, path: &str, body: Vec<u8>) -> anyhow::Result<(u16, String)> {
    let resp = client
        .request(Method::PUT, path)?
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await?;
    let status = resp.status().as_u16();
    let json: serde_json::Value = resp.json().await.unwrap_or(serde_json::Value::Null);
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error tells what to do: {json}"
    );
    Ok((
        status,
        json["error"].as_str().unwrap_or_default().to_string(),
    ))
}

/// The stored captions file beside the clip.
async fn stored_captions(srv: &TestServer, message: i64) -> anyhow::Result<String> {
    let row = srv
        .running
        .db()
        .message(message)
        .await?
        .ok_or_else(|| anyhow::anyhow!("message {message} is gone"))?;
    let key = row
        .object_key
        .ok_or_else(|| anyhow::anyhow!("no stored video"))?;
    let bytes = srv
        .running
        .store()
        .read_prefix(&vidmsg_server::videos::keys::captions_key(&key), 1 << 20)
        .await?;
    Ok(String::from_utf8(bytes)?)
}

#[tokio::test]
async fn the_author_fixes_a_wrong_word_and_can_restore_the_machine_transcript() -> anyhow::Result<()>
{
    let dir = tempfile::tempdir()?;
    let clip = make_clip(dir.path(), "report", &SENTENCES, 600, 900)?;
    let srv = TestServer::spawn_transcribing().await?;
    let root = srv.user("root").await?; // the first account: an admin
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let carol = srv.user("carol").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Reports".into(),
            members: vec!["bob".into(), "root".into()],
        })
        .await?;
    let msg = alice.create_message(t.id, &video("Quarterly")).await?;
    upload_all(&alice, msg.id, &std::fs::read(&clip.path)?).await?;
    let done = TestServer::wait_ready(&alice, msg.id, Duration::from_secs(180)).await?;

    let machine = alice.transcript(msg.id).await?;
    assert!(!machine.edited && machine.edited_at_ms.is_none() && machine.edited_by.is_none());
    // The "wrong word": a word of five letters or more said once in the whole transcript.
    let all_words: Vec<String> = machine
        .segments
        .iter()
        .flat_map(|s| words(&s.text))
        .collect();
    let (seg_i, old_word) = machine
        .segments
        .iter()
        .enumerate()
        .flat_map(|(i, s)| words(&s.text).into_iter().map(move |w| (i, w)))
        .find(|(_, w)| w.len() >= 5 && all_words.iter().filter(|x| *x == w).count() == 1)
        .ok_or_else(|| anyhow::anyhow!("no distinct long word in {:?}", machine.segments))?;
    assert!(hits(&bob, &old_word).await?.contains(&msg.id));
    assert!(hits(&bob, NEW_WORD).await?.is_empty());

    let mut fixed = editable(&machine);
    let at = fixed[seg_i]
        .text
        .to_lowercase()
        .find(&old_word)
        .ok_or_else(|| anyhow::anyhow!("{old_word} in {:?}", fixed[seg_i].text))?;
    fixed[seg_i]
        .text
        .replace_range(at..at + old_word.len(), NEW_WORD);
    let fixed_text = fixed[seg_i].text.clone();

    // Others may not: a member who is not the author is refused, a stranger sees nothing.
    let body = EditTranscript {
        segments: fixed.clone(),
    };
    assert_api_err(bob.edit_transcript(msg.id, &body).await, 403, "forbidden");
    assert_api_err(carol.edit_transcript(msg.id, &body).await, 404, "not_found");
    assert_api_err(bob.restore_transcript(msg.id).await, 403, "forbidden");
    assert_api_err(carol.restore_transcript(msg.id).await, 404, "not_found");
    assert_api_err(carol.transcript(msg.id).await, 404, "not_found");

    // Hostile bodies: the documented error, and nothing changes.
    let path = format!("api/messages/{}/transcript", msg.id);
    let json = |segs: &[EditedSegment]| {
        serde_json::to_vec(&EditTranscript {
            segments: segs.to_vec(),
        })
    };
    let with = |f: &dyn Fn(&mut Vec<EditedSegment>)| {
        let mut s = fixed.clone();
        f(&mut s);
        s
    };
    let last_end = machine.segments.last().map_or(0, |s| s.end_ms);
    let clip_end = done.duration_ms.unwrap_or(0).max(last_end);
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "malformed JSON",
            b"{\"segments\": [".to_vec(),
            400,
            "bad_request",
        ),
        (
            "wrong shape",
            b"{\"segments\": \"x\"}".to_vec(),
            422,
            "unprocessable",
        ),
        (
            "5,001 segments",
            json(&vec![fixed[0].clone(); 5_001])?,
            413,
            "payload_too_large",
        ),
        (
            "a body over the size limit",
            json(&with(&|s| s[0].text = "w ".repeat(600_000)))?,
            413,
            "payload_too_large",
        ),
        (
            "empty text",
            json(&with(&|s| s[0].text = "   ".into()))?,
            422,
            "unprocessable",
        ),
        (
            "too long",
            json(&with(&|s| s[0].text = "w".repeat(1_001)))?,
            422,
            "unprocessable",
        ),
        (
            "a control character",
            json(&with(&|s| s[0].text = "bad\u{1b}[2Jword".into()))?,
            422,
            "unprocessable",
        ),
        (
            "ends before it starts",
            json(&with(&|s| {
                s[0].start_ms = 500;
                s[0].end_ms = 400
            }))?,
            422,
            "unprocessable",
        ),
        (
            "past the clip's end",
            json(&with(&|s| {
                let l = s.len() - 1;
                s[l].end_ms = clip_end + 5_000
            }))?,
            422,
            "unprocessable",
        ),
        (
            "overlapping, out of order",
            json(&with(&|s| {
                s.push(EditedSegment {
                    start_ms: 0,
                    end_ms: 300,
                    text: "again".into(),
                })
            }))?,
            422,
            "unprocessable",
        ),
    ];
    for (what, body, status, code) in cases {
        let (s, c) = raw_put(&alice, &path, body).await?;
        assert_eq!((s, c.as_str()), (status, code), "{what}");
    }
    let unchanged = bob.transcript(msg.id).await?;
    assert_eq!(unchanged.segments, machine.segments);
    assert!(!unchanged.edited);

    // The author fixes the word; an open player hears of it on the event feed.
    let mut feed = bob.events(None).await?;
    let edited = alice.edit_transcript(msg.id, &body).await?;
    assert!(edited.edited);
    assert_eq!(edited.edited_by.as_deref(), Some("alice"));
    assert!(edited.edited_at_ms.is_some());
    let seen = bob.transcript(msg.id).await?;
    assert!(seen.edited && seen.edited_by.as_deref() == Some("alice"));
    assert_eq!(seen.segments[seg_i].text, fixed_text);
    for (i, (now, before)) in seen.segments.iter().zip(&machine.segments).enumerate() {
        if i == seg_i {
            // Retyped words: their times are unknown.
            assert_eq!(now.words, None);
        } else {
            assert_eq!(now, before, "segment {i} was not touched");
        }
    }
    let captions = bob.captions_vtt(msg.id).await?;
    assert!(captions.contains(&fixed_text), "{captions}");
    let stored = stored_captions(&srv, msg.id).await?;
    assert!(stored.contains(&fixed_text), "{stored}");
    assert_eq!(hits(&bob, NEW_WORD).await?, vec![msg.id]);
    assert!(!hits(&bob, &old_word).await?.contains(&msg.id));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ev = tokio::time::timeout_at(deadline, feed.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("the feed closed"))??;
        if let ServerEvent::Message { message } = ev
            && message.id == msg.id
        {
            break;
        }
    }

    // An admin in the thread brings the machine transcript back (so may the author).
    let restored = root.restore_transcript(msg.id).await?;
    assert!(!restored.edited && restored.edited_by.is_none());
    assert_eq!(restored.segments, machine.segments);
    assert!(hits(&bob, &old_word).await?.contains(&msg.id));
    assert!(hits(&bob, NEW_WORD).await?.is_empty());
    assert!(!bob.captions_vtt(msg.id).await?.contains(NEW_WORD));
    assert!(!stored_captions(&srv, msg.id).await?.contains(NEW_WORD));
    // Restoring a machine transcript changes nothing.
    assert_eq!(
        alice.restore_transcript(msg.id).await?.segments,
        machine.segments
    );

    // Edited again, then transcribed anew: the new machine transcript replaces the edits, and
    // while it is made the transcript cannot be edited.
    alice.edit_transcript(msg.id, &body).await?;
    alice.retry_transcription(msg.id).await?;
    assert_api_err(alice.edit_transcript(msg.id, &body).await, 409, "conflict");
    assert_api_err(alice.restore_transcript(msg.id).await, 409, "conflict");
    TestServer::wait_ready(&alice, msg.id, Duration::from_secs(180)).await?;
    let fresh = alice.transcript(msg.id).await?;
    assert!(!fresh.edited);
    assert!(!fresh.segments.iter().any(|s| s.text.contains(NEW_WORD)));
    assert!(hits(&bob, NEW_WORD).await?.is_empty());
    Ok(())
}
