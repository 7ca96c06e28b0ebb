//! Sign-in: a name and password, an invite link, or an API token; the form itself is the shared
//! one (`vidmsg_desktop::signin`), the request runs in the background.

use eframe::egui;
use vidmsg_desktop::signin::{self, SignInForm};

use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let form = SignInForm {
        app: "player",
        draft: &state.signin,
        busy: state.signing_in,
        error: state.notice.as_deref(),
    };
    if let Some(a) = signin::show(ui, &form) {
        actions.push(Action::SignIn(a));
    }
}
