//! Settings: server and token, screen, quality, encoder, bubble, countdown, maximum length,
//! recordings folder. Saved to the settings file on "Save".

use eframe::egui;

use super::labelled_field;
use crate::app::RecorderApp;
use crate::app::settings::{CornerSetting, Quality};

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    ui.heading("Settings");
    labelled_field(ui, "Server URL", &mut app.draft.server, false);
    labelled_field(ui, "API token", &mut app.draft.token, true);
    labelled_field(ui, "Screen source", &mut app.draft.screen, false).on_hover_text(
        "default, :0, :0+X,Y,WxH (a region), window:0x… (one window), test, or none",
    );
    let quality = app.draft.quality;
    egui::ComboBox::from_label("Quality")
        .selected_text(quality.label())
        .show_ui(ui, |ui| {
            for q in Quality::ALL {
                ui.selectable_value(&mut app.draft.quality, q, q.label());
            }
        });
    let encoders: Vec<String> = std::iter::once("auto".to_string())
        .chain(app.encoders.iter().cloned())
        .collect();
    egui::ComboBox::from_label("Encoder")
        .selected_text(app.draft.encoder.clone())
        .show_ui(ui, |ui| {
            for e in encoders {
                ui.selectable_value(&mut app.draft.encoder, e.clone(), e);
            }
        });
    egui::ComboBox::from_label("Camera corner")
        .selected_text(app.draft.corner.label())
        .show_ui(ui, |ui| {
            for c in CornerSetting::ALL {
                ui.selectable_value(&mut app.draft.corner, c, c.label());
            }
        });
    ui.add(egui::Slider::new(&mut app.draft.bubble, 96..=480).text("Camera bubble size (px)"));
    ui.add(egui::Slider::new(&mut app.draft.countdown, 0..=10).text("Countdown (s)"));
    ui.add(egui::Slider::new(&mut app.draft.max_minutes, 1..=240).text("Maximum length (min)"));
    labelled_field(
        ui,
        "Recordings folder",
        &mut app.draft.recordings_dir,
        false,
    )
    .on_hover_text("Empty: ~/.local/share/vidmsg/recordings");
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            app.apply_draft();
        }
        if ui.button("Cancel").clicked() {
            app.draft = app.settings.clone();
            app.view = crate::app::View::Main;
        }
        if ui.button("Sign out").clicked() {
            app.sign_out();
        }
    });
}
