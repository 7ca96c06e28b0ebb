//! Drives a `vidmsg-recorder record` process: its JSON event lines (stderr) arrive on a channel,
//! signals are sent with `kill`, and every wait is bounded.

use std::io::{BufRead as _, Read as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

pub struct RecorderProcess {
    child: Child,
    events: mpsc::Receiver<serde_json::Value>,
    /// Every stderr line so far (for failure messages).
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl RecorderProcess {
    /// Starts `vidmsg-recorder` with `args`.
    pub fn spawn(args: &[String], recordings_dir: &std::path::Path) -> anyhow::Result<Self> {
        let mut child = Command::new(crate::server::binary("vidmsg-recorder")?)
            .args(args)
            .env("VIDMSG_RECORDINGS_DIR", recordings_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting vidmsg-recorder")?;
        let stderr = child.stderr.take().context("no stderr")?;
        let (tx, events) = mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Ok(mut l) = log2.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                    let _ = tx.send(v);
                }
            }
        });
        Ok(Self { child, events, log })
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits (at most `timeout`) for an event `pred` accepts.
    pub fn wait_event(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> anyhow::Result<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .events
                .recv_timeout(left.min(Duration::from_millis(500)))
            {
                Ok(v) if pred(&v) => return Ok(v),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = self.child.try_wait()? {
                        bail!("recorder exited ({status}) while waiting:\n{}", self.log());
                    }
                    if left.is_zero() {
                        bail!("no such event within {timeout:?}:\n{}", self.log());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    bail!("recorder closed stderr:\n{}", self.log())
                }
            }
        }
    }

    /// Waits until the recorder reports at least `ms` recorded.
    pub fn wait_recorded(
        &mut self,
        ms: u64,
        timeout: Duration,
    ) -> anyhow::Result<serde_json::Value> {
        self.wait_event(timeout, |v| {
            v["event"] == "progress" && v["recorded_ms"].as_u64().is_some_and(|r| r >= ms)
        })
    }

    /// Sends a signal by name (`USR1`, `TERM`, `INT`).
    pub fn signal(&self, name: &str) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()?;
        anyhow::ensure!(status.success(), "kill -{name} failed");
        Ok(())
    }

    /// Waits (at most `timeout`; then kills it) for the recorder to exit; its stdout JSON line.
    pub fn finish(mut self, timeout: Duration) -> anyhow::Result<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                let mut out = String::new();
                if let Some(mut o) = self.child.stdout.take() {
                    o.read_to_string(&mut out)?;
                }
                std::thread::sleep(Duration::from_millis(100)); // let the log thread catch up
                anyhow::ensure!(
                    status.success(),
                    "recorder failed ({status}):\n{}",
                    self.log()
                );
                return serde_json::from_str(out.trim())
                    .with_context(|| format!("recorder printed {out:?}"));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                bail!("recorder did not exit within {timeout:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RecorderProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
