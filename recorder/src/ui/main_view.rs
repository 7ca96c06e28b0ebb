//! The main view: title, "Send to" and "Urgent", source pickers, the live preview with the mic meter, and the record
//! button; while recording, the recording panel instead.

use std::time::Duration;

use eframe::egui;
use vidmsg_desktop::format::{clock, clock_of};
use vidmsg_media::devices::{Device, DeviceKind};

use crate::app::action::Action;
use crate::app::state::{Phase, State};
use crate::capture::monitors::Monitor;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    if state.is_recording() {
        super::recording::show(state, ui, actions);
        return;
    }
    match &state.phase {
        Phase::Done {
            url,
            message_id,
            stop_to_link_s,
            duration_ms,
            urgent,
        } => {
            ui.heading("Link ready");
            if let Some(to) = &state.sending_to {
                ui.label(format!("Sent to {to}"));
            }
            if *urgent {
                ui.label("Marked urgent")
                    .on_hover_text(super::send_to::URGENT_HINT);
            }
            ui.label(format!(
                "Message {message_id}, {} long — link ready {:.2} s after stop, copied to the clipboard.",
                clock(*duration_ms),
                stop_to_link_s
            ));
            ui.horizontal(|ui| {
                ui.monospace(url);
                if ui.button("Copy link").clicked() {
                    actions.push(Action::CopyLink(url.clone()));
                }
            });
            if ui.button("New recording").clicked() {
                actions.push(Action::NewRecording);
            }
            ui.separator();
            return;
        }
        Phase::Failed(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Recording failed: {e}"),
            );
            ui.label("Whatever was captured is kept in the recordings folder; unfinished recordings can be recovered below.");
            if ui.button("Dismiss").clicked() {
                actions.push(Action::DismissFailure);
            }
            ui.separator();
        }
        Phase::Idle | Phase::Recording(_) => {}
    }
    ui.horizontal(|ui| {
        let l = ui.label("Title");
        let mut title = state.title.clone();
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut title)
                    .hint_text("What is this about?")
                    .desired_width(420.0),
            )
            .labelled_by(l.id);
        if edit.changed() {
            actions.push(Action::SetTitle(title));
        }
    });
    if state.reply_to.is_none() {
        super::send_to::show(state, ui, actions);
    }
    super::send_to::urgent(state, ui, actions);
    sources(state, ui, actions);
    preview(state, ui);
    ui.add_space(6.0);
    let record = egui::Button::new(
        egui::RichText::new("Record")
            .size(18.0)
            .color(egui::Color32::WHITE),
    )
    .fill(egui::Color32::from_rgb(196, 43, 43))
    .min_size(egui::vec2(140.0, 36.0));
    if ui.add(record).clicked() {
        actions.push(Action::StartRecording);
    }
    let max = state.max_recording_secs();
    let limit = match state.server_max_secs {
        Some(server) if server <= u64::from(state.settings.max_minutes) * 60 => {
            format!(
                "up to {} (the server's limit).",
                clock_of(Duration::from_secs(server))
            )
        }
        _ => format!("up to {}.", clock_of(Duration::from_secs(max))),
    };
    if state.settings.countdown > 0 {
        ui.label(
            egui::RichText::new(format!(
                "{} s countdown, then recording starts; {limit}",
                state.settings.countdown
            ))
            .weak(),
        );
    } else {
        ui.label(egui::RichText::new(format!("Recording runs {limit}")).weak());
    }
}

/// Screen, camera and microphone pickers; a pick is an action (saved at once when applied).
fn sources(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let settings = &state.settings;
    let devices = &state.sources.devices;
    egui::Grid::new("sources")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Screen");
            let mut screen = settings.screen.clone();
            egui::ComboBox::from_id_salt("screen")
                .selected_text(screen_label(&settings.screen, &state.sources.monitors))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut screen, "default".to_string(), "Whole screen");
                    ui.selectable_value(&mut screen, "none".to_string(), "No screen (camera only)");
                    ui.selectable_value(&mut screen, "test".to_string(), "Test pattern");
                })
                .response
                .labelled_by(label.id);
            if screen != settings.screen {
                actions.push(Action::PickScreen(screen));
            }
            ui.end_row();

            let label = ui.label("Camera");
            let cams = of_kind(devices, DeviceKind::Camera);
            let cam_label = match settings.camera.as_str() {
                "none" => "No camera".to_string(),
                "test" => "Test camera".to_string(),
                id => device_name(&cams, id),
            };
            let mut camera = settings.camera.clone();
            egui::ComboBox::from_id_salt("camera")
                .selected_text(cam_label)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut camera, "none".to_string(), "No camera");
                    for d in &cams {
                        ui.selectable_value(&mut camera, d.id.clone(), &d.name);
                    }
                    ui.selectable_value(&mut camera, "test".to_string(), "Test camera");
                })
                .response
                .labelled_by(label.id);
            if camera != settings.camera {
                actions.push(Action::PickCamera(camera));
            }
            ui.end_row();

            let label = ui.label("Microphone");
            let mics = of_kind(devices, DeviceKind::Microphone);
            let mic_label = match settings.mic.as_str() {
                "none" => "No microphone".to_string(),
                "default" => "Default microphone".to_string(),
                id => device_name(&mics, id),
            };
            let mut mic = settings.mic.clone();
            egui::ComboBox::from_id_salt("mic")
                .selected_text(mic_label)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut mic, "default".to_string(), "Default microphone");
                    for d in &mics {
                        ui.selectable_value(&mut mic, d.id.clone(), &d.name);
                    }
                    ui.selectable_value(&mut mic, "none".to_string(), "No microphone");
                })
                .response
                .labelled_by(label.id);
            if mic != settings.mic {
                actions.push(Action::PickMic(mic));
            }
            ui.end_row();

            ui.label("");
            let mut system_audio = settings.system_audio;
            if ui
                .checkbox(&mut system_audio, "Record system audio")
                .changed()
            {
                actions.push(Action::SetSystemAudio(system_audio));
            }
            ui.end_row();
        });
    ui.horizontal(|ui| {
        if ui.small_button("Refresh devices").clicked() {
            actions.push(Action::RefreshDevices);
        }
        if state.sources.looking {
            ui.spinner();
            ui.label(egui::RichText::new("Looking for devices…").weak());
        }
    });
}

fn of_kind(devices: &[Device], kind: DeviceKind) -> Vec<&Device> {
    devices.iter().filter(|d| d.kind == kind).collect()
}

/// The device's name, or its id when it is not (or not yet) listed.
fn device_name(devices: &[&Device], id: &str) -> String {
    devices
        .iter()
        .find(|d| d.id == id)
        .map_or(id.to_string(), |d| d.name.clone())
}

fn screen_label(s: &str, monitors: &[Monitor]) -> String {
    let display = std::env::var("DISPLAY").unwrap_or_default();
    if let Some(m) = monitors.iter().find(|m| m.screen_spec(&display) == s) {
        return format!("Monitor {}", m.name);
    }
    match s {
        "default" => "Whole screen".into(),
        "none" => "No screen (camera only)".into(),
        "test" => "Test pattern".into(),
        other => other.to_string(),
    }
}

/// The live preview's latest frame and mic meter, or why there is none.
fn preview(state: &State, ui: &mut egui::Ui) {
    let p = &state.preview;
    if p.running {
        if let Some(t) = &p.texture {
            let size = t.size_vec2();
            ui.add(egui::Image::new((t.id(), size)).max_width(480.0))
                .on_hover_text("Preview: what the recording will show");
        }
        level_meter(ui, p.mic_db, state.has_audio());
    } else if let Some(e) = &p.error {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Preview unavailable: {e}"),
        );
    }
}

/// A horizontal meter from −60 to 0 dBFS, with the silent-mic warning.
pub fn level_meter(ui: &mut egui::Ui, db: Option<f64>, has_audio: bool) {
    if !has_audio {
        ui.label("Microphone off");
        return;
    }
    let level = db.map_or(0.0, |d| ((d + 60.0) / 60.0).clamp(0.0, 1.0)) as f32;
    ui.horizontal(|ui| {
        ui.label("Mic");
        ui.add(
            egui::ProgressBar::new(level)
                .desired_width(240.0)
                .text(db.map_or("…".to_string(), |d| format!("{d:.0} dB"))),
        );
        if db.is_some_and(|d| d < -60.0) {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "Warning: the microphone is silent",
            );
        }
    });
}
