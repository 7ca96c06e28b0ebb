//! Domain values that parse their input once, at the edge: a handler that holds a [`Title`],
//! a [`UserName`], a [`VideoType`], a [`Zone`] or [`QuietHours`] knows it is valid, and the refusal says what would be.
//! No I/O here, no database, no HTTP types.

mod edited_transcript;
mod quiet_hours;
mod time_zone;
mod title;
mod user_name;
mod video_type;

pub use edited_transcript::{EditRefusal, EditedTranscript};
pub use quiet_hours::QuietHours;
pub use time_zone::Zone;
pub use title::Title;
pub use user_name::UserName;
pub use video_type::VideoType;

/// Input that is not a valid domain value; the text tells a person what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl From<DomainError> for crate::error::AppError {
    fn from(e: DomainError) -> Self {
        crate::error::AppError::Unprocessable(e.0)
    }
}
