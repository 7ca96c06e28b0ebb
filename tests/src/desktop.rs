//! A headless desktop for app tests: an Xvfb display and a PulseAudio null sink whose monitor
//! is the microphone, fed with real speech by `paplay`. Each test gets its own display number
//! and sink name; dropping the guard stops them.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};

pub struct Desktop {
    pub display: String,
    pub sink: String,
    xvfb: Child,
    module: Option<String>,
    players: Vec<Child>,
}

fn free_display() -> u32 {
    let base = 90 + (std::process::id() % 400);
    (base..base + 400)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .unwrap_or(base)
}

fn ensure_pulseaudio() -> anyhow::Result<()> {
    if Command::new("pactl")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        return Ok(());
    }
    // Started once for the machine; a second start while one runs fails harmlessly.
    let _ = Command::new("pulseaudio")
        .args(["-D", "--exit-idle-time=-1", "--system=false"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    for _ in 0..50 {
        if Command::new("pactl")
            .arg("info")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("PulseAudio did not start (install pulseaudio: scripts/setup)")
}

impl Desktop {
    /// Starts Xvfb (`width`×`height`) and a null sink.
    pub fn start(width: u32, height: u32) -> anyhow::Result<Self> {
        let n = free_display();
        let display = format!(":{n}");
        let xvfb = Command::new("Xvfb")
            .arg(&display)
            .args([
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb (install xvfb: scripts/setup)")?;
        for _ in 0..100 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        ensure_pulseaudio()?;
        let sink = format!("vmic_{n}");
        let out = Command::new("pactl")
            .args([
                "load-module",
                "module-null-sink",
                &format!("sink_name={sink}"),
            ])
            .output()
            .context("pactl")?;
        if !out.status.success() {
            bail!(
                "loading a null sink failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let module = Some(String::from_utf8_lossy(&out.stdout).trim().to_string());
        Ok(Self {
            display,
            sink,
            xvfb,
            module,
            players: Vec::new(),
        })
    }

    /// The PulseAudio source that hears what is played into the sink.
    pub fn mic(&self) -> String {
        format!("{}.monitor", self.sink)
    }

    /// Puts moving noise on the whole screen (a window drawn by `ximagesink`), so screen
    /// capture has real content to encode.
    pub fn show_motion(&mut self, width: u32, height: u32) -> anyhow::Result<()> {
        let child = Command::new("gst-launch-1.0")
            .args(["-q", "videotestsrc", "pattern=snow", "is-live=true", "!"])
            .arg(format!(
                "video/x-raw,width={width},height={height},framerate=30/1"
            ))
            .args(["!", "videoconvert", "!", "ximagesink"])
            .arg(format!("display={}", self.display))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("gst-launch-1.0 ximagesink")?;
        self.players.push(child);
        std::thread::sleep(Duration::from_millis(500));
        Ok(())
    }

    /// Plays a WAV file into the sink (the "microphone"), in the background.
    pub fn speak(&mut self, wav: &Path) -> anyhow::Result<()> {
        let child = Command::new("paplay")
            .arg(format!("--device={}", self.sink))
            .arg(wav)
            .spawn()
            .context("paplay")?;
        self.players.push(child);
        Ok(())
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for p in &mut self.players {
            let _ = p.kill();
            let _ = p.wait();
        }
        if let Some(m) = self.module.take() {
            let _ = Command::new("pactl").args(["unload-module", &m]).status();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
