//! The picture: a background (screen, or the camera, or black) scaled to the output size, with
//! the camera as a round bubble in a corner, composited in BGRA.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gstreamer as gst;
use gstreamer::prelude::*;

use super::elements::{bgra, caps_filter, chain, make, make_or};
use super::{Camera, CaptureError, CaptureSpec, Corner, Screen, bubble};

/// What [`compose`] built.
pub struct Composed {
    /// The last element of the picture (the compositor, or the background chain when there is
    /// no bubble); link its src pad onwards.
    pub output: gst::Element,
    /// Frames the camera delivered (None without a camera).
    pub camera_frames: Option<Arc<AtomicU64>>,
}

/// Adds the video sources and the compositor to `pipeline`, producing `w`×`h` at `fps`.
/// `bubble` is the camera bubble's diameter at this output size.
pub fn compose(
    pipeline: &gst::Pipeline,
    spec: &CaptureSpec,
    w: u32,
    h: u32,
    fps: u32,
    bubble_px: u32,
) -> Result<Composed, CaptureError> {
    let background = match &spec.screen {
        Screen::X11 { display, region } => {
            let src = gst::ElementFactory::make("ximagesrc")
                .property("use-damage", false)
                .property("show-pointer", true)
                .build()
                .map_err(|_| {
                    CaptureError::MissingPlugins("ximagesrc (gstreamer1.0-plugins-good)".into())
                })?;
            if let Some(d) = display {
                src.set_property("display-name", d);
            }
            if let Some(r) = region {
                src.set_property("startx", r.x);
                src.set_property("starty", r.y);
                src.set_property("endx", r.x + r.width - 1);
                src.set_property("endy", r.y + r.height - 1);
            }
            Some(src)
        }
        Screen::Window(xid) => Some(
            gst::ElementFactory::make("ximagesrc")
                .property("use-damage", false)
                .property("show-pointer", true)
                .property("xid", *xid)
                .build()
                .map_err(|_| {
                    CaptureError::MissingPlugins("ximagesrc (gstreamer1.0-plugins-good)".into())
                })?,
        ),
        Screen::Test => Some(
            gst::ElementFactory::make("videotestsrc")
                .property("is-live", true)
                .property_from_str("pattern", "smpte")
                .build()
                .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?,
        ),
        Screen::None => None,
    };
    let camera_src = match &spec.camera {
        Camera::Device(dev) => Some(
            make_or("v4l2src", "v4l2src (gstreamer1.0-plugins-good)")?
                .tap(|e| e.set_property("device", dev)),
        ),
        Camera::Test => Some(
            gst::ElementFactory::make("videotestsrc")
                .property("is-live", true)
                .property_from_str("pattern", "ball")
                // A blue backdrop, so the round bubble shows on a dark screen.
                .property("background-color", 0xff3a_6ea5u32)
                .build()
                .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?,
        ),
        Camera::None => None,
    };
    let camera_frames = camera_src.as_ref().map(|_| Arc::new(AtomicU64::new(0)));
    let (bg, bubble_src) = match (background, camera_src) {
        (Some(bg), cam) => (bg, cam),
        (None, Some(cam)) => (cam, None),
        (None, None) => (
            gst::ElementFactory::make("videotestsrc")
                .property("is-live", true)
                .property_from_str("pattern", "black")
                .build()
                .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?,
            None,
        ),
    };
    // The background fills the frame; when the camera is the background, count its frames here.
    let bg_is_camera =
        bubble_src.is_none() && spec.screen == Screen::None && spec.camera != Camera::None;
    let bg_chain = [
        bg,
        make("videoconvert")?,
        make("videoscale")?,
        make("videorate")?,
        caps_filter(bgra(w, h, fps))?,
        make("queue")?,
    ];
    chain(pipeline, &bg_chain)?;
    if bg_is_camera
        && let (Some(counter), Some(pad)) = (camera_frames.clone(), bg_chain[5].static_pad("src"))
    {
        count_frames(&pad, counter);
    }
    let Some(cam) = bubble_src else {
        // No bubble: no compositor either (one element less between capture and encoder,
        // and no re-timing of frames onto the compositor's output slots).
        return Ok(Composed {
            output: bg_chain[5].clone(),
            camera_frames,
        });
    };
    let compositor = gst::ElementFactory::make("compositor")
        .property_from_str("background", "black")
        .build()
        .map_err(|_| {
            CaptureError::MissingPlugins("compositor (gstreamer1.0-plugins-base)".into())
        })?;
    pipeline
        .add(&compositor)
        .map_err(|e| CaptureError::Build(e.to_string()))?;
    link_to_compositor(&bg_chain[5], &compositor, 0, 0, 0)?;
    {
        let size = bubble_px.min(w).min(h).max(16) & !1;
        let masker = make("identity")?;
        let cam_chain = [
            cam,
            make("videoconvert")?,
            make("videoscale")?,
            make("videorate")?,
            caps_filter(bgra(size, size, fps))?,
            masker,
            make("queue")?,
        ];
        chain(pipeline, &cam_chain)?;
        if let Some(pad) = cam_chain[5].static_pad("src") {
            bubble::install(&pad, size);
            if let Some(counter) = camera_frames.clone() {
                count_frames(&pad, counter);
            }
        }
        let margin = 24.min(w / 20) as i32;
        let (x, y) = match spec.corner {
            Corner::TopLeft => (margin, margin),
            Corner::TopRight => (w as i32 - size as i32 - margin, margin),
            Corner::BottomLeft => (margin, h as i32 - size as i32 - margin),
            Corner::BottomRight => (
                w as i32 - size as i32 - margin,
                h as i32 - size as i32 - margin,
            ),
        };
        link_to_compositor(&cam_chain[6], &compositor, 1, x, y)?;
    }
    Ok(Composed {
        output: compositor,
        camera_frames,
    })
}

fn count_frames(pad: &gst::Pad, counter: Arc<AtomicU64>) {
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
        counter.fetch_add(1, Ordering::Relaxed);
        gst::PadProbeReturn::Ok
    });
}

fn link_to_compositor(
    from: &gst::Element,
    compositor: &gst::Element,
    zorder: u32,
    x: i32,
    y: i32,
) -> Result<(), CaptureError> {
    let pad = compositor
        .request_pad_simple("sink_%u")
        .ok_or_else(|| CaptureError::Build("compositor gave no sink pad".into()))?;
    pad.set_property("zorder", zorder);
    pad.set_property("xpos", x);
    pad.set_property("ypos", y);
    let src = from
        .static_pad("src")
        .ok_or_else(|| CaptureError::Build("no src pad".into()))?;
    src.link(&pad)
        .map(|_| ())
        .map_err(|e| CaptureError::Build(format!("linking to compositor: {e:?}")))
}

/// `value.tap(|v| …)`: configure in an expression.
trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&Self)) -> Self {
        f(&self);
        self
    }
}
impl Tap for gst::Element {}
