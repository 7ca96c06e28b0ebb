//! The selected thread: messages in order with replies nested under their parent, each with an
//! honest status; the reply box (text, or a video reply through the recorder).

use std::collections::HashMap;

use eframe::egui;
use vidmsg_api::{Id, Message, MessageKind, MessageStatus};

use vidmsg_desktop::clock;
use vidmsg_desktop::widgets::submitted;

use crate::app::{Action, State};

fn status_text(m: &Message) -> Option<(String, bool)> {
    match m.status {
        MessageStatus::Ready => None,
        MessageStatus::Uploading => Some(("uploading…".into(), false)),
        MessageStatus::Processing => Some((
            match (m.progress_percent, &m.status_reason) {
                (_, Some(r)) => format!("processing: {r}"),
                (Some(p), None) if p > 0 => format!("transcribing {p}%"),
                _ => "waiting to be transcribed".into(),
            },
            false,
        )),
        MessageStatus::Failed => Some((
            format!(
                "failed: {}",
                m.status_reason
                    .clone()
                    .unwrap_or_else(|| "unknown reason".into())
            ),
            true,
        )),
    }
}

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let Some(thread_id) = state.selected_thread else {
        ui.label(
            egui::RichText::new("Choose a thread on the left, or search what was said.").weak(),
        );
        return;
    };
    let thread = state.threads.iter().find(|t| t.id == thread_id);
    ui.heading(thread.map(|t| t.title.clone()).unwrap_or_default());
    if let Some(t) = thread {
        super::thread_header::show(ui, state, t, actions);
    }
    let mut children: HashMap<Option<Id>, Vec<&Message>> = HashMap::new();
    let ids: std::collections::HashSet<Id> = state.messages.iter().map(|m| m.id).collect();
    for m in &state.messages {
        // A reply whose parent is not listed shows at the top level rather than vanishing.
        let parent = m.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(m);
    }
    let mut open = None;
    let current = state.current.as_ref().map(|c| c.message.id);
    fn rows(
        ui: &mut egui::Ui,
        children: &HashMap<Option<Id>, Vec<&Message>>,
        parent: Option<Id>,
        depth: usize,
        current: Option<Id>,
        posters: &HashMap<Id, egui::TextureHandle>,
        open: &mut Option<Message>,
    ) {
        let Some(list) = children.get(&parent) else {
            return;
        };
        for m in list {
            ui.horizontal_wrapped(|ui| {
                ui.add_space(depth as f32 * 24.0);
                if depth > 0 {
                    ui.label("»");
                }
                let when = m
                    .duration_ms
                    .map(|d| format!(" ({})", clock(d)))
                    .unwrap_or_default();
                match m.kind {
                    MessageKind::Video => {
                        if let Some(tex) = posters.get(&m.id) {
                            ui.add(
                                egui::Image::new(tex)
                                    .fit_to_exact_size(egui::vec2(96.0, 54.0))
                                    .corner_radius(3.0),
                            );
                        }
                        let label = format!("▶ {}{when}", m.title);
                        if ui
                            .add(egui::Button::selectable(current == Some(m.id), label))
                            .on_hover_text("Open this video")
                            .clicked()
                        {
                            *open = Some((*m).clone());
                        }
                    }
                    MessageKind::Text => {
                        ui.label(egui::RichText::new(
                            m.body.clone().unwrap_or_else(|| m.title.clone()),
                        ));
                    }
                }
                ui.label(egui::RichText::new(format!("— {}", m.author)).weak());
                if let Some((s, bad)) = status_text(m) {
                    let color = if bad {
                        ui.visuals().error_fg_color
                    } else {
                        ui.visuals().warn_fg_color
                    };
                    ui.colored_label(color, s);
                }
            });
            rows(ui, children, Some(m.id), depth + 1, current, posters, open);
        }
    }
    rows(
        ui,
        &children,
        None,
        0,
        current,
        &state.posters.textures,
        &mut open,
    );
    if state.messages.is_empty() {
        ui.label(egui::RichText::new("No messages yet.").weak());
    }
    if let Some(m) = open {
        actions.push(Action::OpenMessage(m));
    }
    ui.separator();
    let replying_to = state
        .current
        .as_ref()
        .filter(|c| c.message.thread_id == thread_id)
        .map(|c| c.message.title.clone());
    if let Some(t) = &replying_to {
        ui.label(egui::RichText::new(format!("Replying to \"{t}\"")).weak());
    }
    ui.horizontal(|ui| {
        let l = ui.label("Reply");
        let mut reply = state.reply_text.clone();
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut reply)
                    .hint_text("Write a reply")
                    .desired_width(320.0),
            )
            .labelled_by(l.id);
        if r.changed() {
            actions.push(Action::EditReply(reply));
        }
        let enter = submitted(ui, &r);
        if ui.button("Send").clicked() || enter {
            actions.push(Action::SendReply);
        }
        if ui.button("Record video reply").clicked() {
            actions.push(Action::RecordVideoReply);
        }
    });
}
