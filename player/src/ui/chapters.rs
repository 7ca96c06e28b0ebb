//! Titles and chapters made from the transcript (#14): the suggested title under the heading of
//! a video posted without one ("Suggested: …", with "Use this title" for its author), chapter
//! marks on the seek bar, and the list of chapters under the controls; a click on a mark or a
//! chapter seeks there and plays.

use std::time::Duration;

use eframe::egui;
use vidmsg_api::Chapter;

use vidmsg_desktop::clock;

use crate::app::{Action, State};

/// The suggested title, shown as such.
pub fn suggested_title(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let Some(c) = &state.current else { return };
    let Some(title) = &c.message.suggested_title else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(format!("Suggested: {title}")).italics())
            .on_hover_text("A title made from the transcript");
        if state.offered_title().is_some()
            && ui
                .button("Use this title")
                .on_hover_text("Make it the video's title")
                .clicked()
        {
            actions.push(Action::UseSuggestedTitle);
        }
    });
}

/// A mark under the seek bar's `track` where each chapter starts (`len`: the video's length);
/// a click sets `seek`.
pub fn seek_marks(
    ui: &mut egui::Ui,
    chapters: &[Chapter],
    track: egui::Rect,
    len: i64,
    seek: &mut Option<i64>,
) {
    if len <= 0 {
        return;
    }
    for (i, ch) in chapters.iter().enumerate() {
        let x = track.min.x + track.width() * (ch.start_ms as f32 / len as f32).clamp(0.0, 1.0);
        let mark =
            egui::Rect::from_center_size(egui::pos2(x, track.max.y + 5.0), egui::vec2(4.0, 10.0));
        let label = format!("Chapter at {}: {}", clock(ch.start_ms), ch.title);
        let r = ui.interact(
            mark,
            ui.scope_id().with(("chapter", i)),
            egui::Sense::click(),
        );
        let info = label.clone();
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &info));
        ui.painter()
            .rect_filled(mark, 1.0, egui::Color32::from_rgb(80, 160, 240));
        if r.on_hover_text(label).clicked() {
            *seek = Some(ch.start_ms);
        }
    }
}

/// The chapters as a list: the one playing now is highlighted; a click seeks to its start.
pub fn list(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>, pos: i64) {
    let Some(c) = &state.current else { return };
    let chapters = &c.message.chapters;
    if chapters.is_empty() {
        return;
    }
    ui.label(egui::RichText::new("Chapters").strong());
    let now = chapters.iter().rposition(|ch| ch.start_ms <= pos);
    ui.horizontal_wrapped(|ui| {
        for (i, ch) in chapters.iter().enumerate() {
            let text = format!("{} {}", clock(ch.start_ms), ch.title);
            if ui.selectable_label(now == Some(i), text).clicked() {
                actions.push(Action::Seek {
                    to: Duration::from_millis(u64::try_from(ch.start_ms).unwrap_or(0)),
                    play: true,
                });
            }
        }
    });
}
