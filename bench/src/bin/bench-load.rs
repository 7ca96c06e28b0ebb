//! `bench-load`: drives a running vidmsg server over its API for `scripts/bench-load`.
//!
//!   bench-load setup  --server URL --state FILE            (admin token in BENCH_ADMIN_TOKEN)
//!   bench-load load   --server URL --state FILE --backend NAME [--readers 50 --uploaders 20 --secs 20]
//!   bench-load search --server URL --state FILE --backend NAME --database-url URL [--rounds 40]
//!
//! `load` and `search` print Markdown table rows (the script prints the headers once for both
//! backends); progress and the first error of an operation go to stderr.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use vidmsg_bench::floor::Floor;
use vidmsg_bench::load::{self, LoadPlan};
use vidmsg_bench::scale;
use vidmsg_bench::setup::{TeamSize, make_team};
use vidmsg_bench::state::BenchState;
use vidmsg_bench::stats::{Samples, ms};

#[derive(Parser)]
#[command(
    name = "bench-load",
    about = "vidmsg load and search benchmark (over the API)"
)]
struct Cli {
    /// The server's base URL.
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// The JSON file `setup` writes and the other steps read.
    #[arg(long, global = true, default_value = "bench-state.json")]
    state: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Make the team: users, spaces, threads, uploaded video messages.
    Setup {
        #[arg(long, env = "BENCH_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: String,
        #[arg(long, default_value_t = 10)]
        users: usize,
        #[arg(long, default_value_t = 10)]
        threads_per_space: usize,
        #[arg(long, default_value_t = 200)]
        messages: usize,
    },
    /// Concurrent readers (list threads, search) and uploaders.
    Load {
        #[arg(long)]
        backend: String,
        #[arg(long, default_value_t = 50)]
        readers: usize,
        #[arg(long, default_value_t = 20)]
        uploaders: usize,
        #[arg(long, default_value_t = 20)]
        secs: u64,
        #[arg(long, default_value_t = 5)]
        uploads_each: usize,
    },
    /// The query mix, one at a time, through the API and straight on the database.
    Search {
        #[arg(long)]
        backend: String,
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 40)]
        rounds: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Setup {
            admin_token,
            users,
            threads_per_space,
            messages,
        } => {
            let size = TeamSize {
                users,
                threads_per_space,
                messages,
            };
            let state = make_team(&cli.server, &admin_token, size).await?;
            state.save(&cli.state)?;
            eprintln!(
                "bench-load: {} users, {} threads, {} video messages",
                state.users.len(),
                state.threads.len(),
                state.messages.len()
            );
        }
        Cmd::Load {
            backend,
            readers,
            uploaders,
            secs,
            uploads_each,
        } => {
            let state = BenchState::load(&cli.state)?;
            let plan = LoadPlan {
                readers,
                uploaders,
                duration: Duration::from_secs(secs),
                uploads_each,
            };
            let res = load::run(&cli.server, &state, plan).await?;
            let secs = res.elapsed.as_secs_f64();
            for (op, s) in &res.rows {
                report_errors(&backend, op, s);
                println!(
                    "| {backend} | {op} | {} | {} | {} | {:.1} | {} |",
                    s.latencies.len(),
                    ms(s.percentile_ms(50.0)),
                    ms(s.percentile_ms(99.0)),
                    s.latencies.len() as f64 / secs,
                    s.errors
                );
            }
        }
        Cmd::Search {
            backend,
            database_url,
            rounds,
        } => {
            let state = BenchState::load(&cli.state)?;
            let floor = Floor::open(&database_url).await?;
            let results = scale::run(&cli.server, &floor, &state, rounds).await?;
            let (mut api_all, mut floor_all) = (Samples::default(), Samples::default());
            for r in results {
                report_errors(&backend, r.label, &r.api);
                report_errors(&backend, r.label, &r.floor);
                print_search_row(
                    &backend,
                    &format!("{} `{}`", r.label, r.q),
                    &r.hits.to_string(),
                    &r.api,
                    &r.floor,
                );
                api_all.merge(r.api);
                floor_all.merge(r.floor);
            }
            print_search_row(&backend, "**all five**", "", &api_all, &floor_all);
        }
    }
    Ok(())
}

fn print_search_row(backend: &str, what: &str, hits: &str, api: &Samples, floor: &Samples) {
    let (a99, f99) = (api.percentile_ms(99.0), floor.percentile_ms(99.0));
    let ratio = if f99 > 0.0 { a99 / f99 } else { 0.0 };
    println!(
        "| {backend} | {what} | {hits} | {} | {} | {} | {} | {ratio:.2}x | {} |",
        ms(api.percentile_ms(50.0)),
        ms(a99),
        ms(floor.percentile_ms(50.0)),
        ms(f99),
        api.errors + floor.errors
    );
}

fn report_errors(backend: &str, op: &str, s: &Samples) {
    if let Some(e) = &s.first_error {
        eprintln!(
            "bench-load: {backend} {op}: {} errors, first: {e}",
            s.errors
        );
    }
}
