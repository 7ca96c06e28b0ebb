//! Inputs and conditions a careful attacker or a bad day brings: files that start like a video
//! but are not, synthetic fragmented MP4s of any size, a server process to kill -9, and a small
//! disk that fills up.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::server::server_binary;

/// A real `ftyp` box (isom, with the usual compatible brands): what every MP4 starts with.
pub fn ftyp_box() -> Vec<u8> {
    let mut b = 24u32.to_be_bytes().to_vec();
    b.extend_from_slice(b"ftypisom");
    b.extend_from_slice(&512u32.to_be_bytes());
    b.extend_from_slice(b"isomiso2");
    b
}

/// Bytes that vary (and so do not compress or dedupe), deterministic per `seed`.
pub fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

/// One MP4 box of `kind` around `body`.
pub fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(body.len() + 8)
        .unwrap_or(u32::MAX)
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

/// A file shaped like the recorder's fragmented MP4 (ftyp, moov, then moof+mdat fragments of
/// noise) of about `len` bytes: whole boxes, so the recorder's crash recovery keeps all of it.
/// Not playable: for upload-protocol tests that never decode.
pub fn fragmented_mp4_like(len: usize, seed: u32) -> Vec<u8> {
    let mut f = ftyp_box();
    f.extend(mp4_box(b"moov", &noise(200, seed)));
    let mut i = 0;
    while f.len() < len {
        f.extend(mp4_box(b"moof", &noise(64, seed + i)));
        let chunk = (len - f.len()).clamp(16, 1 << 20);
        f.extend(mp4_box(b"mdat", &noise(chunk, seed + i + 1)));
        i += 2;
    }
    f
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A `vidmsg-server serve` process (no worker) on a data dir; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub url: String,
}

impl ServerProcess {
    /// Starts the server and waits until `/api/health` answers.
    pub async fn start(data_dir: &Path, port: u16) -> anyhow::Result<Self> {
        let child = Command::new(server_binary()?)
            .arg("--data-dir")
            .arg(data_dir)
            .args([
                "serve",
                "--no-worker",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting vidmsg-server")?;
        let me = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let http = reqwest::Client::new();
        loop {
            if let Ok(r) = http.get(format!("{}/api/health", me.url)).send().await
                && r.status().is_success()
            {
                return Ok(me);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "vidmsg-server did not come up on {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, no cleanup, as a power cut or the OOM killer would.
    pub fn kill_9(&mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `vidmsg-server user add NAME` on a data dir; returns the printed token.
pub fn add_user(data_dir: &Path, name: &str) -> anyhow::Result<String> {
    let out = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["user", "add", name])
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)?
        .split_whitespace()
        .find(|w| w.starts_with("vm_"))
        .map(str::to_string)
        .context("no token printed by user add")
}

/// A size-limited tmpfs mounted on a fresh folder (needs root, as the suite has); unmounted and
/// removed when dropped.
pub struct SmallDisk {
    pub dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallDisk {
    pub fn mount(mib: u32) -> anyhow::Result<Self> {
        let parent = tempfile::tempdir()?;
        let dir = parent.path().join("disk");
        std::fs::create_dir(&dir)?;
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0700"),
                "tmpfs",
            ])
            .arg(&dir)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "mounting a {mib} MiB tmpfs failed (the test needs root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(Self {
            dir,
            _parent: parent,
        })
    }

    /// Gives the disk more room, as an admin freeing space would.
    pub fn grow(&self, mib: u32) -> anyhow::Result<()> {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,size={mib}m"), "tmpfs"])
            .arg(&self.dir)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "remount: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}
