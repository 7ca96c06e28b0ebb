//! Drawing the player: inbox and search on the left, the thread and the video in the middle,
//! the transcript on the right; keyboard shortcuts. State and background work live in `app`.

mod inbox;
mod signin;
mod thread;
mod transcript;
mod video;

use eframe::egui;

use crate::app::{PlayerApp, View};

/// `m:ss` (or `h:mm:ss`).
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

pub fn show(app: &mut PlayerApp, ui: &mut egui::Ui) {
    if app.view == View::SignIn {
        egui::CentralPanel::default().show(ui, |ui| signin::show(app, ui));
        return;
    }
    shortcuts(app, ui.ctx());
    if app.fullscreen {
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(egui::Color32::BLACK))
            .show(ui, |ui| video::show(app, ui));
        return;
    }
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading("vidmsg");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Sign out").clicked() {
                    app.sign_out();
                }
                if let Some(name) = &app.signed_in_as {
                    ui.label(format!("signed in as {name}"));
                }
                ui.label(if app.feed_connected {
                    "live"
                } else {
                    "offline: reconnecting"
                });
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
    egui::Panel::left("inbox")
        .default_size(300.0)
        .show(ui, |ui| inbox::show(app, ui));
    if app
        .current
        .as_ref()
        .is_some_and(|c| !c.transcript.is_empty())
    {
        egui::Panel::right("transcript")
            .default_size(320.0)
            .show(ui, |ui| transcript::show(app, ui));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if app.current.is_some() {
                video::show(app, ui);
                ui.separator();
            }
            thread::show(app, ui);
        });
    });
}

/// Space / K play-pause, J / L ±10 s, ←/→ ±5 s, ↑/↓ volume, F fullscreen, C captions, M mute.
fn shortcuts(app: &mut PlayerApp, ctx: &egui::Context) {
    if ctx.egui_wants_keyboard_input() || app.current.is_none() {
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
    for k in keys {
        match k {
            egui::Key::Space | egui::Key::K => app.toggle_play(),
            egui::Key::J => app.skip(-10_000),
            egui::Key::L => app.skip(10_000),
            egui::Key::ArrowLeft => app.skip(-5_000),
            egui::Key::ArrowRight => app.skip(5_000),
            egui::Key::ArrowUp => app.set_volume(app.settings.volume + 0.1),
            egui::Key::ArrowDown => app.set_volume(app.settings.volume - 0.1),
            egui::Key::F => toggle_fullscreen(app, ctx),
            egui::Key::Escape if app.fullscreen => toggle_fullscreen(app, ctx),
            egui::Key::C => {
                app.settings.captions = !app.settings.captions;
                app.save_settings();
            }
            egui::Key::M => app.toggle_mute(),
            _ => {}
        }
    }
}

pub fn toggle_fullscreen(app: &mut PlayerApp, ctx: &egui::Context) {
    app.fullscreen = !app.fullscreen;
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(app.fullscreen));
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
                .desired_width(320.0),
        )
        .labelled_by(l.id)
    })
    .inner
}
