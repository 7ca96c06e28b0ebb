//! Real speech for transcription tests: espeak-ng sentences placed at known offsets in a clip
//! with a video track (GStreamer), plus word error rate.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// A clip and where each sentence starts.
#[derive(Debug, Clone)]
pub struct SpeechClip {
    pub path: PathBuf,
    pub sentences: Vec<(i64, String)>,
    pub duration_ms: i64,
}

fn run(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn samples(wav: &Path) -> anyhow::Result<i64> {
    Ok(run(Command::new("soxi").arg("-s").arg(wav))?
        .trim()
        .parse()?)
}

/// Speaks `sentences` with `gap_ms` of silence between them (and `lead_ms` before the first),
/// and muxes the audio with a test video track into an MP4 in `dir`.
pub fn make_clip(
    dir: &Path,
    name: &str,
    sentences: &[&str],
    lead_ms: u32,
    gap_ms: u32,
) -> anyhow::Result<SpeechClip> {
    std::fs::create_dir_all(dir)?;
    let mut parts = Vec::new();
    let silence = |ms: u32, p: &Path| -> anyhow::Result<()> {
        run(Command::new("sox")
            .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
            .arg(p)
            .args(["trim", "0", &format!("{:.3}", f64::from(ms) / 1000.0)]))?;
        Ok(())
    };
    let lead = dir.join(format!("{name}-lead.wav"));
    silence(lead_ms.max(1), &lead)?;
    let gap = dir.join(format!("{name}-gap.wav"));
    silence(gap_ms.max(1), &gap)?;
    let mut at = samples(&lead)?;
    parts.push(lead);
    let mut starts = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let raw = dir.join(format!("{name}-s{i}-raw.wav"));
        let wav = dir.join(format!("{name}-s{i}.wav"));
        run(Command::new("espeak-ng").arg("-w").arg(&raw).arg(s))?;
        run(Command::new("sox")
            .arg(&raw)
            .args(["-r", "16000", "-c", "1", "-b", "16"])
            .arg(&wav))?;
        starts.push((at * 1000 / 16_000, (*s).to_string()));
        at += samples(&wav)?;
        parts.push(wav);
        if i + 1 < sentences.len() {
            at += samples(&gap)?;
            parts.push(gap.clone());
        }
    }
    let tail = dir.join(format!("{name}-tail.wav"));
    silence(700, &tail)?;
    at += samples(&tail)?;
    parts.push(tail);
    let speech = dir.join(format!("{name}.wav"));
    run(Command::new("sox").args(&parts).arg(&speech))?;
    let duration_ms = at * 1000 / 16_000;
    let path = dir.join(format!("{name}.mp4"));
    mux(&speech, &path, duration_ms)?;
    Ok(SpeechClip {
        path,
        sentences: starts,
        duration_ms,
    })
}

/// Audio file + a moving test pattern → H.264 + ALAC MP4. The audio is lossless so the word
/// error rate measures the recognizer, not the codec (tiny.en lost 3–8 points of WER to AAC here);
/// the recorder tests cover AAC from a live microphone.
pub fn mux(audio: &Path, out: &Path, duration_ms: i64) -> anyhow::Result<()> {
    let frames = duration_ms * 15 / 1000 + 1;
    let pipeline = format!(
        "filesrc location={} ! wavparse ! audioconvert ! avenc_alac ! mp4mux name=mux \
         ! filesink location={} videotestsrc pattern=ball num-buffers={frames} \
         ! video/x-raw,format=I420,width=320,height=240,framerate=15/1 ! x264enc speed-preset=ultrafast ! h264parse ! mux.",
        audio.display(),
        out.display()
    );
    run(Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace()))?;
    Ok(())
}

/// Lowercase words without punctuation.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate of `hyp` against `reference` (edit distance over words / reference words).
pub fn wer(reference: &str, hyp: &str) -> f64 {
    let r = words(reference);
    let h = words(hyp);
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(rw != hw);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn wer_counts_word_edits() {
        assert_eq!(super::wer("the cat sat", "the cat sat"), 0.0);
        assert!((super::wer("the cat sat down", "the bat sat") - 0.5).abs() < 1e-9);
        assert_eq!(super::wer("Hello, world!", "hello world"), 0.0);
    }
}
