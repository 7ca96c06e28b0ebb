//! The fixed front of every decoding pipeline: the container is recognised by `typefind` and
//! only the two the product records get a demuxer (MP4/ISO-BMFF → `qtdemux`, WebM/Matroska →
//! `matroskademux`); an audio stream gets a decoder chosen among the installed audio decoders
//! by its caps. Nothing here can plug a playlist or manifest demuxer (HLS, DASH, MSS, SDP…),
//! so a clip never makes the pipeline fetch another URL or open another file.

use gstreamer as gst;
use gstreamer::prelude::*;

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use crate::element;
use crate::error::{BusError, MediaError, PipelineKind};
use crate::location::Location;

/// What a decoding pipeline's streaming threads found out, read by the thread pulling from it.
#[derive(Default)]
pub(crate) struct Front {
    pub linked: AtomicBool,
    pub no_more_pads: AtomicBool,
    /// A refusal or failure decided in a streaming thread (wrong container, no decoder); it
    /// outranks the "not linked" bus error it causes.
    failed: Mutex<Option<MediaError>>,
}

impl Front {
    /// Keeps the first failure.
    pub fn fail(&self, e: MediaError) {
        if let Ok(mut slot) = self.failed.lock() {
            slot.get_or_insert(e);
        }
    }

    pub fn take_failure(&self) -> Option<MediaError> {
        self.failed.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Starts a decoding pipeline; if it cannot start, what the bus says about it (a file that
/// cannot be opened), else a plain "could not start", as a source error.
pub(crate) fn start(pipeline: &gst::Pipeline, location: &Location) -> Result<(), MediaError> {
    if pipeline.set_state(gst::State::Playing).is_ok() {
        return Ok(());
    }
    let bus = crate::bus::first_error(pipeline, PipelineKind::Decode)
        .and_then(|e| e.bus().cloned())
        .unwrap_or_else(|| {
            BusError::new(
                pipeline.path_string(),
                gst::glib::Error::new(gst::CoreError::StateChange, "could not start"),
                location.redacted(),
            )
        });
    let _ = pipeline.set_state(gst::State::Null);
    Err(MediaError::Source(bus))
}

/// The containers a decoder accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Containers {
    /// What the product records: MP4/ISO-BMFF and WebM/Matroska. Everything uploaded.
    #[default]
    Recorded,
    /// Those and WAV: for an operator's own files (`vidmsg-server transcribe`), never uploads.
    RecordedOrWav,
}

/// The demuxer for a container type found by `typefind`, or why there is none.
pub(crate) fn demuxer_for(
    caps: &gst::CapsRef,
    containers: Containers,
) -> Result<&'static str, MediaError> {
    let name = caps.structure(0).map(|s| s.name().as_str()).unwrap_or("");
    match name {
        "video/quicktime" => Ok("qtdemux"),
        "video/x-matroska" | "video/webm" => Ok("matroskademux"),
        "audio/x-wav" if containers == Containers::RecordedOrWav => Ok("wavparse"),
        _ => Err(MediaError::NotAVideo {
            found: caps.to_string(),
        }),
    }
}

/// Creates the demuxer for `caps`.
pub(crate) fn make_demuxer(
    caps: &gst::CapsRef,
    containers: Containers,
) -> Result<gst::Element, MediaError> {
    let factory = demuxer_for(caps, containers)?;
    element::make(factory).build()
}

/// Audio decoders that accept `caps`, best rank first.
pub(crate) fn audio_decoders_for(caps: &gst::CapsRef) -> Vec<gst::ElementFactory> {
    let mut found: Vec<gst::ElementFactory> = gst::ElementFactory::factories_with_type(
        gst::ElementFactoryType::DECODER | gst::ElementFactoryType::MEDIA_AUDIO,
        gst::Rank::MARGINAL,
    )
    .into_iter()
    .filter(|f| f.can_sink_any_caps(caps))
    .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.rank()));
    found
}

/// The caps a demuxer pad carries (what it negotiated, else what it could carry).
pub(crate) fn pad_caps(pad: &gst::Pad) -> gst::Caps {
    pad.current_caps().unwrap_or_else(|| pad.query_caps(None))
}

/// Whether caps are audio.
pub(crate) fn is_audio(caps: &gst::CapsRef) -> bool {
    caps.structure(0)
        .is_some_and(|s| s.name().starts_with("audio/"))
}

/// Plugs a decoder for the audio `pad` (carrying `caps`) into `bin` and links it to
/// `downstream`'s sink pad. Tries each decoder that accepts the caps, best first.
pub(crate) fn link_audio(
    bin: &gst::Bin,
    pad: &gst::Pad,
    caps: &gst::CapsRef,
    downstream: &gst::Element,
) -> Result<(), MediaError> {
    if caps.structure(0).is_some_and(|s| s.name() == "audio/x-raw") {
        // PCM (WAV): nothing to decode.
        let sink = element::static_pad(downstream, "sink")?;
        return pad.link(&sink).map(|_| ()).map_err(|e| {
            MediaError::Build(format!(
                "linking {} to {}: {e:?}",
                pad.name(),
                downstream.name()
            ))
        });
    }
    plug_decoder(
        bin,
        pad,
        caps,
        downstream,
        audio_decoders_for(caps),
        "audio",
        "gstreamer1.0-libav or gstreamer1.0-plugins-base",
    )
}

/// Plugs the first of `candidates` (decoders that accept `caps`, best first) that links
/// between `pad` and `downstream` inside `bin`; a candidate that fails is taken out again.
/// `kind` ("audio", "video") and `packages` (where decoders come from) word the error.
pub(crate) fn plug_decoder(
    bin: &gst::Bin,
    pad: &gst::Pad,
    caps: &gst::CapsRef,
    downstream: &gst::Element,
    candidates: Vec<gst::ElementFactory>,
    kind: &str,
    packages: &str,
) -> Result<(), MediaError> {
    if candidates.is_empty() {
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        return Err(MediaError::MissingPlugins(format!(
            "{article} {kind} decoder for {caps} ({packages})"
        )));
    }
    let mut tried = Vec::new();
    for factory in candidates {
        let Ok(dec) = factory.create().build() else {
            tried.push(factory.name().to_string());
            continue;
        };
        if bin.add(&dec).is_err() {
            tried.push(factory.name().to_string());
            continue;
        }
        let linked = dec.link(downstream).is_ok()
            && dec.sync_state_with_parent().is_ok()
            && dec
                .static_pad("sink")
                .is_some_and(|sink| pad.link(&sink).is_ok());
        if linked {
            tracing::debug!(decoder = %factory.name(), caps = %caps, "{kind} decoder plugged");
            return Ok(());
        }
        tried.push(factory.name().to_string());
        let _ = dec.set_state(gst::State::Null);
        dec.unlink(downstream);
        let _ = bin.remove(&dec);
    }
    Err(MediaError::MissingPlugins(format!(
        "no working {kind} decoder for {caps} (tried {})",
        tried.join(", ")
    )))
}

/// Sends a pad nobody needs (video, subtitles) into a `fakesink`, so the demuxer keeps going.
pub(crate) fn discard(bin: &gst::Bin, pad: &gst::Pad) -> Result<(), MediaError> {
    let sink = element::make("fakesink")
        .property("sync", false)
        .property("async", false)
        .build()?;
    element::add(bin, &[&sink])?;
    sink.sync_state_with_parent()
        .map_err(|e| MediaError::Build(format!("starting {}: {e}", sink.name())))?;
    let sinkpad = element::static_pad(&sink, "sink")?;
    pad.link(&sinkpad)
        .map(|_| ())
        .map_err(|e| MediaError::Build(format!("linking {} to {}: {e:?}", pad.name(), sink.name())))
}

#[cfg(test)]
mod tests {
    use gstreamer as gst;

    #[test]
    fn only_mp4_and_matroska_get_a_demuxer() {
        crate::init().expect("gstreamer");
        let ok = |name: &str| {
            super::demuxer_for(
                &gst::Caps::new_empty_simple(name),
                super::Containers::Recorded,
            )
            .ok()
        };
        assert_eq!(ok("video/quicktime"), Some("qtdemux"));
        assert_eq!(ok("video/webm"), Some("matroskademux"));
        assert_eq!(ok("video/x-matroska"), Some("matroskademux"));
        for refused in [
            "application/x-hls",
            "application/dash+xml",
            "application/vnd.ms-sstr+xml",
            "application/sdp",
            "text/uri-list",
            "video/mpegts",
            "application/ogg",
            "audio/x-wav",
        ] {
            assert_eq!(ok(refused), None, "{refused}");
        }
        let wav = gst::Caps::new_empty_simple("audio/x-wav");
        assert_eq!(
            super::demuxer_for(&wav, super::Containers::RecordedOrWav).ok(),
            Some("wavparse")
        );
    }
}
