//! "Share by link": the open thread's link — on (its URL to copy, password, expiry) or off — and,
//! for those allowed, turning it on (with an optional password and expiry; each time a new URL)
//! or off (every copy stops working at once).

use eframe::egui;
use vidmsg_api::Thread;
use vidmsg_desktop::widgets::labelled_field;

use crate::app::sharing::ShareAction;
use crate::app::{Action, State};

/// The thread header's button.
pub fn button(ui: &mut egui::Ui, state: &State, thread: &Thread, actions: &mut Vec<Action>) {
    let open = state.share.thread == Some(thread.id);
    if ui
        .add(egui::Button::selectable(open, "Share by link"))
        .on_hover_text("Anyone with the link may watch and read this thread, without an account")
        .clicked()
    {
        actions.push(Action::Share(ShareAction::Open(
            (!open).then_some(thread.id),
        )));
    }
}

/// The window, while it is open.
pub fn window(ctx: &egui::Context, state: &State, actions: &mut Vec<Action>) {
    let s = &state.share;
    let Some(thread_id) = s.thread else { return };
    let thread = state.threads.iter().find(|t| t.id == thread_id);
    let manage = thread.is_some_and(|t| state.may_manage_people(t));
    let mut open = true;
    egui::Window::new("Share by link")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            if let Some(t) = thread {
                ui.label(egui::RichText::new(&t.title).strong());
            }
            match &s.link {
                None if s.busy => {
                    ui.label(egui::RichText::new("Loading…").weak());
                }
                Some(link) if link.enabled => {
                    let state_text = match (link.expired, link.has_password) {
                        (true, _) => "The link has expired.".to_string(),
                        (false, true) => "On, with a password.".to_string(),
                        (false, false) => "On: anyone with the link may watch.".to_string(),
                    };
                    ui.label(state_text);
                    if let Some(at) = link.expires_at {
                        let until = vidmsg_desktop::format::date_time(
                            u64::try_from(at / 1000).unwrap_or(0),
                        );
                        ui.label(egui::RichText::new(format!("Until {until} UTC")).weak());
                    }
                    if let Some(url) = &link.url {
                        ui.horizontal(|ui| {
                            ui.monospace(url);
                            if ui.button("Copy link").clicked() {
                                actions.push(Action::Share(ShareAction::Copy));
                            }
                        });
                    } else {
                        ui.label(egui::RichText::new("The thread has no message yet.").weak());
                    }
                    if manage && ui.button("Turn off").clicked() {
                        actions.push(Action::Share(ShareAction::Disable));
                    }
                }
                _ => {
                    ui.label("Off: only the people in this thread can watch it.");
                }
            }
            if manage {
                ui.separator();
                let mut password = s.password.clone();
                if labelled_field(ui, "Password (optional)", &mut password, true).changed() {
                    actions.push(Action::Share(ShareAction::EditPassword(password)));
                }
                let mut days = s.days.clone();
                if labelled_field(ui, "Expires after (days, optional)", &mut days, false).changed()
                {
                    actions.push(Action::Share(ShareAction::EditDays(days)));
                }
                let on = s.link.as_ref().is_some_and(|l| l.enabled);
                let label = if on { "Make a new link" } else { "Turn on" };
                if ui
                    .add_enabled(!s.busy, egui::Button::new(label))
                    .on_hover_text("Links shared before stop working when a new one is made")
                    .clicked()
                {
                    actions.push(Action::Share(ShareAction::Enable));
                }
            } else {
                ui.label(
                    egui::RichText::new("Only the thread's creator or an admin may change it.")
                        .weak(),
                );
            }
            if let Some(e) = &s.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
        });
    if !open {
        actions.push(Action::Share(ShareAction::Open(None)));
    }
}
