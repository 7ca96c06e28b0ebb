//! While recording: countdown, timer, where it goes (and whether it is urgent), pause/resume
//! and stop, the level meter, warnings, and the upload's progress.

use eframe::egui;

use std::time::Duration;

use vidmsg_desktop::format::clock_of;

use crate::app::action::Action;
use crate::app::state::{Phase, State};

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let Phase::Recording(r) = &state.phase else {
        return;
    };
    if let Some(n) = r.countdown {
        ui.heading(format!("Recording in {n}…"));
    } else if r.finishing {
        ui.heading("Finishing upload…");
        ui.spinner();
    } else if r.paused {
        ui.heading(format!(
            "Paused at {}",
            clock_of(Duration::from_millis(r.recorded_ms))
        ));
    } else {
        ui.heading(format!(
            "Recording {}",
            clock_of(Duration::from_millis(r.recorded_ms))
        ));
    }
    if let Some(to) = &state.sending_to {
        ui.label(format!("Sending to {to}"));
    }
    if state.sending_urgent {
        ui.label("Marked urgent: notifies at once")
            .on_hover_text(super::send_to::URGENT_HINT);
    }
    if !r.finishing {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    r.countdown.is_none(),
                    egui::Button::new(if r.paused { "Resume" } else { "Pause" }),
                )
                .clicked()
            {
                actions.push(Action::TogglePause);
            }
            if ui.button("Stop").clicked() {
                actions.push(Action::StopRecording);
            }
        });
        super::main_view::level_meter(ui, r.mic_db, state.has_audio());
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
                vidmsg_desktop::format::megabytes(r.uploaded_bytes),
                vidmsg_desktop::format::megabytes(spooled)
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
