//! Languages (#14's multilingual note): a multilingual whisper model hears which language a video
//! was spoken in — real French speech (Asterisk's French prompts read by June Wallack, built by
//! `scripts/setup-tests`; tests/speech/README.md) comes back `fr`, English `en` — the message
//! carries it, and search stems each transcript by its own language (PostgreSQL: a snowball
//! configuration per language on each segment; SQLite: the segment's words' snowball stems
//! indexed in its place).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context as _;
use vidmsg_api::{Client, SearchHit, SearchQuery};
use vidmsg_tests::speech::{make_clip, mux};
use vidmsg_tests::upload::upload_all;
use vidmsg_tests::{TestServer, model, server::server_binary};

use crate::spaces::transcribed;
use crate::threads_and_messages::video;

/// One French prompt of the set: its audio (16 kHz mono WAV) and what it says.
struct Prompt {
    wav: PathBuf,
    text: String,
}

fn speech_fr() -> anyhow::Result<Vec<Prompt>> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let dir = PathBuf::from(home).join(".cache/vidmsg/speech-fr");
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).with_context(|| {
        format!(
            "no French speech set in {}: run scripts/setup-tests",
            dir.display()
        )
    })?;
    manifest
        .lines()
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            anyhow::ensure!(cols.len() == 4, "bad manifest line {line:?}");
            Ok(Prompt {
                wav: dir.join("clips").join(format!("{}.wav", cols[0])),
                text: cols[3].to_string(),
            })
        })
        .collect()
}

fn sox(args: &[&Path]) -> anyhow::Result<()> {
    let out = Command::new("sox").args(args).output()?;
    anyhow::ensure!(
        out.status.success(),
        "sox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The prompts one after another, a second apart, muxed with a test video track into an MP4
/// (as the other transcription tests make theirs); its length in ms.
fn french_clip(dir: &Path, prompts: &[Prompt]) -> anyhow::Result<(PathBuf, i64)> {
    let gap = dir.join("gap.wav");
    let status = Command::new("sox")
        .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(&gap)
        .args(["trim", "0", "1.0"])
        .status()?;
    anyhow::ensure!(status.success(), "sox made no silence");
    let mut parts: Vec<&Path> = vec![&gap];
    for p in prompts {
        parts.push(&p.wav);
        parts.push(&gap);
    }
    let wav = dir.join("french.wav");
    parts.push(&wav);
    sox(&parts)?;
    let samples: i64 =
        String::from_utf8(Command::new("soxi").arg("-s").arg(&wav).output()?.stdout)?
            .trim()
            .parse()?;
    let duration_ms = samples * 1000 / 16_000;
    let mp4 = dir.join("french.mp4");
    mux(&wav, &mp4, duration_ms)?;
    Ok((mp4, duration_ms))
}

/// Lowercase words with their accents taken off (the prompts' written text lacks some).
fn plain_words(s: &str) -> Vec<String> {
    let fold = |c: char| match c {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        c => c,
    };
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().map(fold).collect())
        .collect()
}

async fn search(client: &Client, q: &str) -> anyhow::Result<Vec<SearchHit>> {
    Ok(client
        .search(&SearchQuery {
            q: q.into(),
            ..Default::default()
        })
        .await?
        .hits)
}

#[tokio::test]
async fn a_multilingual_model_tells_french_from_english() -> anyhow::Result<()> {
    let prompts = speech_fr()?;
    let dir = tempfile::tempdir()?;
    let (french, french_ms) = french_clip(dir.path(), &prompts)?;
    let english = make_clip(
        dir.path(),
        "english",
        &[
            "Good morning everyone, here is the weekly update from the product team.",
            "We finished the new sign in page and it is live for all customers.",
            "Please add your comments to the planning document before Thursday.",
        ],
        800,
        1000,
    )?;

    let data_dir = tempfile::tempdir()?;
    let mut config = vidmsg_server::Config::for_data_dir(data_dir.path());
    config.transcription.model = Some(model::multilingual()?);
    let srv = TestServer::spawn_with(config, data_dir).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Équipe").await?;
    let fr = alice.create_message(t.id, &video("Annonce")).await?;
    upload_all(&alice, fr.id, &std::fs::read(&french)?).await?;
    let en = alice.create_message(t.id, &video("Update")).await?;
    upload_all(&alice, en.id, &std::fs::read(&english.path)?).await?;
    assert_eq!(fr.language, None, "not transcribed yet");

    let fr = TestServer::wait_ready(&alice, fr.id, Duration::from_secs(400)).await?;
    let en = TestServer::wait_ready(&alice, en.id, Duration::from_secs(400)).await?;
    assert_eq!(fr.language.as_deref(), Some("fr"));
    assert_eq!(en.language.as_deref(), Some("en"));
    assert!((fr.duration_ms.unwrap_or(0) - french_ms).abs() < 500);

    // The French words of the prompts (those of six letters or more) are heard.
    let heard: Vec<String> = alice
        .transcript(fr.id)
        .await?
        .segments
        .iter()
        .flat_map(|s| plain_words(&s.text))
        .collect();
    let mut said: Vec<String> = prompts
        .iter()
        .flat_map(|p| plain_words(&p.text))
        .filter(|w| w.chars().count() >= 6)
        .collect();
    said.sort();
    said.dedup();
    let found = said.iter().filter(|w| heard.contains(w)).count();
    assert!(
        found * 3 >= said.len() * 2,
        "{found} of {} French words heard: {heard:?} for {said:?}",
        said.len()
    );
    let english_heard = alice.transcript(en.id).await?.segments;
    let english_text = plain_words(
        &english_heard
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    for w in ["morning", "customers", "planning", "thursday"] {
        assert!(
            english_text.contains(&w.to_string()),
            "{w}: {english_text:?}"
        );
    }

    // Search finds the French words as said, and an inflection of one by the French stemmer
    // ("parlez" and the prompt's "parler" share the stem "parl"; in English they are two words).
    let hits = search(&alice, "maintenant").await?;
    assert!(hits.iter().all(|h| h.message_id == fr.id) && !hits.is_empty());
    assert!(heard.contains(&"parler".to_string()), "{heard:?}");
    let hits = search(&alice, "parlez").await?;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(
        hits[0]
            .snippet
            .to_lowercase()
            .contains("<mark>parler</mark>"),
        "{hits:?}"
    );
    Ok(())
}

#[test]
fn the_transcribe_command_prints_the_language_it_heard() -> anyhow::Result<()> {
    let prompts = speech_fr()?;
    let longest = prompts
        .iter()
        .max_by_key(|p| p.text.len())
        .context("an empty French set")?;
    let data = tempfile::tempdir()?;
    let out = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(data.path())
        .arg("transcribe")
        .arg(&longest.wav)
        .arg("--model")
        .arg(model::multilingual()?)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "transcribe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout)?;
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().context("no summary line")?)?;
    assert_eq!(summary["summary"], true, "{stdout}");
    assert_eq!(summary["language"], "fr", "{stdout}");
    Ok(())
}

#[tokio::test]
async fn search_stems_each_transcript_by_its_language() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let db = srv.running.db().clone();
    let alice = srv.user("alice").await?;
    let me = alice.me().await?.id;
    let t = TestServer::thread(&alice, "Mixed").await?;
    let french = transcribed(&db, t.id, me, "Vous pouvez maintenant parler.", Some("fr")).await?;
    // The same word in an English transcript: English stemming leaves "parler" whole.
    let english = transcribed(
        &db,
        t.id,
        me,
        "The parler in the castle was cold.",
        Some("en"),
    )
    .await?;
    let running = transcribed(&db, t.id, me, "The meeting is running late.", Some("en")).await?;
    assert_eq!(
        alice.get_message(french).await?.language.as_deref(),
        Some("fr")
    );

    let ids = |hits: Vec<SearchHit>| -> Vec<i64> {
        let mut v: Vec<i64> = hits.iter().map(|h| h.message_id).collect();
        v.sort();
        v
    };
    // English transcripts stem as before, whatever else is present.
    assert_eq!(ids(search(&alice, "runs").await?), [running]);
    // The word as said is found in both.
    assert_eq!(ids(search(&alice, "parler").await?), [french, english]);
    // An inflection finds the French transcript only, by the French stemmer, and the snippet
    // marks the word said.
    let hits = search(&alice, "parlez").await?;
    assert_eq!(ids(hits.clone()), [french]);
    assert_eq!(
        hits[0].snippet,
        "Vous pouvez maintenant <mark>parler</mark>."
    );
    assert_eq!(ids(search(&alice, "parlait maintenant").await?), [french]);
    assert_eq!(
        ids(search(&alice, "\"maintenant parlera\"").await?),
        [french]
    );
    // Phrases are found through their word pairs, each transcript's stemmed by its language.
    assert_eq!(ids(search(&alice, "\"the parler\"").await?), [english]);
    assert_eq!(
        ids(search(&alice, "\"parler in the castle\" OR \"pouvez maintenant\"").await?),
        [french, english]
    );
    // An edited French transcript is searched by its stems too.
    let edit = vidmsg_api::EditTranscript {
        segments: vec![vidmsg_api::EditedSegment {
            start_ms: 0,
            end_ms: 1_000,
            text: "Nous parlerons demain.".into(),
        }],
    };
    alice.edit_transcript(french, &edit).await?;
    assert_eq!(ids(search(&alice, "parlez demain").await?), [french]);
    Ok(())
}
