//! vidmsg as a company runs it past one machine: API servers and transcription workers as
//! separate `vidmsg-server` processes (as on separate hosts), all on one PostgreSQL database and
//! one Garage store. Each process can be killed (`kill -9`, as a crash) and started again.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::Context as _;
use vidmsg_api::Client;

use crate::garage::Garage;
use crate::server::server_binary;

/// Where every process of the cluster keeps its state.
#[derive(Clone)]
pub struct Shared {
    pub database_url: String,
    pub s3_endpoint: String,
    pub s3_access_key: String,
    pub s3_secret_key: String,
    pub bucket: String,
}

impl Shared {
    /// A fresh database on the test PostgreSQL (`VIDMSG_TEST_POSTGRES`) and `garage`'s store.
    pub async fn new(garage: &Garage) -> anyhow::Result<Self> {
        let admin = crate::database::postgres_admin_url().context(
            "this test needs PostgreSQL: set VIDMSG_TEST_POSTGRES (scripts/test does, in its \
             second pass; scripts/postgres start DIR prints one)",
        )?;
        Ok(Self {
            database_url: crate::database::fresh_postgres(&admin).await?,
            s3_endpoint: garage.endpoint.clone(),
            s3_access_key: garage.access_key.clone(),
            s3_secret_key: garage.secret_key.clone(),
            bucket: "vidmsg-cluster".into(),
        })
    }

    fn command(&self, data_dir: &Path) -> anyhow::Result<Command> {
        let mut c = Command::new(server_binary()?);
        c.arg("--data-dir")
            .arg(data_dir)
            .arg("--database-url")
            .arg(&self.database_url)
            .env("VIDMSG_S3_ENDPOINT", &self.s3_endpoint)
            .env("VIDMSG_S3_BUCKET", &self.bucket)
            .env("VIDMSG_S3_ACCESS_KEY", &self.s3_access_key)
            .env("VIDMSG_S3_SECRET_KEY", &self.s3_secret_key)
            .env("RUST_LOG", "warn");
        Ok(c)
    }

    /// Adds a user through the admin command (as an operator would); its token.
    pub fn user(&self, name: &str) -> anyhow::Result<String> {
        let dir = tempfile::tempdir()?;
        let out = self
            .command(dir.path())?
            .args(["user", "add", name])
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "user add {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }
}

/// One `vidmsg-server serve --no-worker` process.
pub struct ApiServer {
    pub url: String,
    child: Child,
    _data: tempfile::TempDir,
}

impl ApiServer {
    pub fn start(shared: &Shared) -> anyhow::Result<Self> {
        Self::start_with(shared, &[])
    }

    /// A server with more `serve` flags (e.g. `--public-url`, `--trusted-proxy`).
    pub fn start_with(shared: &Shared, serve_args: &[&str]) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
        // Its own address, chosen here: with --public-url the server prints that URL instead.
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let mut child = shared
            .command(data.path())?
            .args(["serve", "--listen", &listen.to_string(), "--no-worker"])
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(log_file(data.path(), "serve.log")?)
            .spawn()
            .context("starting vidmsg-server serve")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        // Keep reading what it prints later, so a write to a closed pipe never kills it.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let printed = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        if !printed.starts_with("http") {
            let _ = child.kill();
            let log = std::fs::read_to_string(data.path().join("serve.log")).unwrap_or_default();
            anyhow::bail!("serve printed {line:?}; its log:\n{log}");
        }
        Ok(Self {
            url: format!("http://{listen}"),
            child,
            _data: data,
        })
    }

    /// `kill -9`: the server dies mid-request, as a crashed host would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A client of this server signed in with `token`.
    pub fn client(&self, token: &str) -> anyhow::Result<Client> {
        Ok(Client::new(&self.url, Some(token.to_string()))?)
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One `vidmsg-server worker` process.
pub struct Worker {
    child: Child,
    pub data: tempfile::TempDir,
}

impl Worker {
    /// A worker with the tests' model, one whisper thread, and a short job lease (so a job whose
    /// worker died is taken over within seconds).
    pub fn start(shared: &Shared, lease_secs: u64) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
        let model: PathBuf = crate::model::default_model()?;
        let child = shared
            .command(data.path())?
            .arg("worker")
            .arg("--model")
            .arg(model)
            .args(["--whisper-threads", "1"])
            .args(["--job-lease-secs", &lease_secs.to_string()])
            .stdout(Stdio::null())
            .stderr(log_file(data.path(), "worker.log")?)
            .spawn()
            .context("starting vidmsg-server worker")?;
        Ok(Self { child, data })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn log_file(dir: &Path, name: &str) -> anyhow::Result<std::fs::File> {
    Ok(std::fs::File::create(dir.join(name))?)
}
