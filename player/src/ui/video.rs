//! The open message: the video (with captions drawn over it), the controls (play/pause, seek
//! bar with comment, reaction and chapter marks, time, speed, volume, captions, fullscreen), the
//! chapters, and the comment and reaction row.

use std::time::Duration;

use eframe::egui;
use vidmsg_api::{MessageKind, MessageStatus};

use vidmsg_desktop::clock;
use vidmsg_desktop::widgets::submitted;

use crate::app::{Action, State, vtt};

pub const SPEEDS: [f64; 7] = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0];
pub const REACTIONS: [&str; 5] = ["👍", "❤", "😂", "🎉", "👀"];

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let Some(c) = &state.current else { return };
    let m = &c.message;
    if !state.fullscreen {
        ui.horizontal(|ui| {
            ui.heading(&m.title);
            ui.label(egui::RichText::new(format!("by {}", m.author)).weak());
        });
        super::chapters::suggested_title(ui, state, actions);
    }
    if m.kind == MessageKind::Text {
        ui.label(m.body.clone().unwrap_or_default());
        return;
    }
    if let Some(e) = &c.error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Cannot play this video: {e}"),
        );
    }
    if c.playback.is_none() && c.error.is_none() {
        let why = match m.status {
            MessageStatus::Uploading => {
                "The video is still uploading; it plays as soon as the upload completes."
                    .to_string()
            }
            MessageStatus::Failed => format!(
                "Processing failed: {}",
                m.status_reason.clone().unwrap_or_default()
            ),
            _ => "The video is not available yet.".to_string(),
        };
        ui.label(why);
        return;
    }
    let pos = c.position_ms().unwrap_or(0);
    let len = c.duration_ms().or(m.duration_ms).unwrap_or(0);
    // The picture, as large as fits, aspect kept; captions over its lower part.
    if let Some(t) = &c.texture {
        let size = t.size_vec2();
        let avail = ui.available_width().min(if state.fullscreen {
            f32::INFINITY
        } else {
            960.0
        });
        let max_h = if state.fullscreen {
            ui.available_height() - 60.0
        } else {
            540.0
        };
        let scale = (avail / size.x).min(max_h / size.y).max(0.05);
        let r = ui.add(egui::Image::new((t.id(), size * scale)).sense(egui::Sense::click()));
        if r.clicked() {
            actions.push(Action::TogglePlay);
        }
        if r.double_clicked() {
            actions.push(Action::ToggleFullscreen);
        }
        if state.settings.captions
            && let Some(cue) = vtt::at(&c.cues, pos)
        {
            let painter = ui.painter_at(r.rect);
            let font = egui::FontId::proportional((r.rect.height() / 18.0).clamp(14.0, 36.0));
            let galley = painter.layout(
                cue.text.clone(),
                font,
                egui::Color32::WHITE,
                r.rect.width() * 0.9,
            );
            let at = egui::pos2(
                r.rect.center().x - galley.size().x / 2.0,
                r.rect.bottom() - galley.size().y - r.rect.height() * 0.06,
            );
            painter.rect_filled(
                egui::Rect::from_min_size(at, galley.size()).expand(6.0),
                4.0,
                egui::Color32::from_black_alpha(170),
            );
            painter.galley(at, galley, egui::Color32::WHITE);
        }
    } else {
        ui.add_sized([480.0, 270.0], egui::Spinner::new());
    }
    seek_bar(ui, state, actions, pos, len);
    controls(ui, state, actions, pos, len);
    if !state.fullscreen {
        super::chapters::list(ui, state, actions, pos);
        feedback(ui, state, actions, pos);
    }
}

/// The seek bar: click or drag to seek; comments and reactions are marks on it.
fn seek_bar(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>, pos: i64, len: i64) {
    let width = ui.available_width().min(960.0);
    let (rect, resp) =
        ui.allocate_exact_size(egui::vec2(width, 18.0), egui::Sense::click_and_drag());
    resp.widget_info(|| egui::WidgetInfo::slider(true, pos as f64 / 1000.0, "Seek"));
    let painter = ui.painter_at(rect);
    let track = egui::Rect::from_center_size(rect.center(), egui::vec2(rect.width(), 6.0));
    painter.rect_filled(track, 3.0, ui.visuals().widgets.inactive.bg_fill);
    let frac = if len > 0 {
        (pos as f32 / len as f32).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let done = egui::Rect::from_min_max(
        track.min,
        egui::pos2(track.min.x + track.width() * frac, track.max.y),
    );
    painter.rect_filled(done, 3.0, ui.visuals().selection.bg_fill);
    painter.circle_filled(
        egui::pos2(done.max.x, rect.center().y),
        7.0,
        ui.visuals().strong_text_color(),
    );
    if len > 0
        && (resp.clicked() || resp.dragged())
        && let Some(p) = resp.interact_pointer_pos()
    {
        let to = (((p.x - track.min.x) / track.width()).clamp(0.0, 1.0) * len as f32) as u64;
        actions.push(Action::Seek {
            to: Duration::from_millis(to),
            play: state.is_playing(),
        });
    }
    // Marks: a tick per comment and reaction, each a widget (hover shows it, click seeks there).
    let Some(c) = &state.current else { return };
    let marks: Vec<(i64, String)> = c
        .comments
        .iter()
        .map(|cm| {
            (
                cm.at_ms,
                format!(
                    "Comment at {} by {}: {}",
                    clock(cm.at_ms),
                    cm.author,
                    cm.body
                ),
            )
        })
        .chain(c.reactions.iter().map(|r| {
            (
                r.at_ms,
                format!(
                    "Reaction at {} by {}: {}",
                    clock(r.at_ms),
                    r.author,
                    r.emoji
                ),
            )
        }))
        .collect();
    let mut seek = None;
    for (i, (at, label)) in marks.into_iter().enumerate() {
        if len <= 0 {
            break;
        }
        let x = track.min.x + track.width() * (at as f32 / len as f32).clamp(0.0, 1.0);
        let mark =
            egui::Rect::from_center_size(egui::pos2(x, rect.top() - 2.0), egui::vec2(6.0, 10.0));
        let id = ui.scope_id().with(("mark", i));
        let r = ui.interact(mark, id, egui::Sense::click());
        let label2 = label.clone();
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label2));
        ui.painter()
            .rect_filled(mark, 2.0, egui::Color32::from_rgb(240, 180, 40));
        if r.on_hover_text(label).clicked() {
            seek = Some(at);
        }
    }
    super::chapters::seek_marks(ui, &c.message.chapters, track, len, &mut seek);
    if let Some(at) = seek {
        actions.push(Action::Seek {
            to: Duration::from_millis(at.max(0) as u64),
            play: true,
        });
    }
}

fn controls(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>, pos: i64, len: i64) {
    let playing = state.is_playing();
    ui.horizontal(|ui| {
        if ui.button(if playing { "Pause" } else { "Play" }).clicked() {
            actions.push(Action::TogglePlay);
        }
        ui.monospace(format!("{} / {}", clock(pos), clock(len)));
        let speed = state.settings.speed;
        let mut chosen = speed;
        egui::ComboBox::from_label("Speed")
            .selected_text(format!("{speed}×"))
            .show_ui(ui, |ui| {
                for s in SPEEDS {
                    ui.selectable_value(&mut chosen, s, format!("{s}×"));
                }
            });
        if (chosen - speed).abs() > 1e-6 {
            actions.push(Action::SetSpeed(chosen));
        }
        let mut vol = state.settings.volume;
        if ui
            .add(
                egui::Slider::new(&mut vol, 0.0..=1.0)
                    .show_value(false)
                    .text("Volume"),
            )
            .changed()
        {
            actions.push(Action::SetVolume(vol));
        }
        if ui.selectable_label(state.muted, "Mute").clicked() {
            actions.push(Action::ToggleMute);
        }
        if ui
            .selectable_label(state.settings.captions, "Captions")
            .clicked()
        {
            actions.push(Action::ToggleCaptions);
        }
        if ui
            .button(if state.fullscreen {
                "Exit fullscreen"
            } else {
                "Fullscreen"
            })
            .clicked()
        {
            actions.push(Action::ToggleFullscreen);
        }
    });
}

fn feedback(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>, pos: i64) {
    ui.horizontal(|ui| {
        ui.monospace(clock(pos));
        let l = ui.label("Comment");
        let mut comment = state.comment_text.clone();
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut comment)
                    .hint_text("say something about this moment")
                    .desired_width(280.0),
            )
            .labelled_by(l.id);
        if r.changed() {
            actions.push(Action::EditComment(comment));
        }
        let enter = submitted(ui, &r);
        if ui.button("Post comment").clicked() || enter {
            actions.push(Action::PostComment);
        }
        for e in REACTIONS {
            if ui
                .button(e)
                .on_hover_text(format!("React {e} at {}", clock(pos)))
                .clicked()
            {
                actions.push(Action::React(e));
            }
        }
    });
    let Some(c) = &state.current else { return };
    let mut seek = None;
    for cm in &c.comments {
        ui.horizontal(|ui| {
            if ui.small_button(clock(cm.at_ms)).clicked() {
                seek = Some(cm.at_ms);
            }
            ui.label(format!("{}: {}", cm.author, cm.body));
        });
    }
    if !c.reactions.is_empty() {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for r in &c.reactions {
            match counts.iter_mut().find(|(e, _)| *e == r.emoji) {
                Some((_, n)) => *n += 1,
                None => counts.push((r.emoji.clone(), 1)),
            }
        }
        ui.label(
            counts
                .iter()
                .map(|(e, n)| format!("{e} {n}"))
                .collect::<Vec<_>>()
                .join("   "),
        );
    }
    if let Some(at) = seek {
        actions.push(Action::Seek {
            to: Duration::from_millis(at.max(0) as u64),
            play: true,
        });
    }
}
