//! Object keys of a message's media. Each upload gets its own random folder,
//! `messages/{id}/{random}/video`, so a saved URL can never reach another message's bytes, even
//! one that later got the same id; captions and the poster image go beside the video.

use rand::RngCore;
use vidmsg_api::Id;

/// Prefix under which every message's media lives.
pub const PREFIX: &str = "messages/";

/// A fresh key for a message's video.
pub fn new_video_key(message: Id) -> String {
    let mut r = [0u8; 16];
    rand::rng().fill_bytes(&mut r);
    format!("{PREFIX}{message}/{}/video", hex::encode(r))
}

/// The folder (`messages/{id}/{random}/`) a media key lives in.
pub fn folder(key: &str) -> &str {
    key.rfind('/').map_or(key, |i| &key[..=i])
}

/// Where the captions of the video at `video_key` live.
pub fn captions_key(video_key: &str) -> String {
    format!("{}captions.vtt", folder(video_key))
}

/// Where the poster image (a JPEG) of the video at `video_key` lives.
pub fn poster_key(video_key: &str) -> String {
    format!("{}poster.jpg", folder(video_key))
}

/// The message id a media key belongs to.
pub fn message_of(key: &str) -> Option<Id> {
    key.strip_prefix(PREFIX)?.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_per_upload_and_captions_sit_beside_the_video() {
        let (a, b) = (new_video_key(7), new_video_key(7));
        assert_ne!(a, b);
        assert!(a.starts_with("messages/7/") && a.ends_with("/video"), "{a}");
        assert_eq!(a.len(), "messages/7/".len() + 32 + "/video".len());
        assert_eq!(captions_key(&a), format!("{}captions.vtt", folder(&a)));
        assert_eq!(poster_key(&a), format!("{}poster.jpg", folder(&a)));
        assert_eq!(message_of(&a), Some(7));
        assert_eq!(message_of("elsewhere/7/x"), None);
    }
}
