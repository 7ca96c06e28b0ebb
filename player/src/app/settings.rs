//! Player settings saved between runs as JSON: `$XDG_CONFIG_HOME/vidmsg/player.json` (else
//! `~/.config/vidmsg/player.json`, or `VIDMSG_PLAYER_CONFIG`), readable by its owner only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub server: String,
    pub token: String,
    pub captions: bool,
    pub volume: f64,
    pub speed: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { server: "http://127.0.0.1:8080".into(), token: String::new(), captions: true, volume: 1.0, speed: 1.0 }
    }
}

impl Settings {
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("VIDMSG_PLAYER_CONFIG").filter(|v| !v.is_empty()) {
            return PathBuf::from(p);
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("vidmsg/player.json")
    }

    /// A missing file gives the defaults; a broken one is an error (not silently replaced).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{} is not valid settings: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(anyhow::anyhow!("reading {}: {e}", path.display())),
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        {
            use std::io::Write as _;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            opts.open(&tmp)?.write_all(&serde_json::to_vec_pretty(self)?)?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    pub fn signed_in(&self) -> bool {
        !self.server.trim().is_empty() && !self.token.trim().is_empty()
    }
}
