//! The command line: `vidmsg-recorder record …` records headless and prints one JSON line
//! `{"message_id":…,"thread_id":…,"url":…,"urgent":…}` (and `"to"` with `--to`) once the
//! recording is uploaded; `vidmsg-recorder [app] [--to …] [--urgent]` opens the app (the
//! player's "New video" starts it addressed this way).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::capture::{Camera, CaptureSpec, Corner, Mic, Screen};
use crate::session::{self, Destination, SessionSpec};

#[derive(Debug, Parser)]
#[command(
    name = "vidmsg-recorder",
    version,
    about = "Record screen, camera and voice; uploaded while recording"
)]
pub struct Cli {
    /// Without a command the app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub app: AppArgs,
}

/// How the app opens (`vidmsg-recorder app …`, or no command at all).
#[derive(Debug, Clone, Default, Args)]
pub struct AppArgs {
    /// App: record a reply to this message, in its thread.
    #[arg(long)]
    pub reply_to: Option<i64>,
    /// App: sign in to this server (saved in the settings).
    #[arg(long, env = "VIDMSG_SERVER")]
    pub server: Option<String>,
    /// App: sign in with this token (saved in the settings).
    #[arg(long, env = "VIDMSG_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// App: send the next recording to `space:NAME`, or `user:NAME` (repeatable), instead of
    /// the remembered choice. Checked once the app has the lists.
    #[arg(long, value_name = "space:NAME|user:NAME", conflicts_with = "reply_to")]
    pub to: Vec<String>,
    /// App: start with "Urgent" on (notifies at once, even during the recipients' quiet hours).
    #[arg(long)]
    pub urgent: bool,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once
pub enum Command {
    /// Open the app (the same as no command), optionally addressed: `app --to space:eng`.
    App(AppArgs),
    /// Record until SIGINT/SIGTERM or --duration (SIGUSR1 pauses and resumes), upload, print the
    /// message as JSON.
    Record(RecordArgs),
    /// Finish and upload recordings a crash (or SIGKILL) left unfinished; one JSON line each.
    Recover(RecoverArgs),
    /// List cameras, microphones, system-audio sources and usable H.264 encoders (JSON).
    Devices,
}

#[derive(Debug, Args)]
pub struct RecoverArgs {
    #[arg(long, env = "VIDMSG_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Folder for recordings before and while they upload.
    #[arg(long, env = "VIDMSG_RECORDINGS_DIR")]
    pub recordings_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[arg(long, env = "VIDMSG_SERVER")]
    pub server: String,
    #[arg(long, env = "VIDMSG_TOKEN", hide_env_values = true)]
    pub token: String,
    #[arg(long, default_value = "Untitled recording")]
    pub title: String,
    /// Post into this thread (default: a new thread named like the recording).
    #[arg(long, conflicts_with = "reply_to")]
    pub thread: Option<i64>,
    /// Record a reply to this message, in its thread.
    #[arg(long)]
    pub reply_to: Option<i64>,
    /// Send to a new thread in `space:NAME`, or with `user:NAME` (repeatable: one space, or
    /// people). Names are checked with the server before capture starts.
    #[arg(long, value_name = "space:NAME|user:NAME", conflicts_with_all = ["thread", "reply_to"])]
    pub to: Vec<String>,
    /// Stop after this many seconds of video (the maximum length).
    #[arg(long)]
    pub duration: Option<f64>,
    /// `:99`, `:99+X,Y,WxH` (a region), `test` (a pattern) or `none` [default: $DISPLAY].
    #[arg(long, default_value = "default")]
    pub screen: String,
    /// A V4L2 device (`/dev/video0`), `test`, or `none`.
    #[arg(long, default_value = "none")]
    pub camera: String,
    /// A PulseAudio source, `default`, or `none`.
    #[arg(long, default_value = "default")]
    pub mic: String,
    /// Also record what the computer plays: `default` (the default output's monitor) or a
    /// PulseAudio monitor source; mixed with the microphone.
    #[arg(long)]
    pub system_audio: Option<String>,
    /// H.264 encoder: `auto` (a hardware encoder when one works here, else x264), `x264enc`, or
    /// a GStreamer element name.
    #[arg(long, default_value = "auto")]
    pub encoder: String,
    /// Audio codec: `opus` or `aac`.
    #[arg(long, default_value = "opus", value_parser = ["opus", "aac"])]
    pub audio_codec: String,
    /// Output size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1920x1080")]
    pub size: String,
    #[arg(long, default_value_t = 30)]
    pub fps: u32,
    #[arg(long, default_value_t = 4000)]
    pub video_kbps: u32,
    /// Diameter of the camera bubble in pixels.
    #[arg(long, default_value_t = 240)]
    pub bubble: u32,
    /// Folder for recordings before and while they upload.
    #[arg(long, env = "VIDMSG_RECORDINGS_DIR")]
    pub recordings_dir: Option<PathBuf>,
    /// Seconds of countdown (a JSON line each) before capture starts.
    #[arg(long, default_value_t = 0)]
    pub countdown: u32,
    /// Mark the message urgent: its notifications go out at once, even during the recipients'
    /// quiet hours (the printed line then has `"urgent": true`).
    #[arg(long)]
    pub urgent: bool,
}

fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let (w, h) = s.split_once('x').context("--size is WIDTHxHEIGHT")?;
    let (w, h): (u32, u32) = (w.parse()?, h.parse()?);
    anyhow::ensure!(
        (64..=7680).contains(&w) && (64..=4320).contains(&h) && w % 2 == 0 && h % 2 == 0,
        "unsupported size {s}"
    );
    Ok((w, h))
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Record(a)) => record(a),
        Some(Command::Recover(a)) => recover(a),
        Some(Command::Devices) => devices(),
        Some(Command::App(a)) => run_app(app_options(a)?),
        None => run_app(app_options(cli.app)?),
    }
}

/// The app's options from its flags; a malformed `--to` fails before a window opens.
pub fn app_options(a: AppArgs) -> anyhow::Result<crate::app::AppOptions> {
    Ok(crate::app::AppOptions {
        settings_path: None,
        reply_to: a.reply_to,
        server: a.server,
        token: a.token,
        preview: true,
        to: crate::recipients::Recipients::parse(&a.to)?,
        urgent: a.urgent,
    })
}

fn run_app(options: crate::app::AppOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("vidmsg recorder")
            .with_app_id("vidmsg-recorder")
            .with_inner_size([960.0, 720.0]),
        ..Default::default()
    };
    eframe::run_native(
        "vidmsg recorder",
        native,
        Box::new(move |cc| {
            Ok(Box::new(crate::app::RecorderApp::new(
                &cc.egui_ctx,
                options,
            )?))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the recorder window could not open: {e}"))
}

fn devices() -> anyhow::Result<()> {
    use vidmsg_media::devices::DeviceKind;
    let list = vidmsg_media::devices::list()?;
    let of = |k: DeviceKind| {
        list.iter()
            .filter(|d| d.kind == k)
            .map(|d| serde_json::json!({"id": d.id, "name": d.name}))
            .collect::<Vec<_>>()
    };
    let out = serde_json::json!({
        "cameras": of(DeviceKind::Camera),
        "microphones": of(DeviceKind::Microphone),
        "system_audio": of(DeviceKind::SystemAudio),
        "encoders": vidmsg_media::devices::h264_encoders(),
        "monitors": std::env::var("DISPLAY").ok().and_then(|d| crate::capture::monitors::list(&d).ok()).unwrap_or_default()
            .iter()
            .map(|m| serde_json::json!({"name": m.name, "primary": m.primary, "screen": m.screen_spec(&std::env::var("DISPLAY").unwrap_or_default())}))
            .collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn recover(a: RecoverArgs) -> anyhow::Result<()> {
    let dir = a
        .recordings_dir
        .unwrap_or_else(session::default_recordings_dir);
    let rt = tokio::runtime::Runtime::new()?;
    let mut failed = 0;
    for (folder, state) in crate::upload::recover::unfinished(&dir) {
        let id = state.message_id;
        match rt.block_on(crate::upload::recover::recover(&folder, state, &a.token)) {
            Ok(m) => println!(
                "{}",
                serde_json::json!({"message_id": m.id, "thread_id": m.thread_id, "recovered": true, "spool": folder.join("recording.mp4")})
            ),
            Err(e) => {
                failed += 1;
                eprintln!(
                    "could not recover message {id} from {}: {e:#}",
                    folder.display()
                );
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} recordings could not be recovered (they stay on disk; run recover again)"
    );
    Ok(())
}

fn record(a: RecordArgs) -> anyhow::Result<()> {
    let (width, height) = parse_size(&a.size)?;
    let mut screen = Screen::parse(&a.screen).map_err(anyhow::Error::msg)?;
    if let Screen::X11 {
        display: d @ None, ..
    } = &mut screen
    {
        *d = std::env::var("DISPLAY").ok();
    }
    let to = crate::recipients::Recipients::parse(&a.to)?;
    let spec = SessionSpec {
        server: a.server.trim_end_matches('/').to_string(),
        token: a.token,
        title: a.title,
        destination: match (a.thread, a.reply_to, to) {
            (_, Some(m), _) => Destination::ReplyTo(m),
            (Some(t), None, _) => Destination::Thread(t),
            (None, None, Some(r)) => Destination::To(r),
            (None, None, None) => Destination::NewThread,
        },
        max_duration: a.duration.filter(|d| *d > 0.0).map(Duration::from_secs_f64),
        capture: CaptureSpec {
            screen,
            camera: Camera::parse(&a.camera),
            mic: Mic::parse(&a.mic),
            system_audio: a.system_audio.filter(|s| s != "none"),
            encoder: a.encoder,
            audio_codec: a.audio_codec,
            width,
            height,
            fps: a.fps.clamp(1, 60),
            video_kbps: a.video_kbps.clamp(100, 50_000),
            bubble: a.bubble,
            corner: Corner::BottomLeft,
        },
        recordings_dir: a
            .recordings_dir
            .unwrap_or_else(session::default_recordings_dir),
        countdown: a.countdown.min(10),
        urgent: a.urgent,
    };
    let waiting = crate::upload::recover::unfinished(&spec.recordings_dir);
    if !waiting.is_empty() {
        eprintln!(
            "{} unfinished recording(s) in {} can be recovered: run `vidmsg-recorder recover`",
            waiting.len(),
            spec.recordings_dir.display()
        );
    }
    let rt = tokio::runtime::Runtime::new()?;
    let outcome = rt.block_on(async {
        // SIGUSR1 toggles pause/resume; SIGINT or SIGTERM stops.
        let (pause_tx, pause_rx) = tokio::sync::mpsc::unbounded_channel();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut usr1 = signal(SignalKind::user_defined1())?;
            tokio::spawn(async move {
                while usr1.recv().await.is_some() {
                    if pause_tx.send(()).is_err() {
                        return;
                    }
                }
            });
        }
        #[cfg(not(unix))]
        drop(pause_tx);
        let stop = async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                match signal(SignalKind::terminate()) {
                    Ok(mut term) => {
                        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        };
        let events: session::Events = std::sync::Arc::new(|e: &session::Event| {
            if let Ok(line) = serde_json::to_string(e) {
                eprintln!("{line}");
            }
        });
        session::record(spec, stop, pause_rx, events).await
    })?;
    println!("{}", serde_json::to_string(&outcome)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipients::Recipients;

    fn app(args: &[&str]) -> anyhow::Result<crate::app::AppOptions> {
        let cli = Cli::try_parse_from([&["vidmsg-recorder"][..], args].concat())?;
        match cli.command {
            Some(Command::App(a)) => app_options(a),
            None => app_options(cli.app),
            Some(other) => anyhow::bail!("not the app: {other:?}"),
        }
    }

    #[test]
    fn the_app_opens_addressed_and_urgent_or_refuses_a_bad_to() -> anyhow::Result<()> {
        let o = app(&["app", "--to", "space:#eng", "--urgent"])?;
        assert_eq!(o.to, Some(Recipients::Space("eng".into())));
        assert!(o.urgent);
        let o = app(&["--to", "user:bob", "--to", "user:carol"])?;
        assert_eq!(
            o.to,
            Some(Recipients::People(vec!["bob".into(), "carol".into()]))
        );
        assert!(!o.urgent);
        let o = app(&["app"])?;
        assert_eq!((o.to, o.urgent, o.reply_to), (None, false, None));
        assert_eq!(app(&["app", "--reply-to", "7"])?.reply_to, Some(7));
        assert!(app(&["app", "--to", "eng"]).is_err());
        assert!(app(&["app", "--to", "space:a", "--to", "user:b"]).is_err());
        assert!(app(&["app", "--to", "space:a", "--reply-to", "7"]).is_err());
        let r = Cli::try_parse_from([
            "vidmsg-recorder",
            "record",
            "--server",
            "s",
            "--token",
            "t",
            "--urgent",
        ])?;
        assert!(matches!(
            r.command,
            Some(Command::Record(RecordArgs { urgent: true, .. }))
        ));
        Ok(())
    }
}
