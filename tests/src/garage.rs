//! A real Garage (a distributed S3 server) for the tests that need an external store: one node
//! on loopback with a generated config in a temp dir, a layout applied, and one key that may
//! create buckets. The binary is the one `scripts/setup` caches (`~/.cache/vidmsg/bin/garage`,
//! or `VIDMSG_GARAGE`). Dropping it kills the node and removes its data; [`Garage::stop`] and
//! [`Garage::start_again`] take it away for a while and bring it back on the same ports.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// A running Garage node.
pub struct Garage {
    /// `http://127.0.0.1:PORT`, its S3 API.
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    dir: tempfile::TempDir,
    config: PathBuf,
    child: Option<Child>,
}

/// The Garage binary: `VIDMSG_GARAGE`, else the cache `scripts/setup` fills.
pub fn binary() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("VIDMSG_GARAGE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?)
            .join(".cache/vidmsg/bin/garage"),
    };
    anyhow::ensure!(
        path.exists(),
        "garage not found at {} (scripts/setup installs it: cargo install garage@2.5.0 --locked \
         --root ~/.cache/vidmsg)",
        path.display()
    );
    Ok(path)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore as _;
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Garage {
    /// Starts a node and waits until its S3 API takes the key.
    pub fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let (rpc, s3, admin) = (free_port()?, free_port()?, free_port()?);
        let config = dir.path().join("garage.toml");
        std::fs::write(
            &config,
            format!(
                "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"sqlite\"\n\
                 replication_factor = 1\nrpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
                 rpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{secret}\"\n\n\
                 [s3_api]\ns3_region = \"us-east-1\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n\
                 root_domain = \".s3.garage.localhost\"\n\n\
                 [admin]\napi_bind_addr = \"127.0.0.1:{admin}\"\n",
                meta = dir.path().join("meta").display(),
                data = dir.path().join("data").display(),
                secret = random_hex(32),
            ),
        )?;
        let mut garage = Self {
            endpoint: format!("http://127.0.0.1:{s3}"),
            access_key: format!("GK{}", random_hex(12)),
            secret_key: random_hex(32),
            dir,
            config,
            child: None,
        };
        garage.spawn()?;
        let node = garage.wait_for_cli(&["node", "id", "-q"])?;
        let node = node
            .trim()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        // `node id` reads the key from the metadata dir without asking the node, so it can answer
        // before the RPC port listens; `status` goes through RPC. Assigning is idempotent.
        garage.wait_for_cli(&["status"])?;
        garage.wait_for_cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node])?;
        garage.cli(&["layout", "apply", "--version", "1"])?;
        let (ak, sk) = (garage.access_key.clone(), garage.secret_key.clone());
        garage.cli(&["key", "import", "--yes", "-n", "vidmsg-tests", &ak, &sk])?;
        garage.cli(&["key", "allow", "--create-bucket", &ak])?;
        Ok(garage)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("garage.log"))?;
        let child = Command::new(binary()?)
            .arg("-c")
            .arg(&self.config)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting garage")?;
        self.child = Some(child);
        Ok(())
    }

    /// Runs a `garage` admin command against this node; its stdout.
    pub fn cli(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = Command::new(binary()?)
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "garage {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn wait_for_cli(&self, args: &[&str]) -> anyhow::Result<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.cli(args) {
                Ok(out) => return Ok(out),
                Err(e) if Instant::now() > deadline => {
                    let log = std::fs::read_to_string(self.dir.path().join("garage.log"))
                        .unwrap_or_default();
                    return Err(e.context(format!("garage did not come up; its log:\n{log}")));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Kills the node (as a crash or an outage would); its data stays.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the node again on the same ports and data, and waits until it answers.
    pub fn start_again(&mut self) -> anyhow::Result<()> {
        self.spawn()?;
        self.wait_for_cli(&["status"])?;
        Ok(())
    }

    /// The settings a vidmsg server uses to store in this node, in `bucket`.
    pub fn s3(&self) -> vidmsg_server::config::ExternalS3 {
        vidmsg_server::config::ExternalS3 {
            endpoint: self.endpoint.clone(),
            region: "us-east-1".into(),
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
        }
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}
