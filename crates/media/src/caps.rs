//! Typed caps for the raw formats the product's pipelines fix between elements, built with
//! `VideoCapsBuilder`/`AudioCapsBuilder` rather than parsed from strings.

use gstreamer as gst;
use gstreamer_audio as gst_audio;
use gstreamer_video as gst_video;

pub use gst_audio::AudioFormat;
pub use gst_video::VideoFormat;

/// Raw video in `format`, any size and rate.
pub fn video(format: VideoFormat) -> gst::Caps {
    gst_video::VideoCapsBuilder::new().format(format).build()
}

/// Raw video in `format`, `width`×`height` square pixels at `fps` frames a second.
pub fn video_sized(format: VideoFormat, width: u32, height: u32, fps: u32) -> gst::Caps {
    gst_video::VideoCapsBuilder::new()
        .format(format)
        .width(to_i32(width))
        .height(to_i32(height))
        .framerate(gst::Fraction::new(to_i32(fps), 1))
        .pixel_aspect_ratio(gst::Fraction::new(1, 1))
        .build()
}

/// Raw audio at `rate` Hz with `channels` channels, any sample format.
pub fn audio(rate: u32, channels: u32) -> gst::Caps {
    gst_audio::AudioCapsBuilder::new()
        .rate(to_i32(rate))
        .channels(to_i32(channels))
        .build()
}

/// Interleaved raw audio in `format` at `rate` Hz with `channels` channels.
pub fn audio_in(format: AudioFormat, rate: u32, channels: u32) -> gst::Caps {
    gst_audio::AudioCapsBuilder::new_interleaved()
        .format(format)
        .rate(to_i32(rate))
        .channels(to_i32(channels))
        .build()
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_caps_fix_what_the_strings_fixed() {
        crate::init().expect("gstreamer");
        let bgra = super::video_sized(super::VideoFormat::Bgra, 640, 360, 30);
        let parsed: gstreamer::Caps =
            "video/x-raw,format=BGRA,width=640,height=360,framerate=30/1,pixel-aspect-ratio=1/1"
                .parse()
                .expect("caps");
        assert!(bgra.is_fixed());
        assert!(bgra.is_strictly_equal(&parsed), "{bgra}");
        let stereo = super::audio(48_000, 2);
        let any: gstreamer::Caps = "audio/x-raw,rate=48000,channels=2".parse().expect("caps");
        assert!(
            stereo.is_subset(&any) && any.can_intersect(&stereo),
            "{stereo}"
        );
    }
}
