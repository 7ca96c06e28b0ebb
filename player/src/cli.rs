//! Command line: no command opens the app; `inbox` and `search` print to the terminal.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use vidmsg_api::{Client, PageQuery, SearchQuery};

use crate::app::settings::Settings;
use crate::app::{AppOptions, PlayerApp};
use vidmsg_desktop::clock;

#[derive(Debug, Parser)]
#[command(
    name = "vidmsg-player",
    version,
    about = "Watch vidmsg threads, search what was said, reply"
)]
pub struct Cli {
    /// Server URL (saved for next time; default: the saved one).
    #[arg(long, env = "VIDMSG_SERVER")]
    pub server: Option<String>,
    /// API token (saved for next time; default: the saved one).
    #[arg(long, env = "VIDMSG_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// App: open this message and play it.
    #[arg(long)]
    pub open: Option<i64>,
    /// App: audio output element (e.g. `fakesink` on a machine without sound).
    #[arg(long, env = "VIDMSG_AUDIO_SINK")]
    pub audio_sink: Option<String>,
    /// App: print a JSON status line (frames shown, position) to stderr every second.
    #[arg(long, env = "VIDMSG_PLAYER_REPORT")]
    pub report: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Threads, newest activity first, with their messages and status.
    Inbox,
    /// Search every transcript you can see; prints thread, message, time and snippet.
    Search { query: String },
    /// Benchmark helper: open URL (a file path or http URL), wait for the first decoded frame
    /// (optionally after seeking to --start), print the times as JSON, exit.
    BenchOpen {
        url: String,
        #[arg(long)]
        start: Option<f64>,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        return run_app(AppOptions {
            settings_path: None,
            server: cli.server,
            token: cli.token,
            open: cli.open,
            audio_sink: cli.audio_sink,
            report: cli.report,
        });
    };
    if let Command::BenchOpen { url, start } = &command {
        return bench_open(url, *start);
    }
    let saved = Settings::load(&Settings::default_path()).unwrap_or_default();
    let server = cli.server.unwrap_or(saved.server);
    let token = cli.token.filter(|t| !t.is_empty()).unwrap_or(saved.token);
    anyhow::ensure!(
        !token.is_empty(),
        "no token: pass --token (or sign in once in the app)"
    );
    let client = Client::new(&server, Some(token)).context("server URL")?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        match command {
            Command::Inbox => {
                let threads = client.list_threads(&PageQuery::default()).await?;
                for t in threads.items {
                    let unread = if t.unread_count > 0 {
                        format!(", {} new", t.unread_count)
                    } else {
                        String::new()
                    };
                    println!(
                        "#{} {} ({} messages{unread}; {})",
                        t.id,
                        t.title,
                        t.message_count,
                        t.members.join(", ")
                    );
                    let msgs = client.list_messages(t.id, &PageQuery::default()).await?;
                    for m in msgs.items {
                        let indent = if m.parent_id.is_some() {
                            "    ↳ "
                        } else {
                            "  "
                        };
                        let len = m.duration_ms.map(clock).unwrap_or_default();
                        let reason = m
                            .status_reason
                            .map(|r| format!(" — {r}"))
                            .unwrap_or_default();
                        println!(
                            "{indent}[{}] {} by {} {len} {:?}{reason}",
                            m.id, m.title, m.author, m.status
                        );
                    }
                }
            }
            Command::BenchOpen { .. } => {}
            Command::Search { query } => {
                let res = client
                    .search(&SearchQuery {
                        q: query,
                        ..Default::default()
                    })
                    .await?;
                if res.hits.is_empty() {
                    println!("no hits");
                }
                for h in res.hits {
                    println!(
                        "{} › {} [{}] at {}: {}",
                        h.thread_title,
                        h.title,
                        h.message_id,
                        clock(h.start_ms),
                        h.snippet
                    );
                }
            }
        }
        anyhow::Ok(())
    })
}

fn run_app(options: AppOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("vidmsg")
            .with_app_id("vidmsg-player")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "vidmsg player",
        native,
        Box::new(move |cc| Ok(Box::new(PlayerApp::new(&cc.egui_ctx, options)?))),
    )
    .map_err(|e| anyhow::anyhow!("the player window could not open: {e}"))
}

/// Open → first frame (and seek → first frame at the new place), headless: the same playback
/// pipeline the app shows, without a window.
fn bench_open(url: &str, start: Option<f64>) -> anyhow::Result<()> {
    use std::time::{Duration, Instant};
    let uri = if url.contains("://") {
        url.to_string()
    } else {
        format!("file://{}", std::fs::canonicalize(url)?.display())
    };
    let t0 = Instant::now();
    let mut p = vidmsg_media::Playback::open(&uri, Some("fakesink"))?;
    let deadline = t0 + Duration::from_secs(30);
    let wait_frame = |p: &mut vidmsg_media::Playback,
                      after: Option<Duration>|
     -> anyhow::Result<()> {
        loop {
            for ev in p.poll() {
                if let vidmsg_media::PlaybackEvent::Error(e) = ev {
                    anyhow::bail!("playback failed: {e}");
                }
            }
            if let Some(f) = p.frames.take()
                && after.is_none_or(|a| f.pts.is_some_and(|t| t + Duration::from_millis(50) >= a))
            {
                return Ok(());
            }
            anyhow::ensure!(Instant::now() < deadline, "no frame within 30 s");
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    wait_frame(&mut p, None)?;
    let first = t0.elapsed();
    let mut seek_ms = None;
    if let Some(s) = start {
        let target = Duration::from_secs_f64(s.max(0.0));
        let t1 = Instant::now();
        p.seek(target);
        wait_frame(&mut p, Some(target))?;
        seek_ms = Some(t1.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{}",
        serde_json::json!({"first_frame_ms": first.as_secs_f64() * 1000.0, "seek_ms": seek_ms})
    );
    Ok(())
}
