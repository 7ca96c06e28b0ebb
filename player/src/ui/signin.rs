//! Sign-in: server address and API token, checked before they are saved; the form itself is
//! the shared one (`vidmsg_desktop::signin`).

use eframe::egui;
use vidmsg_desktop::signin::{self, SignInForm};

use crate::app::{Action, State};

pub fn show(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Action>) {
    let form = SignInForm {
        app: "player",
        server: &state.draft_server,
        token: &state.draft_token,
        busy: state.signing_in,
        error: state.notice.as_deref(),
    };
    if let Some(a) = signin::show(ui, &form) {
        actions.push(Action::SignIn(a));
    }
}
