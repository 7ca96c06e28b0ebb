//! First run: the server's address and an API token (from `vidmsg-server user add NAME` or
//! `token add NAME`), checked against the server before they are saved. The form is the shared
//! one ([`vidmsg_desktop::signin`]); this maps what it returns to the recorder's actions.

use eframe::egui;
use vidmsg_desktop::{SignInAction, SignInForm};

use crate::app::action::Action;
use crate::app::state::State;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let form = SignInForm {
        app: "recorder",
        server: &state.draft.server,
        token: &state.draft.token,
        busy: state.signing_in,
        // A refusal shows in the notice bar.
        error: None,
    };
    let (server, token, submit) = match vidmsg_desktop::signin::show(ui, &form) {
        None => return,
        Some(SignInAction::Edit { server, token }) => (server, token, false),
        Some(SignInAction::Submit { server, token }) => (server, token, true),
    };
    if server != state.draft.server || token != state.draft.token {
        let mut draft = state.draft.clone();
        draft.server = server;
        draft.token = token;
        actions.push(Action::EditDraft(Box::new(draft)));
    }
    if submit {
        actions.push(Action::SignIn);
    }
}
