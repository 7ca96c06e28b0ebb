//! nginx (Debian's) in front of API servers, running the deployment guide's own config file
//! (`docs/deploy/nginx.conf`) with its placeholders replaced by loopback addresses.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// A running nginx.
pub struct Nginx {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    dir: tempfile::TempDir,
}

/// The guide's config file.
pub fn guide_config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/deploy/nginx.conf")
}

impl Nginx {
    /// A free loopback port for nginx to listen on (the servers behind it need its URL first).
    /// Taken below the kernel's ephemeral range, so a server started meanwhile on port 0 can
    /// never be handed the same one.
    pub fn free_port() -> anyhow::Result<u16> {
        use rand::Rng as _;
        for _ in 0..200 {
            let port = rand::rng().random_range(20_000..30_000);
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
                return Ok(port);
            }
        }
        anyhow::bail!("no free port between 20000 and 30000")
    }

    /// Starts nginx on `port` with the guide's config balancing `upstreams` (`host:port` each).
    pub fn start(port: u16, upstreams: [&str; 2]) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        // nginx's workers run as `nobody` under root: they must reach their temp folders.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
        }
        let listen = format!("127.0.0.1:{port}");
        let text = std::fs::read_to_string(guide_config())?
            .replace("LISTEN_ADDR", &listen)
            .replace("API_SERVER_1", upstreams[0])
            .replace("API_SERVER_2", upstreams[1]);
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, text)?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .args([
                "-g",
                &format!("daemon off; pid {}/nginx.pid;", dir.path().display()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting nginx (apt install nginx-light)")?;
        let nginx = Self {
            url: format!("http://{listen}"),
            child,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(&listen).is_err() {
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(nginx.dir.path().join("error.log")).unwrap_or_default();
                anyhow::bail!("nginx did not listen on {listen}; its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(nginx)
    }
}

impl Nginx {
    /// nginx's error log so far (for a failing test's message).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
