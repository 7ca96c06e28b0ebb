//! Playback of a clip (file or presigned HTTP URL, read with Range requests) through `playbin`:
//! video as RGBA frames into a [`FrameMailbox`] (on the pipeline clock, so frames show when due),
//! audio to the default output through `scaletempo` (speed changes keep the pitch). Errors come
//! back from [`Playback::poll`] as messages for the UI (the typed [`MediaError`] behind the last
//! one from [`Playback::last_error`]), never as panics.
//!
//! Hostile input: `playbin` keeps its progressive download (which lets `qtdemux` seek in the
//! recorder's fragmented MP4), so rather than a hand-built front the registry is locked down
//! before the first `playbin` is made ([`crate::lockdown`]): autoplugging can only pick
//! `qtdemux`/`matroskademux` among demuxers, never a playlist or manifest demuxer. Locations
//! other than files and http(s) URLs are refused before GStreamer sees them.

use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::element::{self, make};
use crate::error::{BusError, MediaError, PipelineKind};
use crate::frames::FrameMailbox;
use crate::location::Location;

/// What the bus said since the last poll.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackEvent {
    /// The clip cannot be played (unreachable, 404, undecodable, the audio output busy): a
    /// message for a person; [`Playback::last_error`] has the typed error.
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
    last_error: Option<MediaError>,
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
        let playbin = make("playbin")
            .name("playback")
            .property("uri", &uri)
            .build()?;
        let frames = FrameMailbox::default();
        let video = gst::Bin::with_name("video-out");
        let convert = make("videoconvert").name("video-convert").build()?;
        let sink = frames.appsink(true);
        element::add_chain(&video, &[&convert, sink.upcast_ref()])?;
        let pad = element::static_pad(&convert, "sink")?;
        let ghost = gst::GhostPad::with_target(&pad)
            .map_err(|e| MediaError::Build(format!("ghost pad for video-out: {e}")))?;
        video
            .add_pad(&ghost)
            .map_err(|e| MediaError::Build(format!("ghost pad for video-out: {e}")))?;
        playbin.set_property("video-sink", &video);
        // Without scaletempo, speeds other than 1 change the pitch: worse, but playable.
        if let Ok(tempo) = make("scaletempo").name("tempo").build() {
            playbin.set_property("audio-filter", &tempo);
        }
        if let Some(name) = audio_sink {
            let sink = make(name).name("audio-out").build()?;
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
        if playbin.set_state(gst::State::Paused).is_err() {
            let bus = crate::bus::first_error(&playbin, PipelineKind::Decode)
                .and_then(|e| e.bus().cloned())
                .unwrap_or_else(|| {
                    BusError::new(
                        playbin.path_string(),
                        gst::glib::Error::new(gst::CoreError::StateChange, "could not start"),
                        location.redacted(),
                    )
                });
            let _ = playbin.set_state(gst::State::Null);
            return Err(MediaError::Source(bus));
        }
        Ok(Self {
            playbin,
            frames,
            rate: 1.0,
            playing: false,
            ended: false,
            last_error: None,
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

    /// Why the clip stopped playing, the last time it did.
    pub fn last_error(&self) -> Option<&MediaError> {
        self.last_error.as_ref()
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
                    let error = MediaError::from_bus(e, PipelineKind::Decode);
                    tracing::warn!(error = %error.detail(), "playback stopped");
                    let said = describe_error(&error, &BusError::from_message(e));
                    out.push(PlaybackEvent::Error(said));
                    self.last_error = Some(error);
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

/// A short reason for a person: the store's 404, a network failure, an undecodable clip, or a
/// busy or missing audio output.
fn describe_error(error: &MediaError, bus: &BusError) -> String {
    if let MediaError::DeviceBusy { .. } | MediaError::DeviceUnavailable { .. } = error {
        return error.to_string();
    }
    let (err, debug) = (&bus.error, bus.debug.as_str());
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
