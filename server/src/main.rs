//! `vidmsg-server`: see `vidmsg-server --help`.

use clap::Parser;
use vidmsg_server::cli::{Cli, Command};
use vidmsg_server::{Application, Config, admin, backup, commands, db, startup};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    vidmsg_server::logging::init(cli.global.log_format);
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
            // The database's kind only: its URL may hold a password.
            let database = config.database_url.split(':').next().unwrap_or_default();
            tracing::info!(url = app.base_url(), data_dir = %config.data_dir.display(), database, "vidmsg server listening; storage: {store}");
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
        Command::MigrateData(cmd) => {
            db::migrate_data::run(&cmd.from, &cmd.to, &mut std::io::stdout()).await?;
            Ok(())
        }
        Command::Backup(cmd) => {
            let config = Config::load(&cli.global, None, Some(&cmd.storage), None)?;
            let store = startup::command_store(&config)?;
            backup::backup(
                &config.database_url,
                &store,
                &cmd.to,
                cmd.with_objects,
                &mut std::io::stdout(),
            )
            .await?;
            Ok(())
        }
        Command::Restore(cmd) => {
            let config = Config::load(&cli.global, None, Some(&cmd.storage), None)?;
            let store = startup::command_store(&config)?;
            let options = backup::RestoreOptions {
                with_objects: cmd.with_objects,
                allow_missing_objects: cmd.allow_missing_objects,
            };
            backup::restore(
                &config.database_url,
                &store,
                &cmd.from,
                options,
                &mut std::io::stdout(),
            )
            .await?;
            Ok(())
        }
        Command::Token(cmd) => {
            let config = Config::load(&cli.global, None, None, None)?;
            vidmsg_server::data_dir::prepare(&config.data_dir)?;
            let db = db::connect(&config.database_url).await?;
            admin::run_token(&db, cmd, &mut std::io::stdout()).await
        }
    }
}
