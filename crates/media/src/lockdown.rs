//! Keeps `playbin` (which autoplugs through `decodebin`) from ever plugging a playlist or
//! manifest demuxer: once per process, every demuxer other than `qtdemux` and `matroskademux`,
//! and every element classed "Adaptive" or "Playlist" (hlsdemux, dashdemux, mssdemux, their
//! `*2` variants, sdpdemux, …), gets rank NONE, which autoplugging never picks. A clip that is
//! really an HLS playlist then fails as "not a video" instead of fetching the URLs it lists.

use std::sync::Once;

use gstreamer as gst;
use gstreamer::prelude::*;

/// The only demuxers of the containers the product records and plays.
pub(crate) const ALLOWED_DEMUXERS: [&str; 2] = ["qtdemux", "matroskademux"];

/// Whether autoplugging may use an element of this factory.
pub(crate) fn is_refused(name: &str, klass: &str) -> bool {
    let demuxer = klass.contains("Demuxer") && !ALLOWED_DEMUXERS.contains(&name);
    demuxer || klass.contains("Adaptive") || klass.contains("Playlist")
}

/// Lowers the rank of every refused factory to NONE (once per process; GStreamer must be
/// initialised).
pub(crate) fn lock_down_registry() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let registry = gst::Registry::get();
        let mut lowered = Vec::new();
        for feature in registry.features(gst::ElementFactory::static_type()) {
            let Ok(factory) = feature.downcast::<gst::ElementFactory>() else {
                continue;
            };
            let name = factory.name().to_string();
            if factory.rank() > gst::Rank::NONE && is_refused(&name, factory.klass()) {
                factory.set_rank(gst::Rank::NONE);
                lowered.push(name);
            }
        }
        tracing::debug!(factories = ?lowered, "demuxers other than MP4/Matroska disabled for autoplugging");
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn playlist_and_manifest_demuxers_are_refused() {
        use super::is_refused;
        assert!(!is_refused("qtdemux", "Codec/Demuxer"));
        assert!(!is_refused("matroskademux", "Codec/Demuxer"));
        assert!(is_refused("hlsdemux", "Codec/Demuxer/Adaptive"));
        assert!(is_refused("dashdemux2", "Codec/Demuxer/Adaptive"));
        assert!(is_refused("sdpdemux", "Codec/Demuxer/Network/RTP"));
        assert!(is_refused("tsdemux", "Codec/Demuxer"));
        assert!(!is_refused("avdec_aac", "Codec/Decoder/Audio"));
        assert!(!is_refused("souphttpsrc", "Source/Network/Protocol"));
    }
}
