//! A clip's poster image: a JPEG of its first frame that is not black, at most 640 pixels
//! wide with the clip's aspect ratio, for thumbnails and link cards.
//!
//! The pipeline is the fixed front of [`crate::front`] with a video end: `filesrc` /
//! `souphttpsrc` (by scheme) → `typefind` → `qtdemux` or `matroskademux` (nothing else) → the
//! first video pad only → a video decoder chosen among the installed DECODER factories by caps
//! ([`crate::video_front`]) → `videoconvert` → `videoscale` → raw I420 appsink. No `decodebin`, no playlists. The frames
//! of the first seconds are looked at a few a second (the others are dropped before they are
//! converted); the first whose mean luma is above [`PosterOptions::min_luma`] wins, else the
//! first frame. That one frame is encoded by a second, trusted pipeline: `appsrc` → `jpegenc`
//! → appsink ([`crate::jpeg`]).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

use crate::element::{self, make};
use crate::error::{MediaError, PipelineKind};
use crate::front::{self, Containers, Front};
use crate::location::Location;

/// How a poster is chosen and made.
#[derive(Debug, Clone)]
pub struct PosterOptions {
    /// Widest poster in pixels; narrower clips keep their width.
    pub max_width: u32,
    /// How far into the clip to look for a frame that is not black.
    pub scan: Duration,
    /// One frame is looked at per this much of the clip.
    pub step: Duration,
    /// Mean luma (0–255) above which a frame is not black (video black is 16).
    pub min_luma: u8,
    /// JPEG quality, 0–100.
    pub quality: u8,
    /// Longest wait for the next frame.
    pub frame_timeout: Duration,
}

impl Default for PosterOptions {
    fn default() -> Self {
        Self {
            max_width: 640,
            scan: Duration::from_secs(10),
            step: Duration::from_millis(500),
            min_luma: 28,
            quality: 85,
            frame_timeout: Duration::from_secs(60),
        }
    }
}

/// A poster: the JPEG and facts about the frame it shows.
#[derive(Debug, Clone)]
pub struct Poster {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Where the frame is, from the clip's first frame.
    pub at: Duration,
    /// Its mean luma (0–255).
    pub mean_luma: u8,
    /// Every frame looked at was black: this is the first frame.
    pub all_black: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    /// The clip has no video stream (or not one frame of it could be decoded).
    #[error("the clip has no video frames to make a poster from")]
    NoVideo,
    #[error(transparent)]
    Media(#[from] MediaError),
}

impl PosterError {
    /// Everything known, GStreamer's words included: for logs.
    pub fn detail(&self) -> String {
        match self {
            PosterError::NoVideo => self.to_string(),
            PosterError::Media(e) => e.detail(),
        }
    }
}

/// A candidate frame: the raw sample and its mean luma.
struct Candidate {
    sample: gst::Sample,
    at: Duration,
    luma: u8,
}

/// Makes the poster of the clip at `location` (a path, `file://` or `http(s)://` URL; only
/// MP4 and WebM are read).
pub fn make_poster(location: &str, options: &PosterOptions) -> Result<Poster, PosterError> {
    crate::init()?;
    let location = Location::parse(location)?;
    let decoder = FrameReader::open(&location, options)?;
    let (chosen, all_black) = decoder.choose(options)?;
    let jpeg = crate::jpeg::encode_jpeg(&chosen.sample, options.quality)?;
    let info = chosen
        .sample
        .caps()
        .and_then(|c| gst_video::VideoInfo::from_caps(c).ok())
        .ok_or(PosterError::NoVideo)?;
    Ok(Poster {
        jpeg,
        width: info.width(),
        height: info.height(),
        at: chosen.at,
        mean_luma: chosen.luma,
        all_black,
    })
}

/// The decoding pipeline, handing out scaled raw frames a few a second.
struct FrameReader {
    pipeline: gst::Pipeline,
    source: gst::Element,
    sink: gst_app::AppSink,
    front: Arc<Front>,
}

impl FrameReader {
    fn open(location: &Location, options: &PosterOptions) -> Result<Self, MediaError> {
        let pipeline = gst::Pipeline::with_name("make-poster");
        let src = location.source()?;
        let typefind = make("typefind").name("typefind").build()?;
        let convert = make("videoconvert").name("convert").build()?;
        let scale = make("videoscale").name("scale").build()?;
        let max_width = i32::try_from(options.max_width.max(16)).unwrap_or(640);
        let caps = gst_video::VideoCapsBuilder::new()
            .format(gst_video::VideoFormat::I420)
            .width_range(1..=max_width)
            .pixel_aspect_ratio(gst::Fraction::new(1, 1))
            .build();
        let sink = gst_app::AppSink::builder()
            .name("frames")
            .caps(&caps)
            .sync(false)
            .max_buffers(2)
            .drop(false)
            .build();
        element::add_chain(&pipeline, &[&src, &typefind])?;
        element::add_chain(&pipeline, &[&convert, &scale, sink.upcast_ref()])?;
        thin_out(&convert, options.step)?;

        let front = Arc::new(Front::default());
        let (bin_weak, convert_weak, front_tf) = (
            pipeline.clone().upcast::<gst::Bin>().downgrade(),
            convert.downgrade(),
            front.clone(),
        );
        typefind.connect("have-type", false, move |args| {
            let typefind = args.first().and_then(|v| v.get::<gst::Element>().ok());
            let caps = args.get(2).and_then(|v| v.get::<gst::Caps>().ok());
            let (Some(typefind), Some(caps), Some(bin), Some(convert)) =
                (typefind, caps, bin_weak.upgrade(), convert_weak.upgrade())
            else {
                return None;
            };
            if let Err(e) = plug_demuxer(&bin, &typefind, &caps, &convert, &front_tf) {
                tracing::debug!(error = %e.detail(), "refused the input");
                front_tf.fail(e);
            }
            None
        });

        front::start(&pipeline, location)?;
        Ok(Self {
            pipeline,
            source: src,
            sink,
            front,
        })
    }

    /// The first frame that is not black within the scan, else the first frame; and whether
    /// it is that fallback.
    fn choose(&self, options: &PosterOptions) -> Result<(Candidate, bool), PosterError> {
        let mut first: Option<Candidate> = None;
        let mut start: Option<gst::ClockTime> = None;
        while let Some(sample) = self.next_frame(options.frame_timeout)? {
            let Some(buffer) = sample.buffer() else {
                continue;
            };
            let pts = buffer.pts().unwrap_or(gst::ClockTime::ZERO);
            let at = pts.saturating_sub(*start.get_or_insert(pts));
            let at = Duration::from_nanos(at.nseconds());
            let luma = mean_luma(&sample).unwrap_or(0);
            let candidate = Candidate { sample, at, luma };
            if luma >= options.min_luma {
                return Ok((candidate, false));
            }
            if first.is_none() {
                first = Some(candidate);
            }
            if at >= options.scan {
                break;
            }
        }
        first.map(|c| (c, true)).ok_or(PosterError::NoVideo)
    }

    /// The first error: one decided in a streaming thread, else the first on the bus.
    fn error(&self) -> Option<MediaError> {
        if let Some(e) = self.front.take_failure() {
            return Some(e);
        }
        let error = crate::bus::first_error(&self.pipeline, PipelineKind::Decode)?;
        if let Some(refused) = self.front.take_failure() {
            return Some(refused);
        }
        let source = self.source.path_string();
        Some(match error {
            MediaError::Damaged(b) if b.src == source.as_str() => MediaError::Source(b),
            e => e,
        })
    }

    /// The next frame let through; `Ok(None)` at the end of the clip.
    fn next_frame(&self, timeout: Duration) -> Result<Option<gst::Sample>, PosterError> {
        let deadline = Instant::now() + timeout;
        loop {
            // A refusal or failure first: it may be why no video pad was linked.
            if let Some(e) = self.error() {
                return Err(e.into());
            }
            let linked = self.front.linked.load(Ordering::SeqCst);
            if !linked && self.front.no_more_pads.load(Ordering::SeqCst) {
                return Err(PosterError::NoVideo);
            }
            if let Some(sample) = self
                .sink
                .try_pull_sample(gst::ClockTime::from_mseconds(100))
            {
                return Ok(Some(sample));
            }
            if self.sink.is_eos() {
                return Ok(None);
            }
            if Instant::now() > deadline {
                return Err(MediaError::Timeout("no video frame decoded in time".into()).into());
            }
        }
    }
}

impl Drop for FrameReader {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Lets through the first frame of each `step` of the clip into `convert`; the others are
/// dropped before they cost a conversion.
fn thin_out(convert: &gst::Element, step: Duration) -> Result<(), MediaError> {
    let pad = element::static_pad(convert, "sink")?;
    let step = gst::ClockTime::from_nseconds(u64::try_from(step.as_nanos()).unwrap_or(u64::MAX));
    let next: Mutex<Option<gst::ClockTime>> = Mutex::new(None);
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
        let Some(pts) = info.buffer().and_then(|b| b.pts()) else {
            return gst::PadProbeReturn::Ok;
        };
        let Ok(mut next) = next.lock() else {
            return gst::PadProbeReturn::Ok;
        };
        match *next {
            Some(due) if pts < due => {
                // Taken (and so released) here, answered Handled: returning Drop for a buffer
                // the bindings already moved out makes GStreamer unref NULL (a CRITICAL each).
                info.data.take();
                gst::PadProbeReturn::Handled
            }
            _ => {
                *next = Some(pts + step);
                gst::PadProbeReturn::Ok
            }
        }
    });
    Ok(())
}

/// Mean of the Y plane of an I420 frame.
fn mean_luma(sample: &gst::Sample) -> Option<u8> {
    let info = gst_video::VideoInfo::from_caps(sample.caps()?).ok()?;
    let buffer = sample.buffer()?;
    let frame = gst_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info).ok()?;
    let data = frame.plane_data(0).ok()?;
    let stride = usize::try_from(*frame.plane_stride().first()?).ok()?;
    let (width, height) = (info.width() as usize, info.height() as usize);
    if width == 0 || height == 0 || stride < width {
        return None;
    }
    let sum: u64 = data
        .chunks(stride)
        .take(height)
        .map(|row| row.iter().take(width).map(|&y| u64::from(y)).sum::<u64>())
        .sum();
    u8::try_from(sum / (width as u64 * height as u64)).ok()
}

/// `typefind` found the container: plug its demuxer (MP4 or Matroska only) and route the
/// first video pad to a decoder and `convert`, every other pad to a `fakesink`.
fn plug_demuxer(
    bin: &gst::Bin,
    typefind: &gst::Element,
    caps: &gst::Caps,
    convert: &gst::Element,
    front: &Arc<Front>,
) -> Result<(), MediaError> {
    let demux = front::make_demuxer(caps, Containers::Recorded)?;
    element::add(bin, &[&demux])?;
    let (bin_weak, convert_weak, front_pad) = (bin.downgrade(), convert.downgrade(), front.clone());
    demux.connect_pad_added(move |_, pad| {
        let (Some(bin), Some(convert)) = (bin_weak.upgrade(), convert_weak.upgrade()) else {
            return;
        };
        let caps = front::pad_caps(pad);
        let is_video = caps
            .structure(0)
            .is_some_and(|s| s.name().starts_with("video/"));
        let result = if is_video && !front_pad.linked.load(Ordering::SeqCst) {
            crate::video_front::link_video(&bin, pad, &caps, &convert)
                .map(|()| front_pad.linked.store(true, Ordering::SeqCst))
        } else {
            front::discard(&bin, pad)
        };
        if let Err(e) = result {
            tracing::debug!(error = %e.detail(), pad = %pad.name(), "could not route a stream");
            front_pad.fail(e);
        }
    });
    let front_nmp = front.clone();
    demux.connect_no_more_pads(move |_| front_nmp.no_more_pads.store(true, Ordering::SeqCst));
    demux
        .sync_state_with_parent()
        .map_err(|e| MediaError::Build(format!("starting {}: {e}", demux.name())))?;
    element::link(typefind, &demux)
}
