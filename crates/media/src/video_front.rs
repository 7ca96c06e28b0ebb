//! The video end of the fixed decoding front ([`crate::front`]): a video pad of `qtdemux` or
//! `matroskademux` gets a decoder chosen among the installed video DECODER factories by its
//! caps, and nothing that autoplugs.

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::error::MediaError;

/// Video decoders that accept `caps`, best rank first: those whose sink takes every field of
/// the caps before those that merely intersect them. Never a bin that autoplugs (the
/// `*alphadecodebin`s wrap a decodebin, and want alpha side streams the product never has).
pub(crate) fn video_decoders_for(caps: &gst::CapsRef) -> Vec<gst::ElementFactory> {
    let mut found: Vec<gst::ElementFactory> = gst::ElementFactory::factories_with_type(
        gst::ElementFactoryType::DECODER | gst::ElementFactoryType::MEDIA_VIDEO,
        gst::Rank::MARGINAL,
    )
    .into_iter()
    .filter(|f| !f.name().contains("decodebin") && f.can_sink_any_caps(caps))
    .collect();
    found.sort_by_key(|f| (!f.can_sink_all_caps(caps), std::cmp::Reverse(f.rank())));
    found
}

/// Plugs a decoder for the video `pad` into `bin` and links it to `convert`. Tries each
/// decoder that accepts the caps, best first.
pub(crate) fn link_video(
    bin: &gst::Bin,
    pad: &gst::Pad,
    caps: &gst::CapsRef,
    convert: &gst::Element,
) -> Result<(), MediaError> {
    crate::front::plug_decoder(
        bin,
        pad,
        caps,
        convert,
        video_decoders_for(caps),
        "video",
        "gstreamer1.0-libav or gstreamer1.0-plugins-good",
    )
}
