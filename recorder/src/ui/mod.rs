//! Drawing the recorder app: one file per view. Views read the app's [`State`] and push
//! [`Action`]s; they never change state or do slow work (that is `app`'s). Depends on the state
//! and action types only, never on the app itself; the shell both apps share (sign-in form,
//! labelled fields, notice bar, clock) comes from `vidmsg-desktop`.

mod main_view;
mod recent;
mod recording;
mod send_to;
mod settings;
mod signin;

use eframe::egui;

use crate::app::action::Action;
use crate::app::state::{State, View};

/// Draws `state`; what the person asks for goes to `actions`.
pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading("vidmsg recorder");
            if let Some(m) = state.reply_to {
                ui.label(format!("— replying to message {m}"));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if state.view == View::Main
                    && !state.is_recording()
                    && ui.button("Settings").clicked()
                {
                    actions.push(Action::OpenSettings);
                }
                if let Some(name) = &state.signed_in_as {
                    ui.label(format!("signed in as {name}"));
                }
            });
        });
    });
    if vidmsg_desktop::widgets::notice_bar(ui, state.notice.as_deref()) {
        actions.push(Action::DismissNotice);
    }
    egui::CentralPanel::default().show(ui, |ui| match state.view {
        View::SignIn => signin::show(state, ui, actions),
        View::Settings => settings::show(state, ui, actions),
        View::Main => {
            egui::ScrollArea::vertical().show(ui, |ui| {
                main_view::show(state, ui, actions);
                ui.separator();
                recent::show(state, ui, actions);
            });
        }
    });
}
