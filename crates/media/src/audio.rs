//! Decodes a clip's audio (file path or URL, e.g. a presigned S3 URL read with HTTP Range) to
//! 16 kHz mono f32, handed out a buffer at a time from an appsink. The appsink holds only a few
//! buffers, so the decoder stays a bounded stream whatever the clip's length.
//!
//! The pipeline is fixed: `filesrc`/`souphttpsrc` (by scheme, nothing else) → `typefind` →
//! `qtdemux` or `matroskademux` (nothing else; see [`crate::front`]) → the audio pad only → an
//! audio decoder chosen by caps → `audioconvert` → `audioresample` → appsink. No `decodebin`:
//! an upload that is really a playlist or manifest is refused, never followed.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::element::{self, make};
use crate::error::{BusError, MediaError, PipelineKind};
use crate::front::{self, Containers, Front};
use crate::location::Location;

/// Sample rate of the decoded audio.
pub const SAMPLE_RATE: u32 = 16_000;

/// A run of decoded samples and where it starts in the clip.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioChunk {
    /// Sample index (at 16 kHz) of the first sample.
    pub offset: u64,
    pub samples: Vec<f32>,
}

pub struct AudioDecoder {
    pipeline: gst::Pipeline,
    /// `filesrc` or `souphttpsrc`: what fails here is the input's reading, not its content.
    source: gst::Element,
    sink: gst_app::AppSink,
    front: Arc<Front>,
    next_offset: u64,
    eos: bool,
}

impl AudioDecoder {
    /// Opens a path, `file:///…` or `http(s)://…` location; other schemes are refused, and
    /// so is anything but MP4 and WebM.
    pub fn open(location: &str) -> Result<Self, MediaError> {
        Self::open_with(location, Containers::Recorded)
    }

    /// [`AudioDecoder::open`], accepting `containers`.
    pub fn open_with(location: &str, containers: Containers) -> Result<Self, MediaError> {
        crate::init()?;
        let location = Location::parse(location)?;
        let pipeline = gst::Pipeline::with_name("decode-audio");
        let src = location.source()?;
        let typefind = make("typefind").name("typefind").build()?;
        let convert = make("audioconvert").name("convert").build()?;
        let resample = make("audioresample").name("resample").build()?;
        let caps = crate::caps::audio_in(crate::caps::AudioFormat::F32le, SAMPLE_RATE, 1);
        let sink = gst_app::AppSink::builder()
            .name("samples")
            .caps(&caps)
            .sync(false)
            .max_buffers(8)
            .drop(false)
            .build();
        element::add_chain(&pipeline, &[&src, &typefind])?;
        element::add_chain(&pipeline, &[&convert, &resample, sink.upcast_ref()])?;

        let front = Arc::new(Front::default());
        let (pipeline_weak, convert_weak, front_tf) =
            (pipeline.downgrade(), convert.downgrade(), front.clone());
        typefind.connect("have-type", false, move |args| {
            let typefind = args.first().and_then(|v| v.get::<gst::Element>().ok());
            let caps = args.get(2).and_then(|v| v.get::<gst::Caps>().ok());
            let (Some(typefind), Some(caps), Some(pipeline), Some(convert)) = (
                typefind,
                caps,
                pipeline_weak.upgrade(),
                convert_weak.upgrade(),
            ) else {
                return None;
            };
            let plugged =
                plug_demuxer(&pipeline, &typefind, &caps, containers, &convert, &front_tf);
            if let Err(e) = plugged {
                tracing::debug!(error = %e.detail(), "refused the input");
                front_tf.fail(e);
            }
            None
        });

        front::start(&pipeline, &location)?;
        Ok(Self {
            pipeline,
            source: src,
            sink,
            front,
            next_offset: 0,
            eos: false,
        })
    }

    /// Length of the clip, once the demuxer knows it.
    pub fn duration(&self) -> Option<Duration> {
        self.pipeline
            .query_duration::<gst::ClockTime>()
            .map(|d| Duration::from_nanos(d.nseconds()))
    }

    /// The first error: one decided in a streaming thread, else the first on the bus.
    fn error(&self) -> Option<MediaError> {
        if let Some(e) = self.front.take_failure() {
            return Some(e);
        }
        let mut missing_plugin = None;
        let error = crate::bus::drain(&self.pipeline, PipelineKind::Decode, |s| {
            if s.name() == "missing-plugin" && missing_plugin.is_none() {
                missing_plugin = Some(s.get::<String>("name").unwrap_or_default());
            }
        });
        if let Some(detail) = missing_plugin {
            return Some(MediaError::MissingPlugins(detail));
        }
        let error = error?;
        // The bus error may be the consequence of a refusal made meanwhile.
        if let Some(refused) = self.front.take_failure() {
            return Some(refused);
        }
        // A source that stops (souphttpsrc refused a connection says only "Internal data
        // stream error") failed to read: that may work later.
        let source = self.source.path_string();
        Some(match error {
            MediaError::Damaged(b) if b.src == source.as_str() => MediaError::Source(b),
            e => e,
        })
    }

    /// Next decoded buffer; `Ok(None)` at the end of the clip. Waits at most `timeout` for data.
    pub fn next_chunk(&mut self, timeout: Duration) -> Result<Option<AudioChunk>, MediaError> {
        if self.eos {
            return Ok(None);
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let linked = self.front.linked.load(Ordering::SeqCst);
            if !linked && self.front.no_more_pads.load(Ordering::SeqCst) {
                return Err(MediaError::NoAudio);
            }
            if let Some(e) = self.error() {
                return Err(e);
            }
            if let Some(sample) = self
                .sink
                .try_pull_sample(gst::ClockTime::from_mseconds(100))
            {
                let Some(buffer) = sample.buffer() else {
                    continue;
                };
                let map = buffer.map_readable().map_err(|e| {
                    MediaError::Damaged(BusError::new(
                        self.sink.path_string(),
                        gst::glib::Error::new(gst::StreamError::Decode, &e.to_string()),
                        "",
                    ))
                })?;
                let samples: Vec<f32> = map
                    .as_slice()
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                let offset = buffer
                    .pts()
                    .map(|pts| pts.nseconds() * u64::from(SAMPLE_RATE) / 1_000_000_000)
                    .unwrap_or(self.next_offset);
                self.next_offset = offset + samples.len() as u64;
                return Ok(Some(AudioChunk { offset, samples }));
            }
            if self.sink.is_eos() {
                self.eos = true;
                if !self.front.linked.load(Ordering::SeqCst) {
                    return Err(MediaError::NoAudio);
                }
                return Ok(None);
            }
            if std::time::Instant::now() > deadline {
                return Err(MediaError::Timeout("no audio decoded in time".into()));
            }
        }
    }
}

/// `typefind` found the container: plug its demuxer (MP4 or Matroska; WAV when asked), and
/// route the demuxer's first audio pad to `convert`, every other pad to a `fakesink`.
fn plug_demuxer(
    pipeline: &gst::Pipeline,
    typefind: &gst::Element,
    caps: &gst::Caps,
    containers: Containers,
    convert: &gst::Element,
    front: &Arc<Front>,
) -> Result<(), MediaError> {
    let demux = front::make_demuxer(caps, containers)?;
    element::add(pipeline, &[&demux])?;
    let bin: gst::Bin = pipeline.clone().upcast();
    let (bin_weak, convert_weak, front_pad) = (bin.downgrade(), convert.downgrade(), front.clone());
    demux.connect_pad_added(move |_, pad| {
        if let (Some(bin), Some(convert)) = (bin_weak.upgrade(), convert_weak.upgrade()) {
            route_pad(&bin, pad, &front::pad_caps(pad), &convert, &front_pad);
        }
    });
    let front_nmp = front.clone();
    demux.connect_no_more_pads(move |_| front_nmp.no_more_pads.store(true, Ordering::SeqCst));
    // A parser with an always-present pad (wavparse) adds no pads: route it once its caps
    // are known.
    if let Some(pad) = demux.static_pad("src") {
        let (bin_weak, convert_weak, front) = (bin.downgrade(), convert.downgrade(), front.clone());
        pad.add_probe(gst::PadProbeType::EVENT_DOWNSTREAM, move |pad, info| {
            let Some(gst::PadProbeData::Event(event)) = &info.data else {
                return gst::PadProbeReturn::Ok;
            };
            let gst::EventView::Caps(caps) = event.view() else {
                return gst::PadProbeReturn::Ok;
            };
            if let (Some(bin), Some(convert)) = (bin_weak.upgrade(), convert_weak.upgrade()) {
                route_pad(&bin, pad, caps.caps(), &convert, &front);
            }
            front.no_more_pads.store(true, Ordering::SeqCst);
            gst::PadProbeReturn::Remove
        });
    }
    demux
        .sync_state_with_parent()
        .map_err(|e| MediaError::Build(format!("starting {}: {e}", demux.name())))?;
    element::link(typefind, &demux)
}

/// The first audio pad goes to a decoder and `convert`; any other into a `fakesink`.
fn route_pad(
    bin: &gst::Bin,
    pad: &gst::Pad,
    caps: &gst::CapsRef,
    convert: &gst::Element,
    front: &Front,
) {
    let result = if front::is_audio(caps) && !front.linked.load(Ordering::SeqCst) {
        front::link_audio(bin, pad, caps, convert)
            .map(|()| front.linked.store(true, Ordering::SeqCst))
    } else {
        front::discard(bin, pad)
    };
    if let Err(e) = result {
        tracing::debug!(error = %e.detail(), pad = %pad.name(), "could not route a stream");
        front.fail(e);
    }
}

impl Drop for AudioDecoder {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}
