//! `vidmsg-player`: see `vidmsg-player --help`.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    vidmsg_desktop::logging::init("warn");
    vidmsg_player::cli::run(vidmsg_player::cli::Cli::parse())
}
