//! Recent recordings with status and link; unfinished ones can be recovered.

use eframe::egui;

use crate::app::action::Action;
use crate::app::state::State;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.heading("Recent recordings");
    if state.recent.is_empty() {
        ui.label(egui::RichText::new("None yet.").weak());
        return;
    }
    let recording = state.is_recording();
    egui::Grid::new("recent")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for r in &state.recent {
                ui.label(r.title());
                ui.label(vidmsg_desktop::format::date_time(r.state.started_at));
                ui.label(r.status());
                ui.horizontal(|ui| {
                    if r.state.completed {
                        if ui.small_button("Copy link").clicked() {
                            actions.push(Action::CopyLink(r.url()));
                        }
                    } else if !recording
                        && !state.recovering
                        && ui
                            .small_button("Recover")
                            .on_hover_text("Finish this recording and upload it")
                            .clicked()
                    {
                        actions.push(Action::Recover(r.folder.clone()));
                    }
                });
                ui.end_row();
            }
        });
}
