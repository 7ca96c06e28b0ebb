//! The notifications badge in the header (the unseen count) and the list it opens: recent
//! notifications, urgent ones marked with who marked them, unseen ones bold; choosing one opens
//! its message.

use eframe::egui;
use vidmsg_api::Notification;

use crate::app::notifications::NotificationAction;
use crate::app::{Action, State};

/// The most notifications the list shows.
const SHOWN: usize = 30;

/// The badge: "🔔" alone, or with the unseen count ("🔔 2").
pub fn badge(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let unseen = state.notifications.unseen;
    let text = if unseen > 0 {
        egui::RichText::new(format!("🔔 {unseen}")).strong()
    } else {
        egui::RichText::new("🔔")
    };
    let hover = match unseen {
        0 => "Notifications".to_string(),
        1 => "1 unseen notification".to_string(),
        n => format!("{n} unseen notifications"),
    };
    if ui
        .add(egui::Button::selectable(state.notifications.open, text))
        .on_hover_text(hover)
        .clicked()
    {
        actions.push(Action::Notifications(NotificationAction::Toggle));
    }
}

/// The list, while it is open.
pub fn window(ctx: &egui::Context, state: &State, actions: &mut Vec<Action>) {
    let c = &state.notifications;
    if !c.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Notifications")
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(380.0)
        .anchor(egui::Align2::RIGHT_TOP, [-8.0, 40.0])
        .show(ctx, |ui| {
            if let Some(e) = &c.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            let held = c.held();
            if held > 0 {
                ui.label(
                    egui::RichText::new(format!("{held} waiting for the end of your quiet hours"))
                        .weak(),
                );
            }
            if let Some(e) = &c.desktop_error {
                ui.label(egui::RichText::new(format!("Desktop notifications off: {e}")).weak())
                    .on_hover_text("No notification daemon answered on the session bus.");
            }
            let mut any = false;
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for n in c.delivered().take(SHOWN) {
                        any = true;
                        if ui
                            .add(egui::Button::selectable(false, row(n)).wrap())
                            .on_hover_text("Open the message")
                            .clicked()
                        {
                            actions
                                .push(Action::Notifications(NotificationAction::Open(n.clone())));
                        }
                    }
                });
            if !any {
                ui.label(egui::RichText::new("Nothing new.").weak());
            }
            if c.unseen > 0 && ui.button("Mark all seen").clicked() {
                actions.push(Action::Notifications(NotificationAction::MarkAllSeen));
            }
        });
    if !open {
        actions.push(Action::Notifications(NotificationAction::Toggle));
    }
}

/// "Urgent — alice · Design review" over "in Product"; bold while unseen.
fn row(n: &Notification) -> egui::RichText {
    let head = if n.urgent {
        format!("Urgent — {} · {}", n.author, n.title)
    } else {
        format!("{} · {}", n.author, n.title)
    };
    let text = egui::RichText::new(format!("{head}\nin {}", n.thread_title));
    if n.seen { text } else { text.strong() }
}
