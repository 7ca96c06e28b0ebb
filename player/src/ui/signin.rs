//! Sign-in: server address and API token, checked before they are saved.

use eframe::egui;

use super::labelled_field;
use crate::app::PlayerApp;

pub fn show(app: &mut PlayerApp, ui: &mut egui::Ui) {
    ui.heading("Welcome to vidmsg");
    ui.label("Connect the player to your vidmsg server.");
    ui.add_space(8.0);
    labelled_field(ui, "Server URL", &mut app.draft_server, false);
    let token = labelled_field(ui, "API token", &mut app.draft_token, true);
    ui.label(
        egui::RichText::new("Ask your admin for a token: vidmsg-server token add YOUR_NAME").weak(),
    );
    let ready = !app.draft_server.trim().is_empty()
        && !app.draft_token.trim().is_empty()
        && !app.signing_in;
    let enter = token.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("Sign in"))
            .clicked()
            || (enter && ready)
        {
            app.sign_in();
        }
        if app.signing_in {
            ui.spinner();
        }
    });
    if let Some(n) = &app.notice {
        ui.colored_label(ui.visuals().error_fg_color, n);
    }
}
