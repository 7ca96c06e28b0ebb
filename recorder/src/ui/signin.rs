//! First run: the server's address and an API token (from `vidmsg-server user add NAME` or
//! `token add NAME`), checked against the server before they are saved.

use eframe::egui;

use super::labelled_field;
use crate::app::RecorderApp;

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    ui.heading("Welcome to vidmsg");
    ui.label("Connect the recorder to your vidmsg server.");
    ui.add_space(8.0);
    labelled_field(ui, "Server URL", &mut app.draft.server, false);
    let token = labelled_field(ui, "API token", &mut app.draft.token, true);
    ui.label(
        egui::RichText::new("Ask your admin for a token: vidmsg-server token add YOUR_NAME").weak(),
    );
    ui.add_space(8.0);
    let busy = app.signing_in.is_some();
    let ready = !app.draft.server.trim().is_empty() && !app.draft.token.trim().is_empty();
    let enter = token.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(ready && !busy, egui::Button::new("Sign in"))
            .clicked()
            || (enter && ready && !busy)
        {
            app.sign_in();
        }
        if busy {
            ui.spinner();
            ui.label("Checking…");
        }
    });
}
