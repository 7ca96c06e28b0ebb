//! `vidmsg-player`: the viewing side of vidmsg. The windowed player (playback into an egui
//! texture, transcript click-to-seek, replies) is still to come; today it lists the inbox and
//! searches every transcript from the terminal.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use vidmsg_api::{Client, PageQuery, SearchQuery};

#[derive(Debug, Parser)]
#[command(
    name = "vidmsg-player",
    version,
    about = "vidmsg threads, messages and transcript search"
)]
struct Cli {
    #[arg(long, env = "VIDMSG_SERVER")]
    server: String,
    #[arg(long, env = "VIDMSG_TOKEN", hide_env_values = true)]
    token: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Threads, newest activity first, with their messages and status.
    Inbox,
    /// Search every transcript you can see; prints thread, message, time and snippet.
    Search { query: String },
}

fn clock(ms: i64) -> String {
    format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let client = Client::new(&cli.server, Some(cli.token)).context("server URL")?;
    match cli.command {
        Command::Inbox => {
            let threads = client.list_threads(&PageQuery::default()).await?;
            for t in threads.items {
                println!(
                    "#{} {} ({} messages; {})",
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
    Ok(())
}
