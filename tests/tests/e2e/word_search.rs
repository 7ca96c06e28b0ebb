//! Search hits point at the word: espeak-ng sentences at known offsets in a real MP4, transcribed
//! by the real worker with tiny.en; a search for a word in the middle of a sentence seeks to
//! where that word was said (known from espeak-ng: see `vidmsg_tests::word_onsets`), not to the
//! start of its segment. The transcript carries the word times, and their error over every word
//! of the clip is printed.

use std::time::Duration;

use vidmsg_api::{CreateThread, SearchQuery, Segment};
use vidmsg_tests::TestServer;
use vidmsg_tests::speech::{make_clip, words};
use vidmsg_tests::upload::upload_all;
use vidmsg_tests::word_onsets::word_onsets;

use crate::threads_and_messages::video;

/// Each with a word said well into it (the one searched for).
const SENTENCES: [(&str, &str); 4] = [
    (
        "Good morning everyone, here is the weekly update from the product team.",
        "weekly",
    ),
    (
        "The budget for the next quarter is still under review.",
        "quarter",
    ),
    (
        "Please add your comments to the planning document before Thursday.",
        "planning",
    ),
    (
        "We finished the new sign in page and it is live for all customers.",
        "customers",
    ),
];

/// How far a hit may land from where its word was said.
const TOLERANCE_MS: i64 = 500;

/// The script's words with when each was said in the clip, in order.
fn said_at(
    dir: &std::path::Path,
    sentences: &[(i64, String)],
) -> anyhow::Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for (start, text) in sentences {
        for (word, at) in word_onsets(&dir.join("onsets"), text)? {
            for w in words(&word) {
                out.push((w, start + at));
            }
        }
    }
    Ok(out)
}

/// Pairs each transcript word with the script word it is (in order, by text; a word the
/// recognizer got wrong is skipped), as `(word, script ms, transcript ms)`.
fn pair_words(script: &[(String, i64)], segments: &[Segment]) -> Vec<(String, i64, i64)> {
    let heard: Vec<(String, i64)> = segments
        .iter()
        .flat_map(|s| s.words.iter().flatten())
        .flat_map(|w| words(&w.text).into_iter().map(move |t| (t, w.start_ms)))
        .collect();
    // Longest common subsequence of the two word lists.
    let (n, m) = (script.len(), heard.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if script[i].0 == heard[j].0 {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if script[i].0 == heard[j].0 {
            out.push((script[i].0.clone(), script[i].1, heard[j].1));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[tokio::test]
async fn a_hit_seeks_to_the_word_that_matched() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let texts: Vec<&str> = SENTENCES.iter().map(|(s, _)| *s).collect();
    let clip = make_clip(dir.path(), "words", &texts, 900, 1500)?;
    let script = said_at(dir.path(), &clip.sentences)?;

    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Planning".into(),
            members: vec![],
        })
        .await?;
    let msg = alice.create_message(t.id, &video("Quarter plans")).await?;
    upload_all(&alice, msg.id, &std::fs::read(&clip.path)?).await?;
    TestServer::wait_ready(&alice, msg.id, Duration::from_secs(180)).await?;

    // The API documents them.
    let spec = srv.anonymous().openapi().await?;
    let schemas = &spec["components"]["schemas"];
    assert!(
        schemas["Segment"]["properties"]["words"].is_object()
            && ["start_ms", "end_ms", "text"]
                .iter()
                .all(|f| schemas["Word"]["properties"][f].is_object()),
        "Segment.words and Word in the spec: {}",
        schemas["Segment"]
    );

    // The transcript carries word times, inside their segments and in order.
    let transcript = alice.transcript(msg.id).await?;
    for s in &transcript.segments {
        let w = s.words.as_ref().expect("word times on a new transcript");
        assert!(!w.is_empty(), "segment without words: {s:?}");
        assert!(
            w.windows(2).all(|p| p[0].start_ms <= p[1].start_ms)
                && w.iter()
                    .all(|x| s.start_ms <= x.start_ms && x.end_ms <= s.end_ms),
            "words out of their segment or order: {s:?}"
        );
    }
    // How close the word times are, over every word heard right.
    let pairs = pair_words(&script, &transcript.segments);
    assert!(
        pairs.len() * 10 >= script.len() * 8,
        "only {} of {} words paired: {:?}",
        pairs.len(),
        script.len(),
        transcript.segments
    );
    let errors: Vec<i64> = pairs.iter().map(|(_, said, heard)| heard - said).collect();
    let mean_abs = errors.iter().map(|e| e.abs()).sum::<i64>() as f64 / errors.len() as f64;
    let mean = errors.iter().sum::<i64>() as f64 / errors.len() as f64;
    let max = errors.iter().map(|e| e.abs()).max().unwrap_or(0);
    eprintln!(
        "word start error over {} words: mean |error| {mean_abs:.0} ms, mean {mean:+.0} ms, max {max} ms",
        pairs.len()
    );
    for (w, said, heard) in &pairs {
        eprintln!(
            "  {w:>12} said {said:>6} heard {heard:>6} ({:+})",
            heard - said
        );
    }

    for (i, (sentence, target)) in SENTENCES.iter().enumerate() {
        let sentence_start = clip.sentences[i].0;
        let said = script
            .iter()
            .filter(|(w, at)| w == target && *at >= sentence_start)
            .map(|(_, at)| *at)
            .next()
            .expect("the target is in its sentence");
        let res = alice
            .search(&SearchQuery {
                q: (*target).into(),
                ..Default::default()
            })
            .await?;
        let hit = res
            .hits
            .first()
            .unwrap_or_else(|| panic!("no hit for {target:?}: {:?}", transcript.segments));
        assert_eq!(hit.message_id, msg.id);
        assert!(
            (hit.start_ms - said).abs() <= TOLERANCE_MS,
            "{target:?} said at {said} ms, hit at {} ms ({sentence:?}; {})",
            hit.start_ms,
            hit.snippet
        );
        // The hit is the word, not its segment: it lies as far into the segment as the word
        // into its sentence (the segment starts where its first sentence does).
        let segment = transcript
            .segments
            .iter()
            .find(|s| s.end_ms == hit.end_ms && s.start_ms <= hit.start_ms)
            .expect("the hit's segment is in the transcript");
        let first_sentence = clip
            .sentences
            .iter()
            .map(|(at, _)| *at)
            .min_by_key(|at| (at - segment.start_ms).abs())
            .unwrap_or(0);
        let expected_shift = said - first_sentence;
        assert!(expected_shift >= 1_000, "{target:?} is not mid-sentence");
        let shift = hit.start_ms - segment.start_ms;
        assert!(
            (shift - expected_shift).abs() <= TOLERANCE_MS,
            "{target:?}: hit {shift} ms into its segment, said {expected_shift} ms into it"
        );
    }
    Ok(())
}
