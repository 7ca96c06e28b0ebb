//! "Send to" on the main view: a search field and the matching spaces and people (recent
//! choices first), "Just me" for a thread with only the author. Clicking a space chooses it;
//! clicking people adds them to (or takes them out of) the people chosen. "Urgent" beside it
//! (also for replies) marks the next recording urgent.

use eframe::egui;

use crate::app::action::Action;
use crate::app::state::State;
use crate::recipients::Recipients;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let send_to = &state.send_to;
    ui.horizontal(|ui| {
        let l = ui.label("Send to");
        let mut filter = send_to.filter.clone();
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut filter)
                    .hint_text("Search spaces and people")
                    .desired_width(220.0),
            )
            .labelled_by(l.id);
        if edit.changed() {
            actions.push(Action::FilterSendTo(filter));
        }
        let chosen = send_to
            .choice
            .as_ref()
            .map_or_else(|| "only you".to_string(), Recipients::display);
        ui.label(egui::RichText::new(format!("To: {chosen}")).strong());
        if send_to.loading {
            ui.spinner();
        }
    });
    if let Some(e) = &send_to.error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Could not list spaces and people: {e}"),
        );
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(send_to.choice.is_none(), "Just me")
            .clicked()
        {
            actions.push(Action::SendTo(None));
        }
        let me = state.signed_in_as.as_deref();
        for r in send_to.candidates(&state.settings.recent_send_to, me) {
            if ui
                .selectable_label(send_to.is_chosen(&r), r.display())
                .clicked()
            {
                actions.push(match r {
                    Recipients::People(mut p) if p.len() == 1 => Action::TogglePerson(p.remove(0)),
                    r => Action::SendTo(Some(r)),
                });
            }
        }
    });
}

/// What "Urgent" means, on hover.
pub const URGENT_HINT: &str = "notifies at once, even during their quiet hours";

/// The "Urgent" toggle: off for every new recording.
pub fn urgent(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let mut on = state.send_to.urgent;
    if ui
        .checkbox(&mut on, "Urgent")
        .on_hover_text(URGENT_HINT)
        .changed()
    {
        actions.push(Action::SetUrgent(on));
    }
}
