//! A real browser for the web-page tests: Debian's `chromium`, headless, driven over WebDriver
//! by `chromedriver` (package `chromium-driver`) through `fantoccini`. Each [`Browser`] is its
//! own `chromedriver` on a free loopback port with one session in a fresh profile; dropping it
//! closes the browser, stops the driver and removes the profile.
//! Screenshots land in `TARGET_DIR/screenshots/` and their paths are printed.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// The browser Debian installs (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver server.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium session with its own `chromedriver` and profile.
pub struct Browser {
    pub client: Client,
    // Dropped first: the browser ends before its profile is removed.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// `chromedriver` and its session. Dropping it ends the session (chromedriver closes the
/// browser), then kills whatever of the driver and its browser is left. Both stay in the test's
/// process group, so a test runner that kills a hung test's group ends them too.
struct Driver {
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

/// `DELETE /session/{id}`, blocking (from `drop`): chromedriver quits the browser and answers.
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

fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

impl Browser {
    /// Starts `chromedriver` and a headless Chromium session (autoplay allowed, a 1280×900
    /// window, `--no-sandbox` only when running as root, where Chromium refuses its sandbox).
    pub async fn start() -> anyhow::Result<Self> {
        for p in [CHROMIUM, CHROMEDRIVER] {
            anyhow::ensure!(
                std::path::Path::new(p).exists(),
                "{p} is missing: run scripts/setup (apt-get install chromium chromium-driver)"
            );
        }
        let profile = tempfile::tempdir()?;
        let port = free_port()?;
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut driver = Driver {
            child: cmd.spawn().context("starting chromedriver")?,
            port,
            session: None,
        };
        let mut args = vec![
            "--headless=new".to_string(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--autoplay-policy=no-user-gesture-required".into(),
            "--mute-audio".into(),
            "--no-first-run".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if running_as_root() {
            args.push("--no-sandbox".into());
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        // Up once its port answers; then one session (a failure there is the browser's).
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Ok(Some(status)) = driver.child.try_wait() {
                bail!("chromedriver exited ({status}) before it listened on port {port}");
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("starting a headless Chromium session")?;
        driver.session = client.session_id().await?;
        Ok(Self {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Runs `script` (a function body: `return …;`) in the page; its JSON result.
    pub async fn js(&self, script: &str) -> anyhow::Result<Value> {
        self.client
            .execute(script, vec![])
            .await
            .with_context(|| format!("running {script}"))
    }

    /// A JavaScript expression's value as a number (fails if it is not one).
    pub async fn number(&self, expr: &str) -> anyhow::Result<f64> {
        self.js(&format!("return ({expr});"))
            .await?
            .as_f64()
            .with_context(|| format!("{expr} is not a number"))
    }

    /// A JavaScript expression's value as a string (fails if it is not one).
    pub async fn string(&self, expr: &str) -> anyhow::Result<String> {
        match self.js(&format!("return ({expr});")).await? {
            Value::String(s) => Ok(s),
            other => bail!("{expr} is {other}, not a string"),
        }
    }

    /// Polls the JavaScript expression `expr` until it is truthy; fails after `timeout`,
    /// naming `what`, with a screenshot `failed-{what}`.
    pub async fn wait_until(
        &self,
        expr: &str,
        timeout: Duration,
        what: &str,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        let script = format!("return !!({expr});");
        loop {
            // A navigation in flight makes a script fail; that is "not yet".
            if let Ok(Value::Bool(true)) = self.client.execute(&script, vec![]).await {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let url = self.client.current_url().await.map(|u| u.to_string());
                // What the page showed then, to look at.
                let slug: String = what
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                let shot = self.screenshot(&format!("failed-{slug}")).await;
                bail!("{what}: `{expr}` still false after {timeout:?} on {url:?} ({shot:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types `text` into the element `css` (it must be there).
    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .context(css.to_string())?;
        el.send_keys(text)
            .await
            .with_context(|| format!("typing into {css}"))?;
        Ok(())
    }

    /// Clicks the element `css`.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .context(css.to_string())?;
        el.click()
            .await
            .with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    /// Presses (down, up) one key on whatever has the focus, as a person would.
    pub async fn press(&self, key: char) -> anyhow::Result<()> {
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await?;
        Ok(())
    }

    /// The page's HTML as the browser holds it now.
    pub async fn html(&self) -> anyhow::Result<String> {
        Ok(self.client.source().await?)
    }

    /// The page's path and query (`/v/3?t=2.0`).
    pub async fn path(&self) -> anyhow::Result<String> {
        let u = self.client.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    /// Fills the sign-in form on the current page (`/signin`, where a private page sends a
    /// browser) and submits it, as a person would: the form's hidden fields and its cookie come
    /// with the page.
    pub async fn submit_sign_in(&self, name: &str, password: &str) -> anyhow::Result<()> {
        self.type_into("form[action='/signin'] input[name=name]", name)
            .await?;
        self.type_into("form[action='/signin'] input[name=password]", password)
            .await?;
        self.click("form[action='/signin'] button[type=submit]")
            .await
    }

    /// Opens `{base}/signin?next={next}`, signs in, and waits until the browser is at `next`.
    pub async fn sign_in(
        &self,
        base: &str,
        name: &str,
        password: &str,
        next: &str,
    ) -> anyhow::Result<()> {
        self.goto(&format!("{base}/signin?next={next}")).await?;
        self.submit_sign_in(name, password).await?;
        self.wait_until(
            &format!("location.pathname + location.search === {}", json!(next)),
            Duration::from_secs(20),
            "signing in",
        )
        .await
    }

    /// Saves a PNG of the window as `TARGET_DIR/screenshots/{name}.png` and prints its path.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = screenshots_dir()?;
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        println!("screenshot: {}", path.display());
        Ok(path)
    }
}

/// `TARGET_DIR/screenshots` (beside `debug/`, found from this test binary's path).
pub fn screenshots_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .nth(3)
        .context("test binary has no target dir")?;
    Ok(target.join("screenshots"))
}
