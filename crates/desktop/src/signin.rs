//! The sign-in form both apps open with: server address and API token, checked by the app
//! before they are saved. [`show`] draws a read-only [`SignInForm`] and returns what the user
//! did as a [`SignInAction`]; the app applies it (keeps the draft, starts the check).

use crate::widgets::{labelled_field, submitted};

/// What the form shows, borrowed from the app's state for one frame.
#[derive(Debug, Clone, Copy)]
pub struct SignInForm<'a> {
    /// The app's name in "Connect the {app} to your vidmsg server."
    pub app: &'a str,
    pub server: &'a str,
    pub token: &'a str,
    /// A check is under way: the button is disabled and a spinner shows.
    pub busy: bool,
    /// Why the last attempt failed, drawn under the button.
    pub error: Option<&'a str>,
}

/// What the user did in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInAction {
    /// Typed into a field: the new draft.
    Edit { server: String, token: String },
    /// Asked to sign in with these (the draft as of this frame).
    Submit { server: String, token: String },
}

impl SignInForm<'_> {
    /// Both fields are filled and no check is under way.
    pub fn ready(&self) -> bool {
        !self.server.trim().is_empty() && !self.token.trim().is_empty() && !self.busy
    }
}

/// Draws the form; labels are "Server URL", "API token" and "Sign in".
pub fn show(ui: &mut egui::Ui, form: &SignInForm<'_>) -> Option<SignInAction> {
    ui.heading("Welcome to vidmsg");
    ui.label(format!("Connect the {} to your vidmsg server.", form.app));
    ui.add_space(8.0);
    let mut server = form.server.to_string();
    let mut token = form.token.to_string();
    let edited = labelled_field(ui, "Server URL", &mut server, false).changed();
    let token_field = labelled_field(ui, "API token", &mut token, true);
    let edited = edited || token_field.changed();
    ui.label(
        egui::RichText::new("Ask your admin for a token: vidmsg-server token add YOUR_NAME").weak(),
    );
    ui.add_space(8.0);
    let now = SignInForm {
        server: &server,
        token: &token,
        ..*form
    };
    let ready = now.ready();
    let enter = submitted(ui, &token_field);
    let mut submit = false;
    ui.horizontal(|ui| {
        submit = ui
            .add_enabled(ready, egui::Button::new("Sign in"))
            .clicked()
            || (enter && ready);
        if form.busy {
            ui.spinner();
            ui.label("Checking…");
        }
    });
    if let Some(e) = form.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if submit {
        Some(SignInAction::Submit { server, token })
    } else if edited {
        Some(SignInAction::Edit { server, token })
    } else {
        None
    }
}
