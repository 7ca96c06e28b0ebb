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
        Self {
            server: "http://127.0.0.1:8080".into(),
            token: String::new(),
            captions: true,
            volume: 1.0,
            speed: 1.0,
        }
    }
}

impl Settings {
    pub fn default_path() -> PathBuf {
        vidmsg_appdata::config_path("player.json", "VIDMSG_PLAYER_CONFIG")
    }

    /// A missing file gives the defaults; a broken one is an error (not silently replaced).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Ok(vidmsg_appdata::load(path)?)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        Ok(vidmsg_appdata::save(path, self)?)
    }

    pub fn signed_in(&self) -> bool {
        !self.server.trim().is_empty() && !self.token.trim().is_empty()
    }
}
