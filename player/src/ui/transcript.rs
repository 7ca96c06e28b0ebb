//! The transcript beside the video: the segment being said is highlighted as it plays; a click
//! seeks there and plays. Its author (or an admin) may fix wrong words: "Edit transcript" turns
//! each segment into a text field, Save sends them, Cancel drops them; an edited transcript says
//! so and offers "Restore original" (the machine transcript), asking once more first.

use std::time::Duration;

use eframe::egui;

use vidmsg_desktop::clock;

use crate::app::transcript_edit::TranscriptAction;
use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let Some(c) = &state.current else { return };
    let editing = state.editing_transcript();
    let editor = &state.transcript_editor;
    ui.horizontal_wrapped(|ui| {
        ui.heading("Transcript");
        if let Some(e) = &c.edited {
            ui.label(egui::RichText::new("edited").italics())
                .on_hover_text(format!("Edited by {}", e.by));
        }
    });
    if state.may_edit_transcript() && !editing && editor.confirm_restore == Some(c.message.id) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Discard the corrections and bring back the machine transcript?");
            if ui
                .add_enabled(!editor.busy, egui::Button::new("Restore"))
                .clicked()
            {
                actions.push(Action::Transcript(TranscriptAction::Restore));
            }
            if ui.button("Keep corrections").clicked() {
                actions.push(Action::Transcript(TranscriptAction::KeepEdits));
            }
        });
    } else if state.may_edit_transcript() && !editing {
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!editor.busy, egui::Button::new("Edit transcript"))
                .on_hover_text("Fix words the transcription got wrong")
                .clicked()
            {
                actions.push(Action::Transcript(TranscriptAction::Start));
            }
            if c.edited.is_some()
                && ui
                    .add_enabled(!editor.busy, egui::Button::new("Restore original"))
                    .on_hover_text("Bring back the machine transcript")
                    .clicked()
            {
                actions.push(Action::Transcript(TranscriptAction::AskRestore));
            }
        });
    }
    if let Some(err) = &editor.error {
        ui.colored_label(ui.visuals().error_fg_color, err);
    }
    if editing {
        edit(ui, state, actions);
    } else {
        follow(ui, state, actions);
    }
}

/// The segments as buttons following playback.
fn follow(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let pos = state.position_ms().unwrap_or(-1);
    let mut seek = None;
    egui::ScrollArea::vertical()
        .id_salt("transcript")
        .show(ui, |ui| {
            let Some(c) = &state.current else { return };
            for s in &c.transcript {
                let now = s.start_ms <= pos && pos < s.end_ms;
                let text = format!("{}  {}", clock(s.start_ms), s.text.trim());
                let r = ui.add(egui::Button::selectable(now, text).wrap());
                if now {
                    r.scroll_to_me(Some(egui::Align::Center));
                }
                if r.on_hover_text("Play from here").clicked() {
                    seek = Some(s.start_ms);
                }
            }
        });
    if let Some(ms) = seek {
        actions.push(Action::Seek {
            to: Duration::from_millis(ms.max(0) as u64),
            play: true,
        });
    }
}

/// One text field per segment, labelled "Segment N at M:SS", and Save / Cancel.
fn edit(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let editor = &state.transcript_editor;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!editor.busy, egui::Button::new("Save"))
            .clicked()
        {
            actions.push(Action::Transcript(TranscriptAction::Save));
        }
        if ui.button("Cancel").clicked() {
            actions.push(Action::Transcript(TranscriptAction::Cancel));
        }
        if editor.busy {
            ui.spinner();
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("transcript-edit")
        .show(ui, |ui| {
            for (i, d) in editor.drafts.iter().enumerate() {
                let l = ui.label(format!("Segment {} at {}", i + 1, clock(d.start_ms)));
                let mut text = d.text.clone();
                let r = ui
                    .add_enabled(
                        !editor.busy,
                        egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY),
                    )
                    .labelled_by(l.id);
                if r.changed() {
                    actions.push(Action::Transcript(TranscriptAction::EditText(i, text)));
                }
            }
        });
}
