//! Latest-frame mailbox: an `appsink` hands each decoded RGBA frame to a slot that keeps only
//! the newest one; the UI takes it when it paints. Nothing polls: a waker (the app's
//! `request_repaint`) is called for every new frame. The streaming thread never panics: a frame
//! it cannot map is skipped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gstreamer as gst;
use gstreamer_app as gst_app;

/// One RGBA frame, rows packed (`width * 4` bytes each).
#[derive(Debug, Clone)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    /// Stream time of the frame, when known.
    pub pts: Option<std::time::Duration>,
}

type Waker = Box<dyn Fn() + Send + Sync>;

/// Cheap to clone; every clone sees the same slot.
#[derive(Clone, Default)]
pub struct FrameMailbox {
    slot: Arc<Mutex<Option<Frame>>>,
    frames: Arc<AtomicU64>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl std::fmt::Debug for FrameMailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameMailbox")
            .field("frames", &self.frames())
            .finish()
    }
}

impl FrameMailbox {
    /// Calls `wake` (from the streaming thread) whenever a frame arrives.
    pub fn set_waker(&self, wake: impl Fn() + Send + Sync + 'static) {
        if let Ok(mut w) = self.waker.lock() {
            *w = Some(Box::new(wake));
        }
    }

    /// The newest frame not taken yet.
    pub fn take(&self) -> Option<Frame> {
        self.slot.lock().ok().and_then(|mut s| s.take())
    }

    /// Frames delivered so far.
    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }

    pub fn put(&self, frame: Frame) {
        if let Ok(mut s) = self.slot.lock() {
            *s = Some(frame);
        }
        self.frames.fetch_add(1, Ordering::Relaxed);
        if let Ok(w) = self.waker.lock()
            && let Some(wake) = w.as_ref()
        {
            wake();
        }
    }

    /// An `appsink` (caps `video/x-raw,format=RGBA`) feeding this mailbox. `sync` decides whether
    /// frames are shown on the pipeline clock (playback) or as soon as they arrive (previews).
    pub fn appsink(&self, sync: bool) -> gst_app::AppSink {
        let caps = crate::caps::video(crate::caps::VideoFormat::Rgba);
        let mailbox = self.clone();
        let preroll_box = self.clone();
        gst_app::AppSink::builder()
            .name("frames")
            .caps(&caps)
            .sync(sync)
            .max_buffers(1)
            .drop(true)
            .callbacks(
                gst_app::AppSinkCallbacks::builder()
                    .new_sample(move |sink| {
                        let Ok(sample) = sink.pull_sample() else {
                            return Err(gst::FlowError::Eos);
                        };
                        if let Some(frame) = to_frame(&sample) {
                            mailbox.put(frame);
                        }
                        Ok(gst::FlowSuccess::Ok)
                    })
                    .new_preroll(move |sink| {
                        // The first frame while paused (after opening or a seek) comes here: show it.
                        if let Ok(sample) = sink.pull_preroll()
                            && let Some(frame) = to_frame(&sample)
                        {
                            preroll_box.put(frame);
                        }
                        Ok(gst::FlowSuccess::Ok)
                    })
                    .build(),
            )
            .build()
    }
}

fn to_frame(sample: &gst::Sample) -> Option<Frame> {
    let caps = sample.caps()?;
    let info = gstreamer_video::VideoInfo::from_caps(caps).ok()?;
    let buffer = sample.buffer()?;
    let map = buffer.map_readable().ok()?;
    let (w, h) = (info.width() as usize, info.height() as usize);
    let stride = usize::try_from(*info.stride().first()?).ok()?;
    let row = w * 4;
    let data = map.as_slice();
    let rgba = if stride == row {
        // Rows are packed already: one copy.
        data.get(..row * h)?.to_vec()
    } else {
        let mut rgba = Vec::with_capacity(row * h);
        for y in 0..h {
            rgba.extend_from_slice(data.get(y * stride..y * stride + row)?);
        }
        rgba
    };
    Some(Frame {
        width: info.width(),
        height: info.height(),
        rgba,
        pts: buffer
            .pts()
            .map(|t| std::time::Duration::from_nanos(t.nseconds())),
    })
}
