//! While recording: countdown, timer, pause/resume and stop, the level meter, warnings, and the
//! upload's progress.

use eframe::egui;

use super::format;
use crate::app::{Phase, RecorderApp};

pub fn show(app: &mut RecorderApp, ui: &mut egui::Ui) {
    let has_audio = app.settings.mic != "none" || app.settings.system_audio;
    let (mut pause, mut stop) = (false, false);
    if let Phase::Recording(r) = &app.phase {
        if let Some(n) = r.countdown {
            ui.heading(format!("Recording in {n}…"));
        } else if r.finishing {
            ui.heading("Finishing upload…");
            ui.spinner();
        } else if r.paused {
            ui.heading(format!("Paused at {}", format::duration_ms(r.recorded_ms)));
        } else {
            ui.heading(format!("Recording {}", format::duration_ms(r.recorded_ms)));
        }
        if !r.finishing {
            ui.horizontal(|ui| {
                pause = ui
                    .add_enabled(
                        r.countdown.is_none(),
                        egui::Button::new(if r.paused { "Resume" } else { "Pause" }),
                    )
                    .clicked();
                stop = ui.button("Stop").clicked();
            });
            super::main_view::level_meter(ui, r.mic_db, has_audio);
        }
        let spooled = r.spooled_bytes.max(r.uploaded_bytes);
        let fraction = if spooled == 0 {
            0.0
        } else {
            r.uploaded_bytes as f32 / spooled as f32
        };
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(360.0)
                .text(format!(
                    "uploaded {} of {}",
                    format::megabytes(r.uploaded_bytes),
                    format::megabytes(spooled)
                )),
        );
        if let Some(e) = &r.upload_behind {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Upload is behind ({e}); the recording is safe on disk and will catch up."),
            );
        }
        for w in &r.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, format!("Warning: {w}"));
        }
        if let Some(id) = r.message_id {
            ui.label(
                egui::RichText::new(format!(
                    "message {id}{}",
                    if r.encoder.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", r.encoder)
                    }
                ))
                .weak(),
            );
        }
    }
    if pause {
        app.toggle_pause();
    }
    if stop {
        app.stop_recording();
    }
}
