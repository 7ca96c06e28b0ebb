//! The main view: title, source pickers, the live preview with the mic meter, and the record
//! button; while recording, the recording panel instead.

use eframe::egui;
use vidmsg_media::devices::DeviceKind;

use super::format;
use crate::app::{Phase, RecorderApp};

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    if app.is_recording() {
        super::recording::show(app, ui);
        return;
    }
    match &app.phase {
        Phase::Done {
            url,
            message_id,
            stop_to_link_s,
            duration_ms,
        } => {
            let (url, message_id) = (url.clone(), *message_id);
            ui.heading("Link ready");
            ui.label(format!(
                "Message {message_id}, {} long — link ready {:.2} s after stop, copied to the clipboard.",
                format::duration_ms(*duration_ms as u64),
                stop_to_link_s
            ));
            ui.horizontal(|ui| {
                ui.monospace(&url);
                if ui.button("Copy link").clicked() {
                    ui.ctx().copy_text(url.clone());
                }
            });
            if ui.button("New recording").clicked() {
                app.phase = Phase::Idle;
                app.title.clear();
            }
            ui.separator();
        }
        Phase::Failed(e) => {
            let e = e.clone();
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Recording failed: {e}"),
            );
            ui.label("Whatever was captured is kept in the recordings folder; unfinished recordings can be recovered below.");
            if ui.button("Dismiss").clicked() {
                app.phase = Phase::Idle;
            }
            ui.separator();
        }
        _ => {}
    }
    if matches!(app.phase, Phase::Done { .. }) {
        return;
    }
    ui.horizontal(|ui| {
        let l = ui.label("Title");
        ui.add(
            egui::TextEdit::singleline(&mut app.title)
                .hint_text("What is this about?")
                .desired_width(420.0),
        )
        .labelled_by(l.id);
    });
    sources(app, ui);
    preview(app, ui);
    ui.add_space(6.0);
    let record = egui::Button::new(
        egui::RichText::new("Record")
            .size(18.0)
            .color(egui::Color32::WHITE),
    )
    .fill(egui::Color32::from_rgb(196, 43, 43))
    .min_size(egui::vec2(140.0, 36.0));
    if ui.add(record).clicked() {
        app.start_recording();
    }
    let max = app.max_recording_secs();
    let limit = match app.server_max_secs {
        Some(server) if server <= u64::from(app.settings.max_minutes) * 60 => {
            format!(
                "up to {} (the server's limit).",
                super::format::duration_ms(server * 1000)
            )
        }
        _ => format!("up to {}.", super::format::duration_ms(max * 1000)),
    };
    if app.settings.countdown > 0 {
        ui.label(
            egui::RichText::new(format!(
                "{} s countdown, then recording starts; {limit}",
                app.settings.countdown
            ))
            .weak(),
        );
    } else {
        ui.label(egui::RichText::new(format!("Recording runs {limit}")).weak());
    }
}

fn sources(app: &mut RecorderApp, ui: &mut egui::Ui) {
    let before = app.settings.clone();
    egui::Grid::new("sources")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Screen");
            egui::ComboBox::from_id_salt("screen")
                .selected_text(screen_label(&app.settings.screen, &app.monitors))
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut app.settings.screen,
                        "default".to_string(),
                        "Whole screen",
                    );
                    ui.selectable_value(
                        &mut app.settings.screen,
                        "none".to_string(),
                        "No screen (camera only)",
                    );
                    ui.selectable_value(
                        &mut app.settings.screen,
                        "test".to_string(),
                        "Test pattern",
                    );
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Camera");
            let cams: Vec<_> = app
                .devices
                .iter()
                .filter(|d| d.kind == DeviceKind::Camera)
                .cloned()
                .collect();
            let cam_label = match app.settings.camera.as_str() {
                "none" => "No camera".to_string(),
                "test" => "Test camera".to_string(),
                id => cams
                    .iter()
                    .find(|d| d.id == id)
                    .map_or(id.to_string(), |d| d.name.clone()),
            };
            egui::ComboBox::from_id_salt("camera")
                .selected_text(cam_label)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut app.settings.camera, "none".to_string(), "No camera");
                    for d in &cams {
                        ui.selectable_value(&mut app.settings.camera, d.id.clone(), &d.name);
                    }
                    ui.selectable_value(
                        &mut app.settings.camera,
                        "test".to_string(),
                        "Test camera",
                    );
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Microphone");
            let mics: Vec<_> = app
                .devices
                .iter()
                .filter(|d| d.kind == DeviceKind::Microphone)
                .cloned()
                .collect();
            let mic_label = match app.settings.mic.as_str() {
                "none" => "No microphone".to_string(),
                "default" => "Default microphone".to_string(),
                id => mics
                    .iter()
                    .find(|d| d.id == id)
                    .map_or(id.to_string(), |d| d.name.clone()),
            };
            egui::ComboBox::from_id_salt("mic")
                .selected_text(mic_label)
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut app.settings.mic,
                        "default".to_string(),
                        "Default microphone",
                    );
                    for d in &mics {
                        ui.selectable_value(&mut app.settings.mic, d.id.clone(), &d.name);
                    }
                    ui.selectable_value(&mut app.settings.mic, "none".to_string(), "No microphone");
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            ui.label("");
            ui.checkbox(&mut app.settings.system_audio, "Record system audio");
            ui.end_row();
        });
    if ui.small_button("Refresh devices").clicked() {
        app.devices = vidmsg_media::devices::list().unwrap_or_default();
    }
    if app.settings != before {
        app.draft = app.settings.clone();
        app.save_settings();
    }
}

fn screen_label(s: &str, monitors: &[crate::capture::monitors::Monitor]) -> String {
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

fn preview(app: &mut RecorderApp, ui: &mut egui::Ui) {
    if let Some(p) = &app.preview {
        if let Some(frame) = p.frames.take() {
            let image = egui::ColorImage::from_rgba_premultiplied(
                [frame.width as usize, frame.height as usize],
                &frame.rgba,
            );
            match &mut app.preview_texture {
                Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                None => {
                    app.preview_texture = Some(ui.ctx().load_texture(
                        "preview",
                        image,
                        egui::TextureOptions::LINEAR,
                    ))
                }
            }
        }
        if let Some(t) = &app.preview_texture {
            let size = t.size_vec2();
            ui.add(egui::Image::new((t.id(), size)).max_width(480.0))
                .on_hover_text("Preview: what the recording will show");
        }
        level_meter(
            ui,
            p.inputs().mic_db,
            app.settings.mic != "none" || app.settings.system_audio,
        );
    } else if let Some(e) = &app.preview_error {
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
