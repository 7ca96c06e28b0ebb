//! The sidebar's spaces: "All", the joined spaces with their unread counts (choosing one shows
//! its threads), "Browse spaces" (public spaces not joined, each with a Join button), and the
//! direct threads, labelled by the other people's names.

use eframe::egui;

use crate::app::inbox::InboxAction;
use crate::app::{Action, State};

/// "#eng", or "#eng (3 new)" in bold while some of its threads are unread.
fn with_unread(label: String, unread: i64) -> egui::RichText {
    if unread > 0 {
        egui::RichText::new(format!("{label} ({unread} new)")).strong()
    } else {
        egui::RichText::new(label)
    }
}

/// "1 member", "3 members".
pub fn members(n: i64) -> String {
    if n == 1 {
        "1 member".into()
    } else {
        format!("{n} members")
    }
}

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let inbox = &state.inbox;
    ui.horizontal(|ui| {
        ui.heading("Spaces");
        if inbox.spaces_loading {
            ui.spinner();
        }
    });
    if let Some(e) = &inbox.spaces_error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Could not load spaces: {e}"),
        );
    }
    if ui
        .add(egui::Button::selectable(
            inbox.space_filter.is_none(),
            "All",
        ))
        .on_hover_text("Every thread you can see")
        .clicked()
    {
        actions.push(Action::Inbox(InboxAction::ShowSpace(None)));
    }
    for s in state.joined_spaces() {
        let text = with_unread(format!("#{}", s.name), state.space_unread(s.id));
        if ui
            .add(egui::Button::selectable(
                inbox.space_filter == Some(s.id),
                text,
            ))
            .on_hover_text(members(s.member_count))
            .clicked()
        {
            actions.push(Action::Inbox(InboxAction::ShowSpace(Some(s.id))));
        }
    }
    if ui
        .add(egui::Button::selectable(inbox.browsing, "Browse spaces"))
        .clicked()
    {
        actions.push(Action::Inbox(InboxAction::ToggleBrowse));
    }
    if inbox.browsing {
        browse(ui, state, actions);
    }
    ui.separator();
    direct(ui, state, actions);
}

/// Public spaces the user has not joined, each with "Join #name".
fn browse(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let spaces = state.spaces_to_browse();
    ui.indent("browse", |ui| {
        if spaces.is_empty() {
            ui.label(egui::RichText::new("No other public spaces.").weak());
        }
        for s in spaces {
            ui.horizontal(|ui| {
                ui.label(format!("#{} · {}", s.name, members(s.member_count)));
                if ui.small_button(format!("Join #{}", s.name)).clicked() {
                    actions.push(Action::Inbox(InboxAction::Join(s.id)));
                }
            });
        }
    });
}

/// Threads posted to people, labelled "ana, bo: Title".
fn direct(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    ui.heading("Direct");
    let threads = state.direct_threads();
    if threads.is_empty() {
        ui.label(egui::RichText::new("No direct threads.").weak());
    }
    for t in threads {
        let text = with_unread(state.direct_label(t), t.unread_count);
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
}
