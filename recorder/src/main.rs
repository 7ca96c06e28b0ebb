//! `vidmsg-recorder`: see `vidmsg-recorder --help`.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    vidmsg_desktop::logging::init("info");
    let cli = vidmsg_recorder::cli::Cli::parse();
    vidmsg_recorder::cli::run(cli)
}
