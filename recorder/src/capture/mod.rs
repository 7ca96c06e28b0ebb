//! The capture pipeline: screen (or a test pattern) with a round camera bubble composited in a
//! corner, plus the microphone, encoded H.264 (x264, tuned for live) + Opus or AAC into
//! fragmented MP4 written to the spool file as it is produced. Elements, caps and bus errors
//! come from the one GStreamer toolkit, `vidmsg_media`.

mod audio;
mod bubble;
mod elements;
mod encoder;
mod error;
mod meters;
pub mod monitors;
pub mod pause;
mod pipeline;
mod preview;
mod video;

pub use audio::system_audio_source;
pub use encoder::pick as pick_encoder;
pub use error::CaptureError;
pub use meters::InputStatus;
pub use pipeline::Capture;
pub use preview::Preview;

/// What to capture the screen from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// An X11 display (`:99`), whole screen or a region.
    X11 {
        display: Option<String>,
        region: Option<Region>,
    },
    /// One X11 window, by id (follows the window, not the part of the screen it covered).
    Window(u64),
    /// A moving test pattern (for scripts without a display).
    Test,
    /// No screen: the camera fills the frame.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Camera {
    /// A V4L2 device path (`/dev/video0`).
    Device(String),
    /// `videotestsrc` standing in for a camera.
    Test,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mic {
    /// The PulseAudio default source.
    Default,
    /// A PulseAudio source name (`vmic.monitor`).
    Source(String),
    None,
}

/// Corner of the camera bubble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Corner {
    TopLeft,
    TopRight,
    #[default]
    BottomLeft,
    BottomRight,
}

#[derive(Debug, Clone)]
pub struct CaptureSpec {
    pub screen: Screen,
    pub camera: Camera,
    pub mic: Mic,
    /// System audio (a PulseAudio monitor source; `default` = the default output's), mixed
    /// with the microphone.
    pub system_audio: Option<String>,
    /// `auto` (a working hardware encoder, else x264), `x264enc`, or an element name.
    pub encoder: String,
    /// `opus` or `aac`.
    pub audio_codec: String,
    /// Output size and rate.
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub video_kbps: u32,
    /// Diameter of the camera bubble in output pixels.
    pub bubble: u32,
    pub corner: Corner,
}

impl Default for CaptureSpec {
    fn default() -> Self {
        Self {
            screen: Screen::X11 {
                display: None,
                region: None,
            },
            camera: Camera::None,
            mic: Mic::Default,
            system_audio: None,
            encoder: "auto".into(),
            audio_codec: "opus".into(),
            width: 1920,
            height: 1080,
            fps: 30,
            video_kbps: 4000,
            bubble: 240,
            corner: Corner::BottomLeft,
        }
    }
}

impl Screen {
    /// `:99`, `:99+100,100,800x600` (a region), `window:0x1234` (one window), `test`, or `none`.
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Some(id) = s.strip_prefix("window:") {
            let parsed = match id.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => id.parse(),
            };
            return parsed.map(Screen::Window).map_err(|_| {
                format!("bad window id {id:?}: use window:0x1a00003 or a decimal id")
            });
        }
        match s {
            "test" => return Ok(Screen::Test),
            "none" => return Ok(Screen::None),
            "default" | "" => {
                return Ok(Screen::X11 {
                    display: None,
                    region: None,
                });
            }
            _ => {}
        }
        let (display, region) = match s.split_once('+') {
            Some((d, r)) => (d, Some(Region::parse(r)?)),
            None if s.starts_with(':') => (s, None),
            None => ("", Some(Region::parse(s)?)),
        };
        Ok(Screen::X11 {
            display: (!display.is_empty()).then(|| display.to_string()),
            region,
        })
    }
}

impl Region {
    /// `X,Y,WxH`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("bad region {s:?}: use X,Y,WIDTHxHEIGHT");
        let mut it = s.split(',');
        let x = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let y = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let (w, h) = it.next().and_then(|v| v.split_once('x')).ok_or_else(bad)?;
        let (width, height) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
        if width < 16 || height < 16 {
            return Err(bad());
        }
        Ok(Region {
            x,
            y,
            width,
            height,
        })
    }
}

impl Camera {
    pub fn parse(s: &str) -> Self {
        match s {
            "none" => Camera::None,
            "test" => Camera::Test,
            dev => Camera::Device(dev.to_string()),
        }
    }
}

impl Mic {
    pub fn parse(s: &str) -> Self {
        match s {
            "none" => Mic::None,
            "default" => Mic::Default,
            src => Mic::Source(src.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_specs_parse() {
        assert_eq!(Screen::parse("test"), Ok(Screen::Test));
        assert_eq!(
            Screen::parse(":99"),
            Ok(Screen::X11 {
                display: Some(":99".into()),
                region: None
            })
        );
        assert_eq!(
            Screen::parse(":1+10,20,640x480"),
            Ok(Screen::X11 {
                display: Some(":1".into()),
                region: Some(Region {
                    x: 10,
                    y: 20,
                    width: 640,
                    height: 480
                })
            })
        );
        assert!(Screen::parse(":1+10,20").is_err());
        assert_eq!(Screen::parse("window:0x1a"), Ok(Screen::Window(26)));
        assert!(Screen::parse("window:zz").is_err());
        assert_eq!(Camera::parse("test"), Camera::Test);
        assert_eq!(
            Mic::parse("vmic.monitor"),
            Mic::Source("vmic.monitor".into())
        );
    }
}
