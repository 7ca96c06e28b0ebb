//! The transcript beside the video: the segment being said is highlighted as it plays; a click
//! seeks there and plays.

use std::time::Duration;

use eframe::egui;

use vidmsg_desktop::clock;

use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    ui.heading("Transcript");
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
