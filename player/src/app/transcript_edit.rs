//! Fixing a wrong word in the open message's transcript (#14), as state: the drafts of "Edit
//! transcript" (one text per segment, times as they are), what the user asks
//! ([`TranscriptAction`]) and the server's answers ([`TranscriptLoaded`]) carried out here. Only
//! the message's author or an admin is offered it (the server decides either way). A save or a
//! restore answers the transcript as it then is; the captions and an open search are asked for
//! again so they show the new words.

use vidmsg_api::{ClientError, EditTranscript, EditedSegment, Id, MessageStatus, Transcript};

use super::PlayerApp;
use super::library::{Library, Loaded};

/// The "Edit transcript" drafts.
#[derive(Debug, Default)]
pub struct TranscriptEditor {
    /// The message whose transcript is being edited (`None`: not editing).
    pub message: Option<Id>,
    /// One per segment: its times as stored and its text as typed.
    pub drafts: Vec<EditedSegment>,
    /// A save or a restore is under way.
    pub busy: bool,
    /// "Restore original" was clicked for this message: it waits for a second yes (it discards
    /// every correction).
    pub confirm_restore: Option<Id>,
    pub error: Option<String>,
}

/// Who edited the open transcript, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub by: String,
    pub at_ms: i64,
}

impl Edited {
    /// The edit a transcript carries (`None`: the machine transcript).
    pub fn of(t: &Transcript) -> Option<Self> {
        t.edited.then(|| Edited {
            by: t.edited_by.clone().unwrap_or_default(),
            at_ms: t.edited_at_ms.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone)]
pub enum TranscriptAction {
    /// Start editing the open message's transcript.
    Start,
    /// The text of segment `n` as typed.
    EditText(usize, String),
    Save,
    Cancel,
    /// Ask whether to bring the machine transcript back.
    AskRestore,
    /// Keep the corrections after all.
    KeepEdits,
    /// Bring the machine transcript back (after [`Self::AskRestore`]).
    Restore,
}

#[derive(Debug)]
pub enum TranscriptLoaded {
    /// The transcript after a save or a restore.
    Changed {
        message: Id,
        result: Result<Transcript, ClientError>,
    },
}

impl super::State {
    /// True if the signed-in user is offered to edit the open message's transcript: its author
    /// or an admin, once it is transcribed.
    pub fn may_edit_transcript(&self) -> bool {
        self.current.as_ref().is_some_and(|c| {
            c.message.status == MessageStatus::Ready
                && !c.transcript.is_empty()
                && (self.signed_in_admin
                    || self.signed_in_as.as_deref() == Some(c.message.author.as_str()))
        })
    }

    /// True while the open message's transcript is being edited.
    pub fn editing_transcript(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| self.transcript_editor.message == Some(c.message.id))
    }
}

impl PlayerApp {
    pub(super) fn apply_transcript(&mut self, action: TranscriptAction) {
        let Some(c) = &self.state.current else { return };
        let message = c.message.id;
        let e = &mut self.state.transcript_editor;
        match action {
            TranscriptAction::Start => {
                *e = TranscriptEditor {
                    message: Some(message),
                    drafts: c
                        .transcript
                        .iter()
                        .map(|s| EditedSegment {
                            start_ms: s.start_ms,
                            end_ms: s.end_ms,
                            text: s.text.trim().to_string(),
                        })
                        .collect(),
                    busy: false,
                    confirm_restore: None,
                    error: None,
                };
            }
            TranscriptAction::EditText(n, text) => {
                if e.message == Some(message)
                    && let Some(d) = e.drafts.get_mut(n)
                {
                    d.text = text;
                }
            }
            TranscriptAction::Cancel => *e = TranscriptEditor::default(),
            TranscriptAction::Save => {
                if e.message != Some(message) || e.busy {
                    return;
                }
                if let Some(n) = e.drafts.iter().position(|d| d.text.trim().is_empty()) {
                    e.error = Some(format!(
                        "Segment {} is empty: type what was said there.",
                        n + 1
                    ));
                    return;
                }
                if let Some(lib) = &self.lib {
                    e.busy = true;
                    e.error = None;
                    lib.edit_transcript(
                        message,
                        EditTranscript {
                            segments: e.drafts.clone(),
                        },
                    );
                }
            }
            TranscriptAction::AskRestore => {
                e.confirm_restore = Some(message);
                e.error = None;
            }
            TranscriptAction::KeepEdits => e.confirm_restore = None,
            TranscriptAction::Restore => {
                if e.confirm_restore != Some(message) || e.busy {
                    return;
                }
                if let Some(lib) = &self.lib {
                    e.confirm_restore = None;
                    e.busy = true;
                    e.error = None;
                    lib.restore_transcript(message);
                }
            }
        }
    }

    pub(super) fn apply_transcript_loaded(&mut self, loaded: TranscriptLoaded) {
        let TranscriptLoaded::Changed { message, result } = loaded;
        let e = &mut self.state.transcript_editor;
        e.busy = false;
        match result {
            Ok(t) => {
                if e.message == Some(message) {
                    *e = TranscriptEditor::default();
                }
                e.error = None;
                if let Some(c) = self
                    .state
                    .current
                    .as_mut()
                    .filter(|c| c.message.id == message)
                {
                    c.edited = Edited::of(&t);
                    c.transcript = t.segments;
                }
                if let Some(lib) = &self.lib {
                    lib.captions(message);
                }
                // An open search shows the new words (and no longer the old ones).
                if self.state.search_hits.is_some() {
                    self.run_search();
                }
            }
            Err(err) => {
                e.error = Some(format!(
                    "Could not change the transcript: {}",
                    super::inbox::refusal(&err)
                ))
            }
        }
    }
}

/// The transcript on the server.
impl Library {
    pub fn edit_transcript(&self, message: Id, body: EditTranscript) {
        self.spawn(move |c| async move {
            Loaded::TranscriptEdit(TranscriptLoaded::Changed {
                message,
                result: c.edit_transcript(message, &body).await,
            })
        });
    }

    pub fn restore_transcript(&self, message: Id) {
        self.spawn(move |c| async move {
            Loaded::TranscriptEdit(TranscriptLoaded::Changed {
                message,
                result: c.restore_transcript(message).await,
            })
        });
    }
}
