//! Settings saved between runs as JSON: `$XDG_CONFIG_HOME/vidmsg/recorder.json` (else
//! `~/.config/vidmsg/recorder.json`, or `VIDMSG_RECORDER_CONFIG`). Written atomically; the file
//! holds the API token, so it is created readable by its owner only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::capture::{Camera, CaptureSpec, Corner, Mic, Screen};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub server: String,
    pub token: String,
    /// `default` (the whole display), `:N`, `:N+X,Y,WxH`, `window:0x…`, `test`, or `none`.
    pub screen: String,
    /// A V4L2 path, `test`, or `none`.
    pub camera: String,
    /// A PulseAudio source, `default`, or `none`.
    pub mic: String,
    pub system_audio: bool,
    pub quality: Quality,
    pub encoder: String,
    pub bubble: u32,
    pub corner: CornerSetting,
    /// Seconds of 3-2-1 before capture starts (0: none).
    pub countdown: u32,
    /// Longest recording, in minutes.
    pub max_minutes: u32,
    /// Folder for recordings; empty = the default (`~/.local/share/vidmsg/recordings`).
    pub recordings_dir: String,
    /// Where a new recording goes unless chosen otherwise: the last choice used (`None`: a
    /// thread with only the author).
    pub send_to: Option<crate::recipients::Recipients>,
    /// Recent "Send to" choices, newest first.
    pub recent_send_to: Vec<crate::recipients::Recipients>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 1280×720, 30 fps, 2.5 Mb/s.
    P720,
    /// 1920×1080, 30 fps, 4 Mb/s.
    P1080,
    /// 1920×1080, 60 fps, 8 Mb/s.
    P1080x60,
}

impl Quality {
    pub const ALL: [Quality; 3] = [Quality::P720, Quality::P1080, Quality::P1080x60];

    pub fn label(self) -> &'static str {
        match self {
            Quality::P720 => "720p 30 fps",
            Quality::P1080 => "1080p 30 fps",
            Quality::P1080x60 => "1080p 60 fps",
        }
    }

    /// (width, height, fps, kbit/s)
    pub fn params(self) -> (u32, u32, u32, u32) {
        match self {
            Quality::P720 => (1280, 720, 30, 2500),
            Quality::P1080 => (1920, 1080, 30, 4000),
            Quality::P1080x60 => (1920, 1080, 60, 8000),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CornerSetting {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl CornerSetting {
    pub const ALL: [CornerSetting; 4] = [
        CornerSetting::BottomLeft,
        CornerSetting::BottomRight,
        CornerSetting::TopLeft,
        CornerSetting::TopRight,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CornerSetting::TopLeft => "Top left",
            CornerSetting::TopRight => "Top right",
            CornerSetting::BottomLeft => "Bottom left",
            CornerSetting::BottomRight => "Bottom right",
        }
    }

    fn corner(self) -> Corner {
        match self {
            CornerSetting::TopLeft => Corner::TopLeft,
            CornerSetting::TopRight => Corner::TopRight,
            CornerSetting::BottomLeft => Corner::BottomLeft,
            CornerSetting::BottomRight => Corner::BottomRight,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: "http://127.0.0.1:8080".into(),
            token: String::new(),
            screen: "default".into(),
            camera: "none".into(),
            mic: "default".into(),
            system_audio: false,
            quality: Quality::P1080,
            encoder: "auto".into(),
            bubble: 240,
            corner: CornerSetting::BottomLeft,
            countdown: 3,
            max_minutes: 60,
            recordings_dir: String::new(),
            send_to: None,
            recent_send_to: Vec::new(),
        }
    }
}

impl Settings {
    /// Where settings live.
    pub fn default_path() -> PathBuf {
        vidmsg_appdata::config_path("recorder.json", "VIDMSG_RECORDER_CONFIG")
    }

    /// Reads `path`; a missing file gives the defaults, a broken one an error (so it is not
    /// silently overwritten).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Ok(vidmsg_appdata::load(path)?)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        Ok(vidmsg_appdata::save(path, self)?)
    }

    pub fn signed_in(&self) -> bool {
        !self.server.trim().is_empty() && !self.token.trim().is_empty()
    }

    pub fn recordings_dir(&self) -> PathBuf {
        if self.recordings_dir.trim().is_empty() {
            crate::session::default_recordings_dir()
        } else {
            PathBuf::from(self.recordings_dir.trim())
        }
    }

    /// The capture these settings describe.
    pub fn capture_spec(&self) -> Result<CaptureSpec, String> {
        let mut screen = Screen::parse(&self.screen)?;
        if let Screen::X11 {
            display: d @ None, ..
        } = &mut screen
        {
            *d = std::env::var("DISPLAY").ok();
        }
        let (width, height, fps, video_kbps) = self.quality.params();
        Ok(CaptureSpec {
            screen,
            camera: Camera::parse(&self.camera),
            mic: Mic::parse(&self.mic),
            system_audio: self.system_audio.then(|| "default".to_string()),
            encoder: self.encoder.clone(),
            audio_codec: "opus".into(),
            width,
            height,
            fps,
            video_kbps,
            bubble: self.bubble.clamp(64, 720),
            corner: self.corner.corner(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_missing_fields_take_defaults() {
        let dir = std::env::temp_dir().join(format!("vidmsg-settings-{}", std::process::id()));
        let path = dir.join("recorder.json");
        let s = Settings {
            token: "vm_x".into(),
            quality: Quality::P720,
            ..Settings::default()
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
        std::fs::write(&path, r#"{"server":"http://h:1"}"#).unwrap();
        let partial = Settings::load(&path).unwrap();
        assert_eq!(partial.server, "http://h:1");
        assert_eq!(partial.mic, "default");
        std::fs::write(&path, "{").unwrap();
        assert!(Settings::load(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
