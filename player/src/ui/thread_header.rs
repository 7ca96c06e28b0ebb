//! The thread header under its title: who is in it, each with their local time and quiet hours
//! ("ana · 18:40, quiet hours"); for a space thread "#eng · N members", for a direct thread
//! "Add person" and a remove button (×) beside each person for those allowed.

use eframe::egui;
use vidmsg_api::{Thread, ThreadVisibility};

use crate::app::inbox::InboxAction;
use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, thread: &Thread, actions: &mut Vec<Action>) {
    let manage = state.may_manage_people(thread);
    let me = state.signed_in_as.as_deref();
    ui.horizontal_wrapped(|ui| {
        match (thread.visibility, &thread.space) {
            (ThreadVisibility::Space, Some(space)) => {
                ui.label(
                    egui::RichText::new(format!(
                        "#{space} · {}",
                        super::spaces::members(thread.members.len() as i64)
                    ))
                    .strong(),
                );
            }
            _ => {
                ui.label(egui::RichText::new("With").strong());
            }
        }
        for name in &thread.members {
            ui.label(state.member_label(name));
            if manage && Some(name.as_str()) != me {
                let r = ui
                    .small_button("×")
                    .on_hover_text(format!("Remove {name} from this thread"));
                // Named for assistive technology (and tests): "Remove ana".
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Remove {name}"))
                });
                if r.clicked() {
                    actions.push(Action::Inbox(InboxAction::RemovePerson {
                        thread: thread.id,
                        name: name.clone(),
                    }));
                }
            }
            ui.add_space(8.0);
        }
        if manage {
            add_person(ui, state, thread, actions);
        }
        super::share::button(ui, state, thread, actions);
    });
}

/// "Add person": a menu of the workspace's people who are not in the thread.
fn add_person(ui: &mut egui::Ui, state: &State, thread: &Thread, actions: &mut Vec<Action>) {
    ui.menu_button("Add person", |ui| {
        let people = state.people_to_add(thread);
        if people.is_empty() {
            ui.label(egui::RichText::new("Everyone is here.").weak());
        }
        for p in people {
            if ui.button(state.member_label(&p.name)).clicked() {
                actions.push(Action::Inbox(InboxAction::AddPerson {
                    thread: thread.id,
                    name: p.name.clone(),
                }));
                ui.close();
            }
        }
    });
}
