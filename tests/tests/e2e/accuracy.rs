//! Accuracy on real human speech: every clip of the speech set that `scripts/setup-tests` builds
//! from Debian packages (people reading; sources and licences in tests/speech/README.md) goes
//! through our worker's pipeline (`vidmsg-server transcribe`: the decoder child, the chunker,
//! whisper.cpp) and through faster-whisper int8 on the same CTranslate2 weights our tiny.en model
//! was converted from. Both transcripts are normalized the same way (Whisper-style) and the word
//! error rate over the whole set must be no worse than faster-whisper's + 1 point.
//! The default model (tiny.en, its decoder in Q8_0) and tiny.en in f16 are both measured.
//! `scripts/bench-accuracy` runs this test on other models: `VIDMSG_ACCURACY_MODEL` (a ggml file)
//! and `VIDMSG_ACCURACY_CT2` (its CTranslate2 source) replace the default.

use std::collections::HashMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;
use vidmsg_tests::{model, server::server_binary};
use vidmsg_transcribe::normalize::WordErrors;

struct Clip {
    name: String,
    path: PathBuf,
    transcript: String,
}

fn cache() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".cache/vidmsg"))
}

fn speech_set(dir: &Path) -> anyhow::Result<Vec<Clip>> {
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).with_context(|| {
        format!(
            "no speech set in {}: run scripts/setup-tests",
            dir.display()
        )
    })?;
    manifest
        .lines()
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            anyhow::ensure!(cols.len() == 4, "bad manifest line {line:?}");
            Ok(Clip {
                name: cols[0].to_string(),
                path: dir.join("clips").join(format!("{}.m4a", cols[0])),
                transcript: cols[3].to_string(),
            })
        })
        .collect()
}

/// Our transcript of one clip (the segments `vidmsg-server transcribe` prints, joined) and the
/// seconds it took, model load excluded.
fn ours(model: &Path, clip: &Path, data_dir: &Path) -> anyhow::Result<(String, f64)> {
    let out = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("transcribe")
        .arg(clip)
        .arg("--model")
        .arg(model)
        .args(["--whisper-threads", "1"])
        .stderr(Stdio::null())
        .output()?;
    anyhow::ensure!(out.status.success(), "transcribe {} failed", clip.display());
    let (mut text, mut secs) = (Vec::new(), 0.0);
    for line in out.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            text.push(t.to_string());
        }
        if let Some(s) = v.get("transcribe_s").and_then(|s| s.as_f64()) {
            secs = s;
        }
    }
    Ok((text.join(" "), secs))
}

#[test]
fn real_speech_is_transcribed_as_well_as_by_faster_whisper() -> anyhow::Result<()> {
    let model = match std::env::var_os("VIDMSG_ACCURACY_MODEL") {
        Some(m) => PathBuf::from(m),
        None => model::default_model()?,
    };
    let ct2 = match std::env::var_os("VIDMSG_ACCURACY_CT2") {
        Some(p) => PathBuf::from(p),
        None => cache()?.join("ct2-tiny.en"),
    };
    as_accurate_as_faster_whisper(&model, &ct2)
}

/// tiny.en with every matrix in f16, as published (the default model has its decoder in Q8_0):
/// it transcribes real speech as well as faster-whisper int8 on the same weights too.
#[test]
fn tiny_en_in_f16_transcribes_as_well_as_faster_whisper() -> anyhow::Result<()> {
    as_accurate_as_faster_whisper(&model::tiny_en_f16()?, &cache()?.join("ct2-tiny.en"))
}

/// Our WER over the speech set with `model` against faster-whisper int8's on `ct2`, its
/// CTranslate2 source: no worse + 1 point.
fn as_accurate_as_faster_whisper(model: &Path, ct2: &Path) -> anyhow::Result<()> {
    let cache = cache()?;
    let speech = cache.join("speech");
    let clips = speech_set(&speech)?;
    anyhow::ensure!(clips.len() >= 30, "speech set too small: {}", clips.len());
    let python = cache.join("venv-whisper/bin/python");
    anyhow::ensure!(
        python.exists() && ct2.join("model.bin").exists(),
        "faster-whisper or the CTranslate2 tiny.en weights are missing: run scripts/setup-tests"
    );
    // The peer runs beside us (2 cores: one each), its model loaded once.
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/bench/faster_whisper_set.py");
    let peer = Command::new(&python)
        .arg(script)
        .arg(ct2)
        .arg(&speech)
        .args(["int8", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting faster-whisper")?;

    let data_dir = tempfile::tempdir()?;
    let (mut our_texts, mut our_secs) = (HashMap::new(), 0.0);
    for clip in &clips {
        let (text, secs) = ours(model, &clip.path, data_dir.path())?;
        our_texts.insert(clip.name.clone(), text);
        our_secs += secs;
    }
    let out = peer.wait_with_output()?;
    anyhow::ensure!(
        out.status.success(),
        "faster-whisper failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (mut peer_texts, mut peer_secs) = (HashMap::new(), 0.0);
    for line in out.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        peer_secs += v["transcribe_s"].as_f64().unwrap_or_default();
        peer_texts.insert(
            v["name"].as_str().unwrap_or_default().to_string(),
            v["text"].as_str().unwrap_or_default().to_string(),
        );
    }

    let (mut ours_total, mut peer_total) = (WordErrors::default(), WordErrors::default());
    for clip in &clips {
        let o = WordErrors::count(&clip.transcript, &our_texts[&clip.name]);
        let p = WordErrors::count(
            &clip.transcript,
            peer_texts
                .get(&clip.name)
                .context("faster-whisper skipped a clip")?,
        );
        if o.errors > 0 || p.errors > 0 {
            println!(
                "{}: ours {} / faster-whisper {} errors of {} words\n  ref:  {}\n  ours: {}\n  fw:   {}",
                clip.name,
                o.errors,
                p.errors,
                o.words,
                clip.transcript,
                our_texts[&clip.name],
                peer_texts[&clip.name]
            );
        }
        ours_total = ours_total.plus(o);
        peer_total = peer_total.plus(p);
    }
    let (ours_wer, peer_wer) = (ours_total.rate_percent(), peer_total.rate_percent());
    println!(
        "{} clips, {} words: WER ours {ours_wer:.1} % ({} errors), faster-whisper int8 {peer_wer:.1} % ({} errors)",
        clips.len(),
        ours_total.words,
        ours_total.errors,
        peer_total.errors
    );
    // For scripts/bench-accuracy: model | ours WER | ours s | faster-whisper WER | its s.
    println!(
        "ACCURACY | {} | {ours_wer:.1} | {our_secs:.1} | {peer_wer:.1} | {peer_secs:.1} |",
        model.file_name().unwrap_or_default().to_string_lossy()
    );
    assert!(
        ours_wer <= peer_wer + 1.0,
        "our WER {ours_wer:.1} % is worse than faster-whisper's {peer_wer:.1} % + 1"
    );
    // Both engines broken the same way would pass the comparison: real speech this clean is
    // mostly transcribed right by tiny.en.
    assert!(ours_wer < 15.0, "our WER {ours_wer:.1} %");
    Ok(())
}
