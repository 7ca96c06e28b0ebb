//! `vidmsg-server`: see `vidmsg-server --help`.

use clap::Parser;
use vidmsg_server::cli::{Cli, Command};
use vidmsg_server::{Application, Config, admin, commands, db, startup};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    vidmsg_server::logging::init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(cmd) => {
            let mut config = Config::load(
                &cli.global,
                Some(&cmd.serve),
                Some(&cmd.storage),
                Some(&cmd.worker),
            )?;
            config.worker = config.worker && !cmd.no_worker;
            let app = Application::build(config.clone()).await?;
            let store = match &config.s3 {
                Some(s3) => format!("S3 at {} bucket {}", s3.endpoint, config.bucket),
                None => format!(
                    "embedded S3 at {} bucket {} over {}",
                    app.base_url(),
                    config.bucket,
                    config.data_dir.join("objects").display()
                ),
            };
            tracing::info!(url = app.base_url(), data_dir = %config.data_dir.display(), "vidmsg server listening; storage: {store}");
            let running = app.start().await?;
            println!("vidmsg-server listening on {}", running.base_url());
            running.run_until_signal().await
        }
        Command::Worker(cmd) => {
            let config = Config::load(&cli.global, None, Some(&cmd.storage), Some(&cmd.worker))?;
            startup::run_worker(config).await
        }
        Command::Model(cmd) => {
            let config = Config::load(&cli.global, None, None, None)?;
            commands::model(&config, cmd, &mut std::io::stdout()).await
        }
        Command::Transcribe(cmd) => {
            let config = Config::load(&cli.global, None, None, Some(&cmd.worker))?;
            commands::transcribe(&config, &cmd, &mut std::io::stdout()).await
        }
        Command::User(cmd) => {
            let config = Config::load(&cli.global, None, None, None)?;
            vidmsg_server::data_dir::prepare(&config.data_dir)?;
            let db = db::connect(&config.database_url).await?;
            admin::run_user(&db, cmd, &mut std::io::stdout()).await
        }
        Command::DecodeAudio(cmd) => {
            // The worker's child: no config, no runtime work; just decode stdin's location.
            let containers = if cmd.accept_wav {
                vidmsg_media::Containers::RecordedOrWav
            } else {
                vidmsg_media::Containers::Recorded
            };
            vidmsg_server::transcribe::decode_child::run(
                cmd.memory_mb,
                cmd.parent_pid,
                containers,
            )?;
            Ok(())
        }
        Command::MakePoster(cmd) => {
            vidmsg_server::transcribe::poster_child::run(cmd.memory_mb, cmd.parent_pid)?;
            Ok(())
        }
        Command::Invite(cmd) => {
            let config = Config::load(&cli.global, None, None, None)?;
            vidmsg_server::data_dir::prepare(&config.data_dir)?;
            let db = db::connect(&config.database_url).await?;
            admin::run_invite(&db, &config, cmd, &mut std::io::stdout()).await
        }
        Command::Token(cmd) => {
            let config = Config::load(&cli.global, None, None, None)?;
            vidmsg_server::data_dir::prepare(&config.data_dir)?;
            let db = db::connect(&config.database_url).await?;
            admin::run_token(&db, cmd, &mut std::io::stdout()).await
        }
    }
}
