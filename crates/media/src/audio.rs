//! Decodes a clip's audio (file path or URL, e.g. a presigned S3 URL read with HTTP Range) to
//! 16 kHz mono f32, handed out a buffer at a time from an appsink. The appsink holds only a few
//! buffers, so the decoder stays a bounded stream whatever the clip's length.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::error::MediaError;

/// Sample rate of the decoded audio.
pub const SAMPLE_RATE: u32 = 16_000;

/// A run of decoded samples and where it starts in the clip.
#[derive(Debug, Clone)]
pub struct AudioChunk {
    /// Sample index (at 16 kHz) of the first sample.
    pub offset: u64,
    pub samples: Vec<f32>,
}

pub struct AudioDecoder {
    pipeline: gst::Pipeline,
    sink: gst_app::AppSink,
    linked: Arc<AtomicBool>,
    no_more_pads: Arc<AtomicBool>,
    next_offset: u64,
    eos: bool,
}

fn make(factory: &str) -> Result<gst::Element, MediaError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|_| MediaError::MissingPlugins(factory.to_string()))
}

impl AudioDecoder {
    /// Opens `uri` (`file:///…`, `http(s)://…`); a plain path is turned into a file URI.
    pub fn open(uri: &str) -> Result<Self, MediaError> {
        crate::init()?;
        let uri = if uri.contains("://") {
            uri.to_string()
        } else {
            let abs = std::path::Path::new(uri)
                .canonicalize()
                .map_err(|e| MediaError::Decode(format!("{uri}: {e}")))?;
            gst::glib::filename_to_uri(&abs, None)
                .map_err(|e| MediaError::Decode(e.to_string()))?
                .to_string()
        };
        let pipeline = gst::Pipeline::new();
        let src = gst::ElementFactory::make("uridecodebin")
            .property("uri", &uri)
            .build()
            .map_err(|_| {
                MediaError::MissingPlugins("uridecodebin (gstreamer1.0-plugins-base)".into())
            })?;
        let convert = make("audioconvert")?;
        let resample = make("audioresample")?;
        let caps = gst::Caps::builder("audio/x-raw")
            .field("format", "F32LE")
            .field("rate", SAMPLE_RATE as i32)
            .field("channels", 1i32)
            .field("layout", "interleaved")
            .build();
        let sink = gst_app::AppSink::builder()
            .caps(&caps)
            .sync(false)
            .max_buffers(8)
            .drop(false)
            .build();
        pipeline
            .add_many([&src, &convert, &resample, sink.upcast_ref()])
            .map_err(|e| MediaError::Build(e.to_string()))?;
        gst::Element::link_many([&convert, &resample, sink.upcast_ref()])
            .map_err(|e| MediaError::Build(e.to_string()))?;

        let linked = Arc::new(AtomicBool::new(false));
        let no_more_pads = Arc::new(AtomicBool::new(false));
        let convert_weak = convert.downgrade();
        let linked_cb = linked.clone();
        src.connect_pad_added(move |_, pad| {
            let is_audio = pad
                .current_caps()
                .and_then(|c| c.structure(0).map(|s| s.name().starts_with("audio/")))
                .unwrap_or(false);
            let Some(convert) = convert_weak.upgrade() else {
                return;
            };
            let Some(sinkpad) = convert.static_pad("sink") else {
                return;
            };
            if is_audio && !sinkpad.is_linked() && pad.link(&sinkpad).is_ok() {
                linked_cb.store(true, Ordering::SeqCst);
            }
        });
        let nmp = no_more_pads.clone();
        src.connect_no_more_pads(move |_| nmp.store(true, Ordering::SeqCst));

        pipeline
            .set_state(gst::State::Playing)
            .map_err(|_| MediaError::Decode(format!("cannot open {}", redact(&uri))))?;
        Ok(Self {
            pipeline,
            sink,
            linked,
            no_more_pads,
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

    /// The first error on the bus, if any, with the missing plugin named.
    fn bus_error(&self) -> Option<MediaError> {
        let bus = self.pipeline.bus()?;
        while let Some(msg) = bus.pop() {
            match msg.view() {
                gst::MessageView::Error(err) => {
                    let text = err.error().to_string();
                    let debug = err.debug().map(|d| d.to_string()).unwrap_or_default();
                    if err.error().matches(gst::CoreError::MissingPlugin)
                        || err.error().matches(gst::StreamError::CodecNotFound)
                    {
                        return Some(MediaError::MissingPlugins(format!(
                            "{text} {}",
                            last_line(&debug)
                        )));
                    }
                    if err.error().kind::<gst::ResourceError>().is_some() {
                        return Some(MediaError::Source(format!(
                            "{text} ({})",
                            last_line(&debug)
                        )));
                    }
                    return Some(MediaError::Decode(format!(
                        "{text} ({})",
                        last_line(&debug)
                    )));
                }
                gst::MessageView::Element(e)
                    if e.structure().is_some_and(|s| s.name() == "missing-plugin") =>
                {
                    let detail = e
                        .structure()
                        .and_then(|s| s.get::<String>("name").ok())
                        .unwrap_or_default();
                    return Some(MediaError::MissingPlugins(detail));
                }
                _ => {}
            }
        }
        None
    }

    /// Next decoded buffer; `Ok(None)` at the end of the clip. Waits at most `timeout` for data.
    pub fn next_chunk(&mut self, timeout: Duration) -> Result<Option<AudioChunk>, MediaError> {
        if self.eos {
            return Ok(None);
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(e) = self.bus_error() {
                return Err(e);
            }
            if let Some(sample) = self
                .sink
                .try_pull_sample(gst::ClockTime::from_mseconds(100))
            {
                let Some(buffer) = sample.buffer() else {
                    continue;
                };
                let map = buffer
                    .map_readable()
                    .map_err(|e| MediaError::Decode(e.to_string()))?;
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
                if !self.linked.load(Ordering::SeqCst) {
                    return Err(MediaError::NoAudio);
                }
                return Ok(None);
            }
            if self.no_more_pads.load(Ordering::SeqCst) && !self.linked.load(Ordering::SeqCst) {
                return Err(MediaError::NoAudio);
            }
            if std::time::Instant::now() > deadline {
                return Err(MediaError::Timeout("no audio decoded in time".into()));
            }
        }
    }
}

impl Drop for AudioDecoder {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or_default()
}

/// URLs may carry presigned credentials: keep them out of messages.
fn redact(uri: &str) -> String {
    uri.split('?').next().unwrap_or(uri).to_string()
}
