//! Command line: no command opens the app; `inbox` and `search` print to the terminal.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use vidmsg_api::{Client, PageQuery, SearchQuery};

use crate::app::settings::Settings;
use crate::app::{AppOptions, PlayerApp};

#[derive(Debug, Parser)]
#[command(name = "vidmsg-player", version, about = "Watch vidmsg threads, search what was said, reply")]
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
}

fn clock(ms: i64) -> String {
    format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60)
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        return run_app(AppOptions { settings_path: None, server: cli.server, token: cli.token, open: cli.open, audio_sink: cli.audio_sink, report: cli.report });
    };
    let saved = Settings::load(&Settings::default_path()).unwrap_or_default();
    let server = cli.server.unwrap_or(saved.server);
    let token = cli.token.filter(|t| !t.is_empty()).unwrap_or(saved.token);
    anyhow::ensure!(!token.is_empty(), "no token: pass --token (or sign in once in the app)");
    let client = Client::new(&server, Some(token)).context("server URL")?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        match command {
            Command::Inbox => {
                let threads = client.list_threads(&PageQuery::default()).await?;
                for t in threads.items {
                    let unread = if t.unread_count > 0 { format!(", {} new", t.unread_count) } else { String::new() };
                    println!("#{} {} ({} messages{unread}; {})", t.id, t.title, t.message_count, t.members.join(", "));
                    let msgs = client.list_messages(t.id, &PageQuery::default()).await?;
                    for m in msgs.items {
                        let indent = if m.parent_id.is_some() { "    ↳ " } else { "  " };
                        let len = m.duration_ms.map(clock).unwrap_or_default();
                        let reason = m.status_reason.map(|r| format!(" — {r}")).unwrap_or_default();
                        println!("{indent}[{}] {} by {} {len} {:?}{reason}", m.id, m.title, m.author, m.status);
                    }
                }
            }
            Command::Search { query } => {
                let res = client.search(&SearchQuery { q: query, ..Default::default() }).await?;
                if res.hits.is_empty() {
                    println!("no hits");
                }
                for h in res.hits {
                    println!("{} › {} [{}] at {}: {}", h.thread_title, h.title, h.message_id, clock(h.start_ms), h.snippet);
                }
            }
        }
        anyhow::Ok(())
    })
}

fn run_app(options: AppOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: eframe::egui::ViewportBuilder::default().with_title("vidmsg").with_app_id("vidmsg-player").with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native("vidmsg player", native, Box::new(move |cc| Ok(Box::new(PlayerApp::new(&cc.egui_ctx, options)?))))
        .map_err(|e| anyhow::anyhow!("the player window could not open: {e}"))
}
