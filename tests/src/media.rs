//! Real media for tests, made by GStreamer test pipelines (`gst-launch-1.0`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// A ~15 MB H.264 + AAC MP4 of 10 s (noise compresses badly, so it is big), made once per
/// target dir and shared by tests. Written under a temp name and renamed, so parallel tests
/// never see half a file.
pub fn big_mp4() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .context("test binary has no target dir")?;
    let dir = target.join("vidmsg-media");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("snow-10s.mp4");
    if path.exists() {
        return Ok(path);
    }
    let tmp = dir.join(format!("snow-10s.{}.tmp.mp4", std::process::id()));
    make_mp4(&tmp, 10, "snow", 12_000)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Encodes `secs` seconds of `pattern` at `kbps` with a sine tone into an MP4 at `out`.
pub fn make_mp4(out: &Path, secs: u32, pattern: &str, kbps: u32) -> anyhow::Result<()> {
    let frames = secs * 30;
    let audio_buffers = secs * 44_100 / 1024 + 1;
    let pipeline = format!(
        "videotestsrc pattern={pattern} num-buffers={frames} ! video/x-raw,format=I420,width=640,height=360,framerate=30/1 \
         ! x264enc speed-preset=ultrafast bitrate={kbps} key-int-max=30 ! h264parse ! mp4mux name=mux \
         ! filesink location={} \
         audiotestsrc num-buffers={audio_buffers} samplesperbuffer=1024 ! audio/x-raw,rate=44100 ! audioconvert \
         ! avenc_aac ! aacparse ! mux.",
        out.display()
    );
    let status = Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace())
        .status()
        .context("running gst-launch-1.0 (install gstreamer1.0-tools: scripts/setup)")?;
    if !status.success() {
        bail!("gst-launch-1.0 failed ({status}) making {}", out.display());
    }
    Ok(())
}

/// Encodes `secs` seconds of a moving test pattern with no audio track into an MP4 at `out` (a
/// screen recording without a microphone: its transcription job ends at once, with a note).
pub fn make_silent_mp4(out: &Path, secs: u32) -> anyhow::Result<()> {
    let pipeline = format!(
        "videotestsrc pattern=ball num-buffers={} ! video/x-raw,format=I420,width=320,height=180,framerate=30/1 \
         ! x264enc speed-preset=ultrafast key-int-max=30 ! h264parse ! mp4mux ! filesink location={}",
        secs * 30,
        out.display()
    );
    let status = Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace())
        .status()
        .context("running gst-launch-1.0 (install gstreamer1.0-tools: scripts/setup)")?;
    if !status.success() {
        bail!("gst-launch-1.0 failed ({status}) making {}", out.display());
    }
    Ok(())
}

/// `gst-discoverer-1.0` facts: (duration s, has H.264, has audio).
pub fn discover(path: &std::path::Path) -> anyhow::Result<(f64, bool, bool)> {
    let out = std::process::Command::new("gst-discoverer-1.0")
        .arg(path)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let dur = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Duration: "))
        .and_then(|d| {
            let p: Vec<f64> = d.split(':').filter_map(|x| x.parse().ok()).collect();
            (p.len() == 3).then(|| p[0] * 3600.0 + p[1] * 60.0 + p[2])
        })
        .ok_or_else(|| anyhow::anyhow!("no duration in:\n{text}"))?;
    Ok((dur, text.contains("H.264"), text.contains("audio")))
}
