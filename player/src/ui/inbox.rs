//! The left column: "New video" and "Invite a teammate", search over every transcript, the
//! spaces and direct threads (`spaces`), and the threads of the chosen space (or all) with
//! unread counts.

use eframe::egui;

use vidmsg_desktop::clock;
use vidmsg_desktop::widgets::submitted;

use crate::app::inbox::InboxAction;
use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if ui
            .button("New video")
            .on_hover_text("Record a video to this space or these people")
            .clicked()
        {
            actions.push(Action::Inbox(InboxAction::NewVideo));
        }
        let invite = ui
            .add_enabled(
                !state.inbox.inviting,
                egui::Button::new("Invite a teammate"),
            )
            .on_hover_text("Copy a single-use invite link (into the space shown)");
        if invite.clicked() {
            actions.push(Action::Inbox(InboxAction::Invite));
        }
    });
    search(ui, state, actions);
    egui::ScrollArea::vertical()
        .id_salt("sidebar")
        .show(ui, |ui| {
            super::spaces::show(ui, state, actions);
            ui.separator();
            threads(ui, state, actions);
        });
}

/// The search box and its hits.
fn search(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let l = ui.label("Search");
        let mut query = state.search_query.clone();
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut query)
                    .hint_text("words said in any video")
                    .desired_width(180.0),
            )
            .labelled_by(l.id);
        if r.changed() {
            actions.push(Action::EditSearch(query));
        }
        let go = ui.button("Go").clicked();
        if go || submitted(ui, &r) {
            actions.push(Action::Search);
        }
    });
    if let Some(hits) = &state.search_hits {
        ui.horizontal(|ui| {
            ui.label(format!("{} results", hits.len()));
            if ui.small_button("Clear").clicked() {
                actions.push(Action::ClearSearch);
            }
        });
        egui::ScrollArea::vertical()
            .id_salt("hits")
            .max_height(260.0)
            .show(ui, |ui| {
                for h in hits {
                    let snippet = h.snippet.replace("<mark>", "[").replace("</mark>", "]");
                    let text = format!(
                        "{} › {} at {}\n{}",
                        h.thread_title,
                        h.title,
                        clock(h.start_ms),
                        snippet
                    );
                    if ui
                        .add(egui::Button::selectable(false, text).wrap())
                        .on_hover_text("Play from here")
                        .clicked()
                    {
                        actions.push(Action::OpenHit(h.clone()));
                    }
                }
            });
        ui.separator();
    }
}

/// The threads of the chosen space (with "Leave"), or all of them.
fn threads(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    match state.space_filter_space() {
        Some(space) => {
            ui.horizontal(|ui| {
                ui.heading(format!("Threads in #{}", space.name));
                if ui.small_button(format!("Leave #{}", space.name)).clicked() {
                    actions.push(Action::Inbox(InboxAction::Leave(space.id)));
                }
            });
        }
        None => {
            ui.heading("Threads");
        }
    }
    if let Some(e) = &state.threads_error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Could not load threads: {e}"),
        );
    }
    let listed = state.listed_threads();
    for t in &listed {
        let label = if t.unread_count > 0 {
            format!("{} ({} new)", t.title, t.unread_count)
        } else {
            t.title.clone()
        };
        let text = if t.unread_count > 0 {
            egui::RichText::new(label).strong()
        } else {
            egui::RichText::new(label)
        };
        if ui
            .add(egui::Button::selectable(
                state.selected_thread == Some(t.id),
                text,
            ))
            .clicked()
        {
            actions.push(Action::SelectThread(t.id));
        }
    }
    if listed.is_empty() {
        ui.label(egui::RichText::new("No threads yet.").weak());
    }
}
