//! Making and linking elements. Every pipeline of the product makes its elements here:
//! `element::make("mp4mux").name("mux").property("streamable", true).build()?`. A factory this
//! machine lacks becomes [`MediaError::MissingElement`] naming the Debian package to install;
//! a failed link names both elements.

use gstreamer as gst;
use gstreamer::glib;
use gstreamer::prelude::*;

use crate::error::MediaError;

/// An element being made: [`gst::element_factory::ElementBuilder`] that remembers its factory, so a missing one
/// can be named with its package.
#[must_use = "build() makes the element"]
pub struct Make<'a> {
    factory: &'a str,
    builder: gst::element_factory::ElementBuilder<'a>,
}

/// Starts making an element of `factory`.
pub fn make(factory: &str) -> Make<'_> {
    Make {
        factory,
        builder: gst::ElementFactory::make(factory),
    }
}

impl<'a> Make<'a> {
    /// The element's name: unique in its pipeline, found again with `bin.by_name(..)`, and
    /// shown in the path of any error it posts.
    pub fn name(self, name: &'a str) -> Self {
        self.property("name", name)
    }

    pub fn property(self, name: &'a str, value: impl Into<glib::Value> + 'a) -> Self {
        Self {
            builder: self.builder.property(name, value),
            ..self
        }
    }

    /// Sets an enum or flags property from its nick (`"zerolatency"`).
    pub fn property_from_str(self, name: &'a str, value: &'a str) -> Self {
        Self {
            builder: self.builder.property_from_str(name, value),
            ..self
        }
    }

    pub fn property_if_some(
        self,
        name: &'a str,
        value: Option<impl Into<glib::Value> + 'a>,
    ) -> Self {
        Self {
            builder: self.builder.property_if_some(name, value),
            ..self
        }
    }

    pub fn build(self) -> Result<gst::Element, MediaError> {
        let factory = self.factory;
        self.builder.build().map_err(|e| {
            if gst::ElementFactory::find(factory).is_none() {
                missing(factory)
            } else {
                MediaError::Build(format!("could not make {factory}: {e}"))
            }
        })
    }
}

/// The error for a factory this machine lacks.
pub fn missing(factory: &str) -> MediaError {
    MediaError::MissingElement {
        factory: factory.to_string(),
        package: package_of(factory),
    }
}

/// The Debian package that ships element `factory` (Debian 13 / Ubuntu 24.04 layout).
pub fn package_of(factory: &str) -> &'static str {
    match factory {
        "capsfilter" | "fakesink" | "filesink" | "filesrc" | "identity" | "queue" | "queue2"
        | "tee" | "typefind" | "multiqueue" => "libgstreamer1.0-0",
        "playbin" | "playbin3" | "decodebin" | "uridecodebin" | "videoconvert" | "videoscale"
        | "videorate" | "audioconvert" | "audioresample" | "audiomixer" | "audiotestsrc"
        | "compositor" | "videotestsrc" | "opusenc" | "opusdec" | "appsink" | "appsrc"
        | "volume" | "vorbisdec" | "theoradec" => "gstreamer1.0-plugins-base",
        "mp4mux" | "qtmux" | "qtdemux" | "matroskademux" | "matroskamux" | "webmmux"
        | "souphttpsrc" | "ximagesrc" | "v4l2src" | "v4l2h264enc" | "level" | "scaletempo"
        | "wavparse" | "autoaudiosink" | "autovideosink" | "pulsesrc" | "pulsesink"
        | "aacparse" | "vp8dec" | "vp9dec" | "vp8enc" | "vp9enc" => "gstreamer1.0-plugins-good",
        "h264parse" | "h265parse" | "opusparse" | "nvh264enc" | "vah264enc" | "qsvh264enc" => {
            "gstreamer1.0-plugins-bad"
        }
        "x264enc" => "gstreamer1.0-plugins-ugly",
        "vaapih264enc" => "gstreamer1.0-vaapi",
        "alsasink" | "alsasrc" => "gstreamer1.0-alsa",
        f if f.starts_with("avenc_") || f.starts_with("avdec_") => "gstreamer1.0-libav",
        _ => "gstreamer1.0-plugins-good, -bad or -ugly, or gstreamer1.0-libav",
    }
}

/// Links `a` to `b`; an error names both.
pub fn link(a: &gst::Element, b: &gst::Element) -> Result<(), MediaError> {
    a.link(b)
        .map_err(|e| MediaError::Build(format!("linking {} to {}: {e}", a.name(), b.name())))
}

/// Adds `elements` to `bin` and links them in order.
pub fn add_chain(bin: &impl IsA<gst::Bin>, elements: &[&gst::Element]) -> Result<(), MediaError> {
    add(bin, elements)?;
    for pair in elements.windows(2) {
        link(pair[0], pair[1])?;
    }
    Ok(())
}

/// Adds `elements` to `bin`.
pub fn add(bin: &impl IsA<gst::Bin>, elements: &[&gst::Element]) -> Result<(), MediaError> {
    bin.add_many(elements.iter().copied()).map_err(|e| {
        let names: Vec<String> = elements.iter().map(|e| e.name().to_string()).collect();
        MediaError::Build(format!("adding {}: {e}", names.join(", ")))
    })
}

/// The static pad `pad` of `element`.
pub fn static_pad(element: &gst::Element, pad: &str) -> Result<gst::Pad, MediaError> {
    element
        .static_pad(pad)
        .ok_or_else(|| MediaError::Build(format!("{} has no {pad} pad", element.name())))
}

#[cfg(test)]
mod tests {
    use gstreamer::prelude::*;

    #[test]
    fn a_missing_element_names_its_package() {
        crate::init().expect("gstreamer");
        let e = super::make("x264enc-that-does-not-exist")
            .name("enc")
            .build()
            .expect_err("no such factory");
        assert!(
            matches!(e, crate::MediaError::MissingElement { .. }),
            "{e:?}"
        );
        let said = super::missing("opusparse").to_string();
        assert!(said.contains("gstreamer1.0-plugins-bad"), "{said}");
        let queue = super::make("queue").name("q").build().expect("queue");
        assert_eq!(queue.name(), "q");
    }
}
