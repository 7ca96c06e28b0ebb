//! Settings: server and token, screen, quality, encoder, bubble, countdown, maximum length,
//! recordings folder. The form edits a copy of the draft (sent as [`Action::EditDraft`]); saved
//! to the settings file on "Save".

use eframe::egui;

use crate::app::action::Action;
use crate::app::settings::{CornerSetting, Quality};
use crate::app::state::State;
use vidmsg_desktop::labelled_field;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let mut draft = state.draft.clone();
    ui.heading("Settings");
    labelled_field(ui, "Server URL", &mut draft.server, false);
    labelled_field(ui, "API token", &mut draft.token, true);
    labelled_field(ui, "Screen source", &mut draft.screen, false).on_hover_text(
        "default, :0, :0+X,Y,WxH (a region), window:0x… (one window), test, or none",
    );
    let quality = draft.quality;
    egui::ComboBox::from_label("Quality")
        .selected_text(quality.label())
        .show_ui(ui, |ui| {
            for q in Quality::ALL {
                ui.selectable_value(&mut draft.quality, q, q.label());
            }
        });
    let encoders: Vec<String> = std::iter::once("auto".to_string())
        .chain(state.sources.encoders.iter().cloned())
        .collect();
    egui::ComboBox::from_label("Encoder")
        .selected_text(draft.encoder.clone())
        .show_ui(ui, |ui| {
            for e in encoders {
                ui.selectable_value(&mut draft.encoder, e.clone(), e);
            }
        });
    egui::ComboBox::from_label("Camera corner")
        .selected_text(draft.corner.label())
        .show_ui(ui, |ui| {
            for c in CornerSetting::ALL {
                ui.selectable_value(&mut draft.corner, c, c.label());
            }
        });
    ui.add(egui::Slider::new(&mut draft.bubble, 96..=480).text("Camera bubble size (px)"));
    ui.add(egui::Slider::new(&mut draft.countdown, 0..=10).text("Countdown (s)"));
    ui.add(egui::Slider::new(&mut draft.max_minutes, 1..=240).text("Maximum length (min)"));
    labelled_field(ui, "Recordings folder", &mut draft.recordings_dir, false)
        .on_hover_text("Empty: ~/.local/share/vidmsg/recordings");
    if draft != state.draft {
        actions.push(Action::EditDraft(Box::new(draft)));
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            actions.push(Action::SaveSettings);
        }
        if ui.button("Cancel").clicked() {
            actions.push(Action::CancelSettings);
        }
        if ui.button("Sign out").clicked() {
            actions.push(Action::SignOut);
        }
    });
}
