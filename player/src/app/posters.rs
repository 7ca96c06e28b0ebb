//! Message posters in the thread list: the worker's JPEG of each video (`thumbnail_url`),
//! fetched and decoded in the background once per message and kept as a texture.

use std::collections::{HashMap, HashSet};

use eframe::egui;
use vidmsg_api::Id;

use super::PlayerApp;
use super::library::{Library, Loaded};

/// Posters are small (≤ 640 px wide JPEGs); anything far bigger is not one.
const MAX_POSTER_BYTES: usize = 2 * 1024 * 1024;

#[derive(Default)]
pub struct Posters {
    pub textures: HashMap<Id, egui::TextureHandle>,
    /// Asked for (or failed): not asked again this session.
    requested: HashSet<Id>,
}

impl PlayerApp {
    /// Asks for the posters of the listed messages that have one and no texture yet.
    pub(super) fn request_posters(&mut self) {
        let Some(lib) = &self.lib else { return };
        for m in &self.state.messages {
            if let Some(url) = &m.thumbnail_url
                && self.state.posters.requested.insert(m.id)
            {
                lib.poster(m.id, url.clone());
            }
        }
    }

    pub(super) fn poster_loaded(&mut self, message: Id, image: Result<egui::ColorImage, String>) {
        match image {
            Ok(image) => {
                let tex = self.ctx.load_texture(
                    format!("poster-{message}"),
                    image,
                    egui::TextureOptions::LINEAR,
                );
                self.state.posters.textures.insert(message, tex);
            }
            // The list simply shows no picture; a poster is never worth a notice.
            Err(e) => tracing::debug!(message, error = %e, "no poster"),
        }
    }
}

/// A JPEG into RGBA pixels.
fn decode(bytes: &[u8]) -> Result<egui::ColorImage, String> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .map_err(|e| e.to_string())?
        .to_rgba8();
    let size = [img.width() as usize, img.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(size, img.as_raw()))
}

impl Library {
    pub fn poster(&self, message: Id, url: String) {
        self.spawn(move |c| async move {
            let image = match c.fetch_presigned(&url, MAX_POSTER_BYTES).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || decode(&bytes))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string())),
                Err(e) => Err(e.to_string()),
            };
            Loaded::Poster(message, image)
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_jpegs_decode() {
        assert!(super::decode(b"not a jpeg").is_err());
    }
}
