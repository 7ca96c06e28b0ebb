//! The life of a video message's media, from the first part to deletion: where its objects live
//! (unguessable keys, never derived from an id alone), what an upload must be (MP4 or WebM, within
//! the size, length and quota limits), how an upload interrupted by a crash is put right at start,
//! and the janitor that removes abandoned uploads and orphaned objects.

pub mod container;
pub mod janitor;
pub mod keys;
pub mod quota;
pub mod reconcile;
