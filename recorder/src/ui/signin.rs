//! First run: a name and password, an invite link, or the server's address and an API token
//! (from `vidmsg-server token add NAME`, for scripts). The form is the shared one
//! ([`vidmsg_desktop::signin`]); this maps what it returns to the recorder's actions: the server
//! URL and token are the settings draft's, the rest the sign-in draft's.

use eframe::egui;
use vidmsg_desktop::{SignInAction, SignInDraft, SignInForm};

use crate::app::action::Action;
use crate::app::state::State;

pub fn show(state: &State, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let shown = SignInDraft {
        server: state.draft.server.clone(),
        token: state.draft.token.clone(),
        ..state.signin.clone()
    };
    let form = SignInForm {
        app: "recorder",
        draft: &shown,
        busy: state.signing_in,
        // A refusal shows in the notice bar.
        error: None,
    };
    let (new, submit) = match vidmsg_desktop::signin::show(ui, &form) {
        None => return,
        Some(SignInAction::Edit(draft)) => (draft, false),
        Some(SignInAction::Submit { draft, .. }) => (draft, true),
    };
    if new.server != state.draft.server || new.token != state.draft.token {
        let mut draft = state.draft.clone();
        draft.server = new.server.clone();
        draft.token = new.token.clone();
        actions.push(Action::EditDraft(Box::new(draft)));
    }
    let rest = SignInDraft {
        server: String::new(),
        token: String::new(),
        ..new
    };
    let kept = SignInDraft {
        server: String::new(),
        token: String::new(),
        ..state.signin.clone()
    };
    if rest != kept {
        actions.push(Action::EditSignIn(Box::new(rest)));
    }
    if submit {
        actions.push(Action::SignIn);
    }
}
