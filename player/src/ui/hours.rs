//! "Your hours": the user's time zone (the computer's own offered) and quiet hours, during which
//! only urgent messages notify them; saved to the server, whose refusal is shown as it said it.

use eframe::egui;
use vidmsg_desktop::widgets::labelled_field;

use crate::app::hours::HoursAction;
use crate::app::{Action, State};

/// The header button that opens the window.
pub fn button(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    if ui
        .add(egui::Button::selectable(state.hours.open, "Your hours"))
        .on_hover_text("Time zone and quiet hours")
        .clicked()
    {
        actions.push(Action::Hours(HoursAction::Toggle));
    }
}

/// The window, while it is open.
pub fn window(ctx: &egui::Context, state: &State, actions: &mut Vec<Action>) {
    let h = &state.hours;
    if !h.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Your hours")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, [-8.0, 40.0])
        .show(ctx, |ui| {
            if !h.loaded {
                ui.label(egui::RichText::new("Loading…").weak());
            }
            let mut zone = h.time_zone.clone();
            if labelled_field(ui, "Time zone", &mut zone, false).changed() {
                actions.push(Action::Hours(HoursAction::EditZone(zone)));
            }
            if let Some(system) = &h.system_zone {
                ui.horizontal(|ui| {
                    if h.saved_zone.is_none() && h.time_zone.trim() == system {
                        ui.label(
                            egui::RichText::new("This computer's zone (not saved yet)").weak(),
                        );
                    } else if h.time_zone.trim() != system
                        && ui
                            .button(format!("Use this computer's zone ({system})"))
                            .clicked()
                    {
                        actions.push(Action::Hours(HoursAction::UseSystemZone));
                    }
                });
            }
            ui.label(
                egui::RichText::new("An IANA name, e.g. Europe/Berlin or America/New_York.").weak(),
            );
            ui.separator();
            let mut quiet = h.quiet;
            if ui
                .checkbox(&mut quiet, "Quiet hours")
                .on_hover_text(
                    "Only urgent messages notify you then; the rest wait until they end.",
                )
                .changed()
            {
                actions.push(Action::Hours(HoursAction::SetQuiet(quiet)));
            }
            ui.add_enabled_ui(h.quiet, |ui| {
                ui.horizontal(|ui| {
                    let mut start = h.start.clone();
                    let l = ui.label("From");
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut start)
                                .desired_width(60.0)
                                .hint_text("18:00"),
                        )
                        .labelled_by(l.id)
                        .changed()
                    {
                        actions.push(Action::Hours(HoursAction::EditStart(start)));
                    }
                    let mut end = h.end.clone();
                    let l = ui.label("Until");
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut end)
                                .desired_width(60.0)
                                .hint_text("09:00"),
                        )
                        .labelled_by(l.id)
                        .changed()
                    {
                        actions.push(Action::Hours(HoursAction::EditEnd(end)));
                    }
                });
                ui.label(
                    egui::RichText::new(
                        "Local times (HH:MM); an end before the start spans midnight.",
                    )
                    .weak(),
                );
            });
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!h.saving && h.loaded, egui::Button::new("Save"))
                    .clicked()
                {
                    actions.push(Action::Hours(HoursAction::Save));
                }
                if h.saving {
                    ui.spinner();
                }
                if let Some(s) = &h.status {
                    ui.label(s);
                }
            });
            if let Some(e) = &h.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
        });
    if !open {
        actions.push(Action::Hours(HoursAction::Toggle));
    }
}
