//! When each word of an espeak-ng sentence is said, for checking word times: the sentence's
//! first `k` words are spoken alone with the same voice, and the length of that audio without
//! its trailing silence is when word `k + 1` begins (espeak-ng's audio of a prefix matches the
//! whole sentence's up to its last word; a word after a pause, or one that begins with a stop
//! consonant, is placed a little early, by tens of milliseconds).

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

fn run(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn seconds(wav: &Path) -> anyhow::Result<f64> {
    Ok(run(Command::new("soxi").arg("-D").arg(wav))?
        .trim()
        .parse()?)
}

/// Silence below 0.5 % of full scale, for at least 5 ms.
const QUIET: [&str; 3] = ["1", "0.005", "0.5%"];

/// Milliseconds from the start of `sentence`'s espeak-ng audio to where speech begins
/// (`leading`) or ends (trailing silence cut).
fn speech_bounds(dir: &Path, text: &str) -> anyhow::Result<(i64, i64)> {
    let raw = dir.join("onset-raw.wav");
    let lead = dir.join("onset-lead.wav");
    let trail = dir.join("onset-trail.wav");
    run(Command::new("espeak-ng").arg("-w").arg(&raw).arg(text))?;
    let q = QUIET;
    run(Command::new("sox")
        .arg(&raw)
        .arg(&lead)
        .arg("silence")
        .args(q))?;
    run(Command::new("sox")
        .arg(&raw)
        .arg(&trail)
        .args(["reverse", "silence"])
        .args(q)
        .arg("reverse"))?;
    let ms = |s: f64| (s * 1000.0).round() as i64;
    Ok((ms(seconds(&raw)? - seconds(&lead)?), ms(seconds(&trail)?)))
}

/// `(word, ms into the sentence's audio)` for each word of `sentence` (split at white space;
/// the word keeps its punctuation).
pub fn word_onsets(dir: &Path, sentence: &str) -> anyhow::Result<Vec<(String, i64)>> {
    std::fs::create_dir_all(dir)?;
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let mut out = Vec::with_capacity(words.len());
    for k in 0..words.len() {
        let at = if k == 0 {
            speech_bounds(dir, sentence)?.0
        } else {
            speech_bounds(dir, &words[..k].join(" "))?.1
        };
        out.push((words[k].to_string(), at));
    }
    Ok(out)
}
