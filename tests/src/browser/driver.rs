//! The WebDriver servers behind [`super::Browser`]: `chromedriver` for Debian's Chromium,
//! `geckodriver` for Debian's Firefox ESR. Each runs on a free loopback port with one session
//! in a fresh profile; dropping the [`Driver`] ends the session, then kills whatever of the
//! driver and its browser is left.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// The browser Debian installs (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver server.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's Firefox (`apt-get install firefox-esr`).
pub const FIREFOX: &str = "/usr/bin/firefox-esr";

/// Which browser a test drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Firefox,
}

impl Kind {
    /// A short name for screenshots and messages (`chromium`, `firefox`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Chromium => "chromium",
            Kind::Firefox => "firefox",
        }
    }
}

/// `geckodriver`, which Debian does not package: `scripts/setup` installs it from crates.io
/// into `~/.cache/vidmsg/bin`; one on `PATH` does too.
pub fn geckodriver() -> anyhow::Result<PathBuf> {
    let cached = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/vidmsg/bin/geckodriver"))
        .filter(|p| p.exists());
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("geckodriver"))
                .find(|p| p.exists())
        })
    };
    cached.or_else(on_path).context(
        "geckodriver is missing: run scripts/setup (cargo install geckodriver --root ~/.cache/vidmsg)",
    )
}

/// A WebDriver server and its session. Both stay in the test's process group, so a test runner
/// that kills a hung test's group ends them too.
pub struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = &self.session {
            let _ = delete_session(self.port, id);
        }
        for pid in descendants(self.child.id()) {
            if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kind`'s driver and one headless session whose profile lives in `profile`: autoplay
/// allowed, sound off, a 1280×900 window.
pub async fn launch(kind: Kind, profile: &Path) -> anyhow::Result<(Client, Driver)> {
    let port = free_port()?;
    let (mut cmd, caps) = match kind {
        Kind::Chromium => chromium(port, profile)?,
        Kind::Firefox => firefox(port, profile)?,
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut driver = Driver {
        child: cmd.spawn().with_context(|| format!("starting {program}"))?,
        port,
        session: None,
    };
    // Up once its port answers; then one session (a failure there is the browser's).
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if let Ok(Some(status)) = driver.child.try_wait() {
            bail!("{program} exited ({status}) before it listened on port {port}");
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{program} did not listen on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .with_context(|| format!("starting a headless {} session", kind.name()))?;
    driver.session = client.session_id().await?;
    if kind == Kind::Firefox {
        // Firefox takes no window size among its arguments that holds in every version.
        client.set_window_size(1280, 900).await?;
    }
    Ok((client, driver))
}

type Capabilities = serde_json::Map<String, serde_json::Value>;

/// `chromedriver` (`--no-sandbox` only as root, where Chromium refuses its sandbox).
fn chromium(port: u16, profile: &Path) -> anyhow::Result<(Command, Capabilities)> {
    for p in [CHROMIUM, CHROMEDRIVER] {
        anyhow::ensure!(
            Path::new(p).exists(),
            "{p} is missing: run scripts/setup (apt-get install chromium chromium-driver)"
        );
    }
    let mut cmd = Command::new(CHROMEDRIVER);
    cmd.arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1");
    let mut args = vec![
        "--headless=new".to_string(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--autoplay-policy=no-user-gesture-required".into(),
        "--mute-audio".into(),
        "--no-first-run".into(),
        "--window-size=1280,900".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if rustix::process::geteuid().is_root() {
        args.push("--no-sandbox".into());
    }
    let mut caps = Capabilities::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    Ok((cmd, caps))
}

/// `geckodriver`: it makes the session's profile in its temporary directory, here `profile`
/// (removed with the [`super::Browser`]).
fn firefox(port: u16, profile: &Path) -> anyhow::Result<(Command, Capabilities)> {
    anyhow::ensure!(
        Path::new(FIREFOX).exists(),
        "{FIREFOX} is missing: run scripts/setup (apt-get install firefox-esr)"
    );
    let mut cmd = Command::new(geckodriver()?);
    cmd.arg("--port")
        .arg(port.to_string())
        .arg("--host")
        .arg("127.0.0.1")
        // Parallel tests: each Firefox's remote agent on a port of its own.
        .arg("--websocket-port")
        .arg(free_port()?.to_string())
        .env("TMPDIR", profile)
        .env("MOZ_HEADLESS", "1");
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("firefox"));
    caps.insert(
        "moz:firefoxOptions".into(),
        json!({
            "binary": FIREFOX,
            "args": ["-headless"],
            "prefs": {
                // Play without a click, as Chromium's autoplay policy flag does; no sound.
                "media.autoplay.default": 0,
                "media.autoplay.blocking_policy": 0,
                "media.volume_scale": "0.0",
            },
        }),
    );
    Ok((cmd, caps))
}

/// `DELETE /session/{id}`, blocking (from `drop`): the driver quits the browser and answers.
fn delete_session(port: u16, id: &str) -> std::io::Result<()> {
    use std::io::{Read as _, Write as _};
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(15)))?;
    write!(
        s,
        "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // It answers once the browser is gone (and may keep the connection open after that).
    let mut answer = [0u8; 512];
    match s.read(&mut answer)? {
        0 => Err(std::io::ErrorKind::UnexpectedEof.into()),
        _ => Ok(()),
    }
}

/// Every process below `root` (from `/proc/*/stat`; asked while `root` still runs).
fn descendants(root: u32) -> Vec<i32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<i32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root as i32];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.split_off(1)
}

fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}
