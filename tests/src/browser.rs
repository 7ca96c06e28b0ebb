//! A real browser for the web-page tests: Debian's `chromium` (driven by `chromedriver`, package
//! `chromium-driver`) or Firefox ESR (driven by `geckodriver`), headless, over WebDriver through
//! `fantoccini`. Each [`Browser`] is its own driver on a free loopback port with one session in
//! a fresh profile; dropping it closes the browser, stops the driver and removes the profile.
//! Screenshots land in `TARGET_DIR/screenshots/` and their paths are printed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

mod driver;

pub use driver::{CHROMEDRIVER, CHROMIUM, FIREFOX, Kind, geckodriver};

/// A headless browser session with its own WebDriver server and profile.
pub struct Browser {
    pub client: Client,
    /// Which browser this is.
    pub kind: Kind,
    // Dropped first: the browser ends before its profile is removed.
    _driver: driver::Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `chromedriver` and a headless Chromium session (autoplay allowed, a 1280×900
    /// window, `--no-sandbox` only when running as root, where Chromium refuses its sandbox).
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_kind(Kind::Chromium).await
    }

    /// Starts `kind`'s driver and a headless session of it (autoplay allowed, sound off, a
    /// 1280×900 window, a fresh profile).
    pub async fn start_kind(kind: Kind) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let (client, driver) = driver::launch(kind, profile.path()).await?;
        Ok(Self {
            client,
            kind,
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
