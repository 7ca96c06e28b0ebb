//! The picture: a background (screen, or the camera, or black) scaled to the output size, with
//! the camera as a round bubble in a corner, composited in BGRA. Sources are named for their
//! role (`screen`, `camera`), so a failure names the device.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gstreamer as gst;
use gstreamer::prelude::*;
use vidmsg_media::element::{make, static_pad};

use super::elements::{add, add_chain, bgra, caps_filter};
use super::{Camera, CaptureError, CaptureSpec, Corner, Screen, bubble};

/// What [`compose`] built.
pub struct Composed {
    /// The last element of the picture (the compositor, or the background chain when there is
    /// no bubble); link its src pad onwards.
    pub output: gst::Element,
    /// Frames the camera delivered (None without a camera).
    pub camera_frames: Option<Arc<AtomicU64>>,
}

/// The screen source, named `screen` (None without a screen).
fn screen_source(screen: &Screen) -> Result<Option<gst::Element>, CaptureError> {
    let ximage = || {
        make("ximagesrc")
            .name("screen")
            .property("use-damage", false)
            .property("show-pointer", true)
    };
    Ok(match screen {
        Screen::X11 { display, region } => {
            let src = ximage()
                .property_if_some("display-name", display.as_deref())
                .build()?;
            if let Some(r) = region {
                src.set_property("startx", r.x);
                src.set_property("starty", r.y);
                src.set_property("endx", r.x + r.width - 1);
                src.set_property("endy", r.y + r.height - 1);
            }
            Some(src)
        }
        Screen::Window(xid) => Some(ximage().property("xid", *xid).build()?),
        Screen::Test => Some(
            make("videotestsrc")
                .name("screen")
                .property("is-live", true)
                .property_from_str("pattern", "smpte")
                .build()?,
        ),
        Screen::None => None,
    })
}

/// The camera source, named `camera` (None without a camera).
fn camera_source(camera: &Camera) -> Result<Option<gst::Element>, CaptureError> {
    Ok(match camera {
        Camera::Device(dev) => Some(
            make("v4l2src")
                .name("camera")
                .property("device", dev.as_str())
                .build()?,
        ),
        Camera::Test => Some(
            make("videotestsrc")
                .name("camera")
                .property("is-live", true)
                .property_from_str("pattern", "ball")
                // A blue backdrop, so the round bubble shows on a dark screen.
                .property("background-color", 0xff3a_6ea5u32)
                .build()?,
        ),
        Camera::None => None,
    })
}

/// `src` → convert → scale → rate → `caps` → queue, elements named `{role}-…`; returns the
/// queue.
fn scaled_chain(
    pipeline: &gst::Pipeline,
    role: &str,
    src: &gst::Element,
    caps: gst::Caps,
    extra: Option<&gst::Element>,
) -> Result<gst::Element, CaptureError> {
    let convert = make("videoconvert")
        .name(&format!("{role}-convert"))
        .build()?;
    let scale = make("videoscale").name(&format!("{role}-scale")).build()?;
    let rate = make("videorate").name(&format!("{role}-rate")).build()?;
    let format = caps_filter(&format!("{role}-caps"), caps)?;
    let queue = make("queue").name(&format!("{role}-queue")).build()?;
    let mut chain = vec![src, &convert, &scale, &rate, &format];
    chain.extend(extra);
    chain.push(&queue);
    add_chain(pipeline, &chain)?;
    Ok(queue)
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
    let background = screen_source(&spec.screen)?;
    let camera_src = camera_source(&spec.camera)?;
    let camera_frames = camera_src.as_ref().map(|_| Arc::new(AtomicU64::new(0)));
    let (bg, bubble_src) = match (background, camera_src) {
        (Some(bg), cam) => (bg, cam),
        (None, Some(cam)) => (cam, None),
        (None, None) => (
            make("videotestsrc")
                .name("black")
                .property("is-live", true)
                .property_from_str("pattern", "black")
                .build()?,
            None,
        ),
    };
    // The background fills the frame; when the camera is the background, count its frames here.
    let bg_is_camera =
        bubble_src.is_none() && spec.screen == Screen::None && spec.camera != Camera::None;
    let bg_out = scaled_chain(pipeline, "background", &bg, bgra(w, h, fps), None)?;
    if bg_is_camera && let Some(counter) = camera_frames.clone() {
        count_frames(&static_pad(&bg_out, "src")?, counter);
    }
    let Some(cam) = bubble_src else {
        // No bubble: no compositor either (one element less between capture and encoder,
        // and no re-timing of frames onto the compositor's output slots).
        return Ok(Composed {
            output: bg_out,
            camera_frames,
        });
    };
    let compositor = make("compositor")
        .name("compositor")
        .property_from_str("background", "black")
        .build()?;
    add(pipeline, &[&compositor])?;
    link_to_compositor(&bg_out, &compositor, 0, 0, 0)?;
    let size = bubble_px.min(w).min(h).max(16) & !1;
    // The round mask is drawn by a probe on the src pad of this pass-through element.
    let masker = make("identity").name("camera-mask").build()?;
    let cam_out = scaled_chain(
        pipeline,
        "camera",
        &cam,
        bgra(size, size, fps),
        Some(&masker),
    )?;
    let masked = static_pad(&masker, "src")?;
    bubble::install(&masked, size);
    if let Some(counter) = camera_frames.clone() {
        count_frames(&masked, counter);
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
    link_to_compositor(&cam_out, &compositor, 1, x, y)?;
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
    static_pad(from, "src")?
        .link(&pad)
        .map(|_| ())
        .map_err(|e| CaptureError::Build(format!("linking {} to compositor: {e:?}", from.name())))
}
