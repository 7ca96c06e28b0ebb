//! Drawing the player: inbox and search on the left, the thread and the video in the middle,
//! the transcript on the right; keyboard shortcuts. Every view reads `&State` and pushes
//! [`Action`]s; none changes state or does blocking work (the app applies the actions after the
//! frame). Imports state and action types from `app`, never the app itself.

// Notifications and the user's hours (#11).
// Titles and chapters made from the transcript (#14).
mod chapters;
mod hours;
mod inbox;
mod notifications;
mod share;
mod signin;
// The inbox of people and spaces (#11).
mod spaces;
mod thread;
mod thread_header;
mod transcript;
mod video;

use eframe::egui;

use crate::app::{Action, State, View};

/// Draws the whole window for `state`; what the user asked for lands in `actions`.
pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    if state.view == View::SignIn {
        egui::CentralPanel::default().show(ui, |ui| signin::show(ui, state, actions));
        return;
    }
    shortcuts(ui.ctx(), state, actions);
    if state.fullscreen {
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(egui::Color32::BLACK))
            .show(ui, |ui| video::show(ui, state, actions));
        return;
    }
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading("vidmsg");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Sign out").clicked() {
                    actions.push(Action::SignOut);
                }
                hours::button(ui, state, actions);
                notifications::badge(ui, state, actions);
                if let Some(name) = &state.signed_in_as {
                    ui.label(format!("signed in as {name}"));
                }
                ui.label(if state.feed_connected {
                    "live"
                } else {
                    "offline: reconnecting"
                });
            });
        });
    });
    if vidmsg_desktop::widgets::notice_bar(ui, state.notice.as_deref()) {
        actions.push(Action::DismissNotice);
    }
    egui::Panel::left("inbox")
        .default_size(300.0)
        .show(ui, |ui| inbox::show(ui, state, actions));
    if state
        .current
        .as_ref()
        .is_some_and(|c| !c.transcript.is_empty())
    {
        egui::Panel::right("transcript")
            .default_size(320.0)
            .show(ui, |ui| transcript::show(ui, state, actions));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if state.current.is_some() {
                video::show(ui, state, actions);
                ui.separator();
            }
            thread::show(ui, state, actions);
        });
    });
    notifications::window(ui.ctx(), state, actions);
    hours::window(ui.ctx(), state, actions);
    share::window(ui.ctx(), state, actions);
}

/// Space / K play-pause, J / L ±10 s, ←/→ ±5 s, ↑/↓ volume, F fullscreen, C captions, M mute.
fn shortcuts(ctx: &egui::Context, state: &State, actions: &mut Vec<Action>) {
    if ctx.egui_wants_keyboard_input() || state.current.is_none() {
        return;
    }
    let keys = ctx.input(|i| {
        [
            egui::Key::Space,
            egui::Key::K,
            egui::Key::J,
            egui::Key::L,
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
            egui::Key::ArrowUp,
            egui::Key::ArrowDown,
            egui::Key::F,
            egui::Key::C,
            egui::Key::M,
            egui::Key::Escape,
        ]
        .into_iter()
        .filter(|k| i.key_pressed(*k))
        .collect::<Vec<_>>()
    });
    // Volume keys step from the volume as of this frame, each one after the other.
    let mut volume = state.settings.volume;
    for k in keys {
        actions.push(match k {
            egui::Key::Space | egui::Key::K => Action::TogglePlay,
            egui::Key::J => Action::Skip(-10_000),
            egui::Key::L => Action::Skip(10_000),
            egui::Key::ArrowLeft => Action::Skip(-5_000),
            egui::Key::ArrowRight => Action::Skip(5_000),
            egui::Key::ArrowUp | egui::Key::ArrowDown => {
                let step = if k == egui::Key::ArrowUp { 0.1 } else { -0.1 };
                volume = (volume + step).clamp(0.0, 1.0);
                Action::SetVolume(volume)
            }
            egui::Key::F => Action::ToggleFullscreen,
            egui::Key::Escape if state.fullscreen => Action::ToggleFullscreen,
            egui::Key::C => Action::ToggleCaptions,
            egui::Key::M => Action::ToggleMute,
            _ => continue,
        });
    }
}
