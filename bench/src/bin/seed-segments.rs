//! `seed-segments`: inserts N transcript segments of English-frequency text straight into a
//! vidmsg database, attached to the video messages `bench-load setup` made.
//!
//!   seed-segments --database-url URL --state FILE [--count 1000000] [--from 0 --to COUNT] [--seed 1]
//!
//! `--from`/`--to` insert only that part of the `--count` layout, so a corpus can grow in
//! steps. Prints one line: how many rows, how long, rows per second.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use vidmsg_bench::seed::{SeedPlan, seed};
use vidmsg_bench::state::BenchState;

#[derive(Parser)]
#[command(
    name = "seed-segments",
    about = "Insert transcript segments for the search benchmark"
)]
struct Cli {
    /// sqlite://PATH or postgres://…
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value = "bench-state.json")]
    state: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    count: usize,
    /// First segment (of the `--count` layout) to insert.
    #[arg(long, default_value_t = 0)]
    from: usize,
    /// Segment to stop before [default: --count].
    #[arg(long)]
    to: Option<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let state = BenchState::load(&cli.state)?;
    let start = Instant::now();
    let to = cli.to.unwrap_or(cli.count).min(cli.count);
    let rows = to.saturating_sub(cli.from);
    let plan = SeedPlan {
        messages: state.messages,
        count: cli.count,
        range: cli.from..to,
        seed: cli.seed,
    };
    seed(&cli.database_url, plan).await?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seeded {rows} segments in {secs:.0} s ({:.0} rows/s)",
        rows as f64 / secs
    );
    Ok(())
}
