//! The round camera bubble: compositor draws rectangles, so a pad probe clears the alpha of
//! every pixel outside the circle (with a one-pixel soft edge) on each BGRA camera frame.

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

/// Alpha (0–255) of each pixel of a `size × size` frame: opaque inside the circle.
pub fn mask(size: u32) -> Vec<u8> {
    let r = size as f32 / 2.0;
    let mut m = Vec::with_capacity((size * size) as usize);
    for y in 0..size {
        for x in 0..size {
            let dx = x as f32 + 0.5 - r;
            let dy = y as f32 + 0.5 - r;
            let d = (dx * dx + dy * dy).sqrt();
            m.push(((r - d).clamp(0.0, 1.0) * 255.0) as u8);
        }
    }
    m
}

/// Adds the masking probe to `pad` (BGRA frames of `size × size`).
pub fn install(pad: &gst::Pad, size: u32) {
    let mask = mask(size);
    pad.add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
        let Some(buffer) = info.buffer_mut() else {
            return gst::PadProbeReturn::Ok;
        };
        let Some(caps) = pad.current_caps() else {
            return gst::PadProbeReturn::Ok;
        };
        let Ok(vinfo) = gst_video::VideoInfo::from_caps(&caps) else {
            return gst::PadProbeReturn::Ok;
        };
        if vinfo.width() != size
            || vinfo.height() != size
            || vinfo.format() != gst_video::VideoFormat::Bgra
        {
            return gst::PadProbeReturn::Ok;
        }
        let buffer = buffer.make_mut();
        let Ok(mut frame) = gst_video::VideoFrameRef::from_buffer_ref_writable(buffer, &vinfo)
        else {
            return gst::PadProbeReturn::Ok;
        };
        let stride = frame.plane_stride()[0] as usize;
        let Ok(data) = frame.plane_data_mut(0) else {
            return gst::PadProbeReturn::Ok;
        };
        let w = size as usize;
        for y in 0..w {
            let row = &mut data[y * stride..y * stride + w * 4];
            for x in 0..w {
                let a = mask[y * w + x];
                if a < 255 {
                    row[x * 4 + 3] = ((u16::from(row[x * 4 + 3]) * u16::from(a)) / 255) as u8;
                }
            }
        }
        gst::PadProbeReturn::Ok
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn mask_is_a_disc() {
        let m = super::mask(100);
        assert_eq!(m[0], 0, "corner transparent");
        assert_eq!(m[50 * 100 + 50], 255, "centre opaque");
        assert!(m[50 * 100] > 0 && m[50 * 100] < 255, "the rim is soft");
        let opaque = m.iter().filter(|a| **a == 255).count() as f32;
        let ratio = opaque / 10_000.0;
        assert!(
            (ratio - std::f32::consts::PI / 4.0).abs() < 0.03,
            "area ratio {ratio}"
        );
    }
}
