//! A/V sync measurement: a flash-and-beep emitter on the test desktop and the analysis of a
//! recording of it.
//!
//! The emitter is one GStreamer pipeline: a black picture shown by `ximagesink` that turns white
//! for the first 100 ms of every second, and a 1 kHz tone played into the desktop's null sink
//! (the recorder's microphone) that sounds in the same 100 ms. Both sinks render on the
//! pipeline's clock, so flash and beep leave the "computer" together, as they would for a person
//! in front of it. The analysis finds the flash onsets in the recorded video (mean luma) and the
//! beep onsets in its audio, pairs them, and returns the offsets (audio minus video).

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

/// Is stream time `ns` inside a flash (the first 100 ms of a second, from 1 s on)?
fn flashing(ns: u64) -> bool {
    ns >= 1_000_000_000 && ns % 1_000_000_000 < 100_000_000
}

/// A running emitter; dropping it stops it.
pub struct Emitter {
    pipeline: gst::Pipeline,
}

impl Drop for Emitter {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Starts flashing on `display` (full `width`×`height`) and beeping into PulseAudio `sink`.
pub fn emit(display: &str, sink: &str, width: u32, height: u32) -> anyhow::Result<Emitter> {
    vidmsg_media::init()?;
    let pipeline = gst::Pipeline::new();
    let make = |f: &str| {
        gst::ElementFactory::make(f)
            .build()
            .with_context(|| format!("element {f}"))
    };
    let vsrc = gst::ElementFactory::make("videotestsrc")
        .property("is-live", true)
        .property_from_str("pattern", "black")
        .build()?;
    let vcaps = gst::Caps::builder("video/x-raw")
        .field("format", "BGRx")
        .field("width", width as i32)
        .field("height", height as i32)
        .field("framerate", gst::Fraction::new(60, 1))
        .build();
    let vfilter = gst::ElementFactory::make("capsfilter")
        .property("caps", vcaps)
        .build()?;
    let vflash = make("identity")?;
    let vsink = gst::ElementFactory::make("ximagesink")
        .property("display", display)
        .property("sync", true)
        .build()?;
    let asrc = gst::ElementFactory::make("audiotestsrc")
        .property("is-live", true)
        .property_from_str("wave", "sine")
        .property("freq", 1000.0f64)
        .property("volume", 0.7f64)
        .property("samplesperbuffer", 480i32)
        .build()?;
    let acaps = gst::Caps::builder("audio/x-raw")
        .field("format", "S16LE")
        .field("rate", 48_000i32)
        .field("channels", 1i32)
        .build();
    let afilter = gst::ElementFactory::make("capsfilter")
        .property("caps", acaps)
        .build()?;
    let abeep = make("identity")?;
    let asink = gst::ElementFactory::make("pulsesink")
        .property("device", sink)
        .property("sync", true)
        .build()?;
    let vconv = make("videoconvert")?;
    pipeline.add_many([
        &vsrc, &vfilter, &vflash, &vconv, &vsink, &asrc, &afilter, &abeep, &asink,
    ])?;
    gst::Element::link_many([&vsrc, &vfilter, &vflash, &vconv, &vsink])?;
    gst::Element::link_many([&asrc, &afilter, &abeep, &asink])?;

    if let Some(pad) = vflash.static_pad("src") {
        pad.add_probe(gst::PadProbeType::BUFFER, |_, info| {
            let Some(pts) = info.buffer().and_then(|b| b.pts()) else {
                return gst::PadProbeReturn::Ok;
            };
            if flashing(pts.nseconds())
                && let Some(buffer) = info.buffer_mut()
                && let Ok(mut map) = buffer.make_mut().map_writable()
            {
                map.as_mut_slice().fill(0xff);
            }
            gst::PadProbeReturn::Ok
        });
    }
    if let Some(pad) = abeep.static_pad("src") {
        pad.add_probe(gst::PadProbeType::BUFFER, |_, info| {
            let Some(pts) = info.buffer().and_then(|b| b.pts()) else {
                return gst::PadProbeReturn::Ok;
            };
            if let Some(buffer) = info.buffer_mut()
                && let Ok(mut map) = buffer.make_mut().map_writable()
            {
                for (i, s) in map.as_mut_slice().chunks_exact_mut(2).enumerate() {
                    let t = pts.nseconds() + i as u64 * 1_000_000_000 / 48_000;
                    if !flashing(t) {
                        s.fill(0);
                    }
                }
            }
            gst::PadProbeReturn::Ok
        });
    }
    pipeline
        .set_state(gst::State::Playing)
        .context("starting the flash+beep emitter")?;
    Ok(Emitter { pipeline })
}

/// Times (s) at which the picture turns bright, from a recording's video.
pub fn flash_onsets(file: &Path) -> anyhow::Result<Vec<f64>> {
    vidmsg_media::init()?;
    let uri = gst::glib::filename_to_uri(file.canonicalize()?, None)?;
    let pipeline = gst::Pipeline::new();
    let src = gst::ElementFactory::make("uridecodebin")
        .property("uri", uri.as_str())
        .build()?;
    let conv = gst::ElementFactory::make("videoconvert").build()?;
    let scale = gst::ElementFactory::make("videoscale").build()?;
    let caps = gst::Caps::builder("video/x-raw")
        .field("format", "GRAY8")
        .field("width", 64i32)
        .field("height", 36i32)
        .build();
    let sink = gst_app::AppSink::builder().caps(&caps).sync(false).build();
    pipeline.add_many([&src, &conv, &scale, sink.upcast_ref()])?;
    gst::Element::link_many([&conv, &scale, sink.upcast_ref()])?;
    let conv_weak = conv.downgrade();
    src.connect_pad_added(move |_, pad| {
        let is_video = pad
            .current_caps()
            .and_then(|c| c.structure(0).map(|s| s.name().starts_with("video/")))
            .unwrap_or(false);
        if let (true, Some(conv)) = (is_video, conv_weak.upgrade())
            && let Some(sinkpad) = conv.static_pad("sink")
            && !sinkpad.is_linked()
        {
            let _ = pad.link(&sinkpad);
        }
    });
    pipeline.set_state(gst::State::Playing)?;
    let mut onsets = Vec::new();
    let mut bright = false;
    loop {
        let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_seconds(10)) else {
            break;
        };
        let Some(buffer) = sample.buffer() else {
            continue;
        };
        let Some(pts) = buffer.pts() else { continue };
        let map = buffer.map_readable()?;
        let mean = map.iter().map(|&b| u64::from(b)).sum::<u64>() as f64 / map.len().max(1) as f64;
        let now_bright = mean > 128.0;
        if now_bright && !bright {
            onsets.push(pts.nseconds() as f64 / 1e9);
        }
        bright = now_bright;
    }
    pipeline.set_state(gst::State::Null)?;
    Ok(onsets)
}

/// Times (s) at which the tone starts, from a recording's audio.
pub fn beep_onsets(file: &Path) -> anyhow::Result<Vec<f64>> {
    let mut dec = vidmsg_media::AudioDecoder::open(&file.to_string_lossy())?;
    let rate = f64::from(vidmsg_media::SAMPLE_RATE);
    let mut onsets = Vec::new();
    let mut quiet_run = u64::MAX / 2;
    while let Some(chunk) = dec.next_chunk(Duration::from_secs(20))? {
        for (i, s) in chunk.samples.iter().enumerate() {
            if s.abs() > 0.1 {
                // A tone after at least 300 ms of quiet is a new beep.
                if quiet_run as f64 > 0.3 * rate {
                    onsets.push((chunk.offset + i as u64) as f64 / rate);
                }
                quiet_run = 0;
            } else {
                quiet_run += 1;
            }
        }
    }
    Ok(onsets)
}

/// Audio-minus-video offsets (s) of each flash that has a beep within 0.5 s.
pub fn offsets(flashes: &[f64], beeps: &[f64]) -> Vec<f64> {
    flashes
        .iter()
        .filter_map(|f| {
            beeps
                .iter()
                .map(|b| b - f)
                .filter(|d| d.abs() < 0.5)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn offsets_pair_each_flash_with_its_nearest_beep() {
        let o = super::offsets(&[1.0, 2.0, 3.0], &[1.02, 2.5, 2.01, 9.0]);
        assert_eq!(o.len(), 2);
        assert!((o[0] - 0.02).abs() < 1e-9 && (o[1] - 0.01).abs() < 1e-9);
        assert!(
            super::flashing(1_050_000_000)
                && !super::flashing(1_150_000_000)
                && !super::flashing(50_000_000)
        );
    }
}
