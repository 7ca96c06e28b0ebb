//! Drawing the recorder app: one file per view. Everything here reads and edits
//! [`RecorderApp`](crate::app::RecorderApp); background work lives in `app`.

pub mod format;
mod main_view;
mod recent;
mod recording;
mod settings;
mod signin;

use eframe::egui;

use crate::app::{RecorderApp, View};

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading("vidmsg recorder");
            if let Some(m) = app.reply_to {
                ui.label(format!("— replying to message {m}"));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if app.view == View::Main && !app.is_recording() && ui.button("Settings").clicked()
                {
                    app.draft = app.settings.clone();
                    app.view = View::Settings;
                }
                if let Some(name) = &app.signed_in_as {
                    ui.label(format!("signed in as {name}"));
                }
            });
        });
    });
    if let Some(n) = app.notice.clone() {
        egui::Panel::bottom("notice").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(n);
                if ui.small_button("Dismiss").clicked() {
                    app.notice = None;
                }
            });
        });
    }
    egui::CentralPanel::default().show(ui, |ui| match app.view {
        View::SignIn => signin::show(app, ui),
        View::Settings => settings::show(app, ui),
        View::Main => {
            egui::ScrollArea::vertical().show(ui, |ui| {
                main_view::show(app, ui);
                ui.separator();
                recent::show(app, ui);
            });
        }
    });
}

/// A text field with a label a screen reader (and kittest) can find it by.
pub(crate) fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    secret: bool,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(value)
                .password(secret)
                .desired_width(360.0),
        )
        .labelled_by(l.id)
    })
    .inner
}
