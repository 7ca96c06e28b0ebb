//! Recent recordings with status and link; unfinished ones can be recovered.

use eframe::egui;

use super::format;
use crate::app::RecorderApp;

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    ui.heading("Recent recordings");
    if app.recent.is_empty() {
        ui.label(egui::RichText::new("None yet.").weak());
        return;
    }
    let recording = app.is_recording();
    let mut recover = None;
    egui::Grid::new("recent")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for r in &app.recent {
                ui.label(r.title());
                ui.label(format::date_time(r.state.started_at));
                ui.label(r.status());
                ui.horizontal(|ui| {
                    if r.state.completed {
                        if ui.small_button("Copy link").clicked() {
                            ui.ctx().copy_text(r.url());
                        }
                    } else if !recording
                        && app.recovering.is_none()
                        && ui
                            .small_button("Recover")
                            .on_hover_text("Finish this recording and upload it")
                            .clicked()
                    {
                        recover = Some(r.folder.clone());
                    }
                });
                ui.end_row();
            }
        });
    if let Some(folder) = recover {
        app.recover(folder);
    }
}
