//! A real `vidmsg-server` for one test.

use std::path::PathBuf;

use anyhow::Context as _;
use vidmsg_api::Client;
use vidmsg_server::{Application, Config, RunningServer, admin};

/// The server, its data dir, and helpers to sign users in. Dropping it stops the server and
/// removes the data dir.
pub struct TestServer {
    pub running: RunningServer,
    pub data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with the embedded store on 127.0.0.1:0, without the transcription
    /// worker (API tests do not need whisper's CPU).
    pub async fn spawn() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut config = Config::for_data_dir(data_dir.path());
        config.worker = false;
        Self::spawn_with(config, data_dir).await
    }

    /// Starts a server (no worker) whose notifications follow `clock`: the test moves it to
    /// where quiet hours begin or end instead of sleeping.
    pub async fn spawn_with_clock(clock: vidmsg_server::clock::Clock) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut config = Config::for_data_dir(data_dir.path());
        config.worker = false;
        config.clock = clock;
        Self::spawn_with(config, data_dir).await
    }

    /// Starts a server whose in-process worker transcribes with the tests' tiny.en model.
    pub async fn spawn_transcribing() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut config = Config::for_data_dir(data_dir.path());
        config.transcription.model = Some(crate::model::default_model()?);
        Self::spawn_with(config, data_dir).await
    }

    /// Polls a message until `done` says so, or fails after `timeout`.
    pub async fn wait_for(
        client: &Client,
        message: i64,
        timeout: std::time::Duration,
        done: impl Fn(&vidmsg_api::Message) -> bool,
    ) -> anyhow::Result<vidmsg_api::Message> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let m = client.get_message(message).await?;
            if done(&m) {
                return Ok(m);
            }
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "message {message} still {:?} ({:?})",
                m.status,
                m.status_reason
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    /// Polls a message until its transcription ends; fails with the server's reason unless it
    /// ended `ready`.
    pub async fn wait_ready(
        client: &Client,
        message: i64,
        timeout: std::time::Duration,
    ) -> anyhow::Result<vidmsg_api::Message> {
        use vidmsg_api::MessageStatus::{Failed, Ready};
        let m = Self::wait_for(client, message, timeout, |m| {
            matches!(m.status, Ready | Failed)
        })
        .await?;
        anyhow::ensure!(
            m.status == Ready,
            "message {message} was not transcribed: {:?}",
            m.status_reason
        );
        Ok(m)
    }

    pub async fn spawn_with(
        mut config: Config,
        data_dir: tempfile::TempDir,
    ) -> anyhow::Result<Self> {
        // The worker decodes in a child: the `vidmsg-server` cargo built beside this test.
        if let Ok(bin) = server_binary() {
            config.transcription.decoding.program = bin;
        }
        // The PostgreSQL pass: a fresh database instead of the data dir's SQLite file (unless the
        // test chose a database itself, or the admin commands already made that file: a test of
        // the binary's commands keeps the database they wrote).
        let sqlite_file = data_dir.path().join("vidmsg.db");
        let default_sqlite = format!("sqlite://{}", sqlite_file.display());
        if let Some(admin) = crate::database::postgres_admin_url()
            && config.database_url == default_sqlite
            && !sqlite_file.exists()
        {
            config.database_url = crate::database::fresh_postgres(&admin).await?;
            crate::database::register(data_dir.path(), &config.database_url);
        }
        let app = Application::build(config)
            .await
            .context("building the server")?;
        let running = app.start().await.context("starting the server")?;
        Ok(Self { running, data_dir })
    }

    pub fn base_url(&self) -> &str {
        self.running.base_url()
    }

    /// A client without a token.
    pub fn anonymous(&self) -> Client {
        Client::new(self.base_url(), None).expect("base url parses")
    }

    /// Creates a user through the same code as `vidmsg-server user add` and returns its client.
    pub async fn user(&self, name: &str) -> anyhow::Result<Client> {
        let token = admin::add_user(self.running.db(), name).await?;
        Ok(Client::new(self.base_url(), Some(token))?)
    }

    /// Creates a user; its token and a client signed in with it.
    pub async fn account(&self, name: &str) -> anyhow::Result<(String, Client)> {
        let token = self.token(name).await?;
        Ok((token.clone(), Client::new(self.base_url(), Some(token))?))
    }

    /// Creates a thread (no other members) as `client`.
    pub async fn thread(client: &Client, title: &str) -> anyhow::Result<vidmsg_api::Thread> {
        Ok(client
            .create_thread(&vidmsg_api::CreateThread {
                title: title.into(),
                members: vec![],
            })
            .await?)
    }

    /// Creates a user and returns its token.
    pub async fn token(&self, name: &str) -> anyhow::Result<String> {
        admin::add_user(self.running.db(), name).await
    }
}

/// Path of the `vidmsg-server` binary cargo built beside this test binary.
pub fn server_binary() -> anyhow::Result<PathBuf> {
    binary("vidmsg-server")
}

/// Path of a workspace binary cargo built beside this test binary.
pub fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .context("test binary has no target dir")?;
    let bin = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        bin.exists(),
        "{} not built (run the tests through scripts/test or `cargo test --workspace`)",
        bin.display()
    );
    Ok(bin)
}

/// `vidmsg-server --data-dir DATA`, plus `--database-url` when a test server of that data dir
/// uses PostgreSQL (the suite's second pass), so a child process reaches the same database.
pub fn server_command(data: &std::path::Path) -> anyhow::Result<std::process::Command> {
    let mut command = std::process::Command::new(server_binary()?);
    command.arg("--data-dir").arg(data);
    if let Some(url) = crate::database::url_for(data) {
        command.arg("--database-url").arg(url);
    }
    Ok(command)
}

/// What an admin command of the built `vidmsg-server` did: success, stdout, stderr.
pub type AdminOutput = (bool, String, String);

/// Runs `vidmsg-server --data-dir DATA ARGS…`, writing `stdin` (if any) to its standard input —
/// how secrets reach the admin commands, never through argv.
pub fn admin_command(
    data: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
) -> anyhow::Result<AdminOutput> {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = server_command(data)?
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut input = child.stdin.take().context("no stdin")?;
    if let Some(s) = stdin {
        input.write_all(s.as_bytes())?;
    }
    drop(input);
    let out = child.wait_with_output()?;
    Ok((
        out.status.success(),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

/// The `Retry-After` of a 429 in whole seconds, checked to be within the one-minute window.
pub fn retry_after_secs(resp: &reqwest::Response) -> anyhow::Result<u64> {
    let secs: u64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .context("no numeric Retry-After")?;
    anyhow::ensure!((1..=60).contains(&secs), "Retry-After {secs}");
    Ok(secs)
}
