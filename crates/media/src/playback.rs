//! Playback of a clip (file or presigned HTTP URL, read with Range requests) through `playbin`:
//! video as RGBA frames into a [`FrameMailbox`] (on the pipeline clock, so frames show when due),
//! audio to the default output through `scaletempo` (speed changes keep the pitch). Errors come
//! back from [`Playback::poll`] as messages for the UI, never as panics.
//!
//! Hostile input: `playbin` keeps its progressive download (which lets `qtdemux` seek in the
//! recorder's fragmented MP4), so rather than a hand-built front the registry is locked down
//! before the first `playbin` is made ([`crate::lockdown`]): autoplugging can only pick
//! `qtdemux`/`matroskademux` among demuxers, never a playlist or manifest demuxer. Locations
//! other than files and http(s) URLs are refused before GStreamer sees them.

use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::error::MediaError;
use crate::frames::FrameMailbox;
use crate::location::Location;

/// What the bus said since the last poll.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackEvent {
    /// The clip cannot be played (unreachable, 404, undecodable): a message for a person.
    Error(String),
    EndOfStream,
    /// Network buffering, in percent.
    Buffering(i32),
    /// The first frame is ready (after opening or a seek).
    Prerolled,
}

pub struct Playback {
    playbin: gst::Element,
    pub frames: FrameMailbox,
    rate: f64,
    playing: bool,
    ended: bool,
}

impl Playback {
    /// Opens `uri` paused on its first frame. `audio_sink` names a sink element (`fakesink`
    /// where there is no sound card); None uses the desktop's default output.
    /// `uri` is a path, `file://` or `http(s)://` location; other schemes are refused.
    pub fn open(uri: &str, audio_sink: Option<&str>) -> Result<Self, MediaError> {
        crate::init()?;
        crate::lockdown::lock_down_registry();
        let location = Location::parse(uri)?;
        let uri = location.to_uri()?;
        let playbin = gst::ElementFactory::make("playbin")
            .property("uri", &uri)
            .build()
            .map_err(|_| {
                MediaError::MissingPlugins("playbin (gstreamer1.0-plugins-base)".into())
            })?;
        let frames = FrameMailbox::default();
        let video = gst::Bin::new();
        let convert = gst::ElementFactory::make("videoconvert")
            .build()
            .map_err(|_| MediaError::MissingPlugins("videoconvert".into()))?;
        let sink = frames.appsink(true);
        video
            .add_many([&convert, sink.upcast_ref()])
            .map_err(|e| MediaError::Build(e.to_string()))?;
        convert
            .link(&sink)
            .map_err(|e| MediaError::Build(e.to_string()))?;
        let pad = convert
            .static_pad("sink")
            .ok_or_else(|| MediaError::Build("videoconvert has no sink pad".into()))?;
        let ghost =
            gst::GhostPad::with_target(&pad).map_err(|e| MediaError::Build(e.to_string()))?;
        video
            .add_pad(&ghost)
            .map_err(|e| MediaError::Build(e.to_string()))?;
        playbin.set_property("video-sink", &video);
        if let Ok(tempo) = gst::ElementFactory::make("scaletempo").build() {
            playbin.set_property("audio-filter", &tempo);
        }
        if let Some(name) = audio_sink {
            let sink = gst::ElementFactory::make(name)
                .build()
                .map_err(|_| MediaError::MissingPlugins(format!("{name} (audio output)")))?;
            if sink.find_property("sync").is_some() {
                sink.set_property("sync", true);
            }
            playbin.set_property("audio-sink", &sink);
        }
        // Progressive download: the clip goes through a temporary file (queue2), so qtdemux
        // reads it in pull mode and can seek in fragmented MP4 (the recorder's files), which
        // it cannot when pushed a plain HTTP stream. No subtitles from the container: captions
        // come from the server's WebVTT.
        playbin.set_property_from_str(
            "flags",
            "video+audio+soft-volume+deinterlace+soft-colorbalance+download",
        );
        playbin.set_state(gst::State::Paused).map_err(|_| {
            MediaError::Source(crate::error::BusError {
                src: "playbin".into(),
                error: "could not start".into(),
                debug: location.redacted(),
            })
        })?;
        Ok(Self {
            playbin,
            frames,
            rate: 1.0,
            playing: false,
            ended: false,
        })
    }

    pub fn play(&mut self) {
        if self.ended {
            // Play after the end starts over.
            self.ended = false;
            self.seek(Duration::ZERO);
        }
        self.playing = true;
        let _ = self.playbin.set_state(gst::State::Playing);
    }

    pub fn pause(&mut self) {
        self.playing = false;
        let _ = self.playbin.set_state(gst::State::Paused);
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// Jumps to `pos` (to the exact frame, not the nearest key frame).
    pub fn seek(&mut self, pos: Duration) {
        self.ended = false;
        let pos = gst::ClockTime::from_nseconds(pos.as_nanos() as u64);
        let flags = gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE;
        if self.rate == 1.0 {
            let _ = self.playbin.seek_simple(flags, pos);
        } else {
            let _ = self.playbin.seek(
                self.rate,
                flags,
                gst::SeekType::Set,
                pos,
                gst::SeekType::None,
                gst::ClockTime::NONE,
            );
        }
    }

    /// Playback speed, 0.25–4 (pitch kept by `scaletempo`).
    pub fn set_rate(&mut self, rate: f64) {
        let rate = rate.clamp(0.25, 4.0);
        let pos = self.position().unwrap_or_default();
        self.rate = rate;
        let at = gst::ClockTime::from_nseconds(pos.as_nanos() as u64);
        let _ = self.playbin.seek(
            rate,
            gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE,
            gst::SeekType::Set,
            at,
            gst::SeekType::None,
            gst::ClockTime::NONE,
        );
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// 0.0–1.0 (linear).
    pub fn set_volume(&self, volume: f64) {
        self.playbin.set_property("volume", volume.clamp(0.0, 1.0));
    }

    pub fn set_muted(&self, muted: bool) {
        self.playbin.set_property("mute", muted);
    }

    pub fn position(&self) -> Option<Duration> {
        self.playbin
            .query_position::<gst::ClockTime>()
            .map(|t| Duration::from_nanos(t.nseconds()))
    }

    pub fn duration(&self) -> Option<Duration> {
        self.playbin
            .query_duration::<gst::ClockTime>()
            .map(|t| Duration::from_nanos(t.nseconds()))
    }

    /// Reads the bus; what happened since the last call.
    pub fn poll(&mut self) -> Vec<PlaybackEvent> {
        let mut out = Vec::new();
        let Some(bus) = self.playbin.bus() else {
            return out;
        };
        while let Some(msg) = bus.pop() {
            match msg.view() {
                gst::MessageView::Error(e) => {
                    self.playing = false;
                    let _ = self.playbin.set_state(gst::State::Null);
                    out.push(PlaybackEvent::Error(describe_error(
                        &e.error(),
                        e.debug().as_deref(),
                    )));
                }
                gst::MessageView::Eos(_) => {
                    self.playing = false;
                    self.ended = true;
                    let _ = self.playbin.set_state(gst::State::Paused);
                    out.push(PlaybackEvent::EndOfStream);
                }
                gst::MessageView::Buffering(b) => {
                    let p = b.percent();
                    // Stream buffering: hold playback until the buffer fills. (In download mode
                    // the percentage is of the whole file: playback goes on meanwhile.)
                    let download = b.buffering_stats().0 == gst::BufferingMode::Download;
                    if self.playing && !download {
                        let _ = self.playbin.set_state(if p < 100 {
                            gst::State::Paused
                        } else {
                            gst::State::Playing
                        });
                    }
                    out.push(PlaybackEvent::Buffering(p));
                }
                gst::MessageView::AsyncDone(_) => out.push(PlaybackEvent::Prerolled),
                _ => {}
            }
        }
        out
    }
}

impl Drop for Playback {
    fn drop(&mut self) {
        let _ = self.playbin.set_state(gst::State::Null);
    }
}

/// A short reason for a person: the store's 404, a network failure, or an undecodable clip.
fn describe_error(err: &gst::glib::Error, debug: Option<&str>) -> String {
    let debug = debug.unwrap_or_default();
    if debug.contains("404") || err.message().contains("Not Found") {
        "the video is not on the server (404)".into()
    } else if err.matches(gst::ResourceError::NotFound)
        || err.matches(gst::ResourceError::OpenRead)
        || err.matches(gst::ResourceError::Read)
    {
        format!("the video could not be fetched: {}", err.message())
    } else if err.matches(gst::StreamError::TypeNotFound)
        || err.matches(gst::CoreError::MissingPlugin)
        || err.matches(gst::StreamError::CodecNotFound)
    {
        // With the registry locked down, a playlist or any other container lands here too.
        format!(
            "this is not a video the player can play (MP4 or WebM), or a GStreamer plugin for \
             its codec is missing: {}",
            err.message()
        )
    } else if err.matches(gst::StreamError::Decode) || err.matches(gst::StreamError::Demux) {
        format!("the video cannot be decoded: {}", err.message())
    } else {
        err.message().to_string()
    }
}
