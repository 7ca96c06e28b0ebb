//! Screenshots of a test display through GStreamer's `ximagesrc`: a PNG for people to look at
//! and luma statistics for tests to check that a window really drew something.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// Mean and standard deviation of the display's luma, and the share of pixels brighter than
/// the black root window.
#[derive(Debug, Clone, Copy)]
pub struct ScreenStats {
    pub mean: f64,
    pub stddev: f64,
    pub lit: f64,
}

/// Saves a PNG of `display` to `png` and returns its statistics.
pub fn screenshot(
    display: &str,
    png: &Path,
    width: u32,
    height: u32,
) -> anyhow::Result<ScreenStats> {
    if let Some(dir) = png.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let raw = png.with_extension("gray");
    let status = Command::new("gst-launch-1.0")
        .args([
            "-q",
            "ximagesrc",
            &format!("display-name={display}"),
            "num-buffers=1",
            "use-damage=false",
            "!",
            "videoconvert",
            "!",
            "tee",
            "name=t",
        ])
        .args(["t.", "!", "queue", "!", "pngenc", "!", "filesink"])
        .arg(format!("location={}", png.display()))
        .args([
            "t.",
            "!",
            "queue",
            "!",
            "videoconvert",
            "!",
            "video/x-raw,format=GRAY8",
            "!",
            "filesink",
        ])
        .arg(format!("location={}", raw.display()))
        .status()
        .context("gst-launch-1.0 ximagesrc")?;
    if !status.success() {
        bail!("screenshot of {display} failed ({status})");
    }
    let data = std::fs::read(&raw)?;
    let _ = std::fs::remove_file(&raw);
    // GRAY8 rows are padded to 4 bytes.
    let stride = (width as usize).div_ceil(4) * 4;
    let mut values = Vec::with_capacity((width * height) as usize);
    for row in data.chunks(stride).take(height as usize) {
        values.extend(row.iter().take(width as usize).map(|&v| f64::from(v)));
    }
    if values.is_empty() {
        bail!("empty screenshot");
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let stddev = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let lit = values.iter().filter(|&&v| v > 8.0).count() as f64 / n;
    Ok(ScreenStats { mean, stddev, lit })
}

/// Where tests leave screenshots for people: `$CARGO_TARGET_DIR/vidmsg-screenshots/NAME.png`.
pub fn screenshot_path(name: &str) -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    target
        .join("vidmsg-screenshots")
        .join(format!("{name}.png"))
}
