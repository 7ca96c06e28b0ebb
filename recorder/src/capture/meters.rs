//! Input readings shared by a capture and a preview: the latest sound level (from the `level`
//! element's messages on the bus) and the camera's frame counter (from a probe). Reading the bus
//! for them also finds the pipeline's first error.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use gstreamer as gst;
use vidmsg_media::{MediaError, PipelineKind};

/// What the inputs are doing, for meters and warnings.
#[derive(Debug, Clone, Copy)]
pub struct InputStatus {
    /// Sound level in dBFS (RMS over 100 ms), once measured.
    pub mic_db: Option<f64>,
    pub camera_frames: Option<u64>,
}

pub(super) struct Meters {
    /// dBFS × 100; i64::MIN before the first measurement.
    centi_db: AtomicI64,
    has_audio: bool,
    camera_frames: Option<Arc<AtomicU64>>,
}

impl Meters {
    pub(super) fn new(has_audio: bool, camera_frames: Option<Arc<AtomicU64>>) -> Self {
        Self {
            centi_db: AtomicI64::new(i64::MIN),
            has_audio,
            camera_frames,
        }
    }

    pub(super) fn status(&self) -> InputStatus {
        let c = self.centi_db.load(Ordering::Relaxed);
        InputStatus {
            mic_db: (self.has_audio && c != i64::MIN).then(|| c as f64 / 100.0),
            camera_frames: self
                .camera_frames
                .as_ref()
                .map(|f| f.load(Ordering::Relaxed)),
        }
    }

    /// Reads the bus without blocking: keeps the latest sound level, returns the first error.
    pub(super) fn drain_bus(&self, pipeline: &gst::Pipeline) -> Option<MediaError> {
        vidmsg_media::bus::drain(pipeline, PipelineKind::Capture, |st| {
            if st.name() != "level" {
                return;
            }
            if let Ok(rms) = st.get::<gst::glib::ValueArray>("rms") {
                let loudest = rms
                    .iter()
                    .filter_map(|v| v.get::<f64>().ok())
                    .fold(f64::NEG_INFINITY, f64::max);
                // Digital silence reads as −700 dB or −inf: report it as −100 dBFS.
                let centi = if loudest.is_finite() {
                    (loudest.max(-100.0) * 100.0) as i64
                } else {
                    -10_000
                };
                self.centi_db.store(centi, Ordering::Relaxed);
            }
        })
    }
}
