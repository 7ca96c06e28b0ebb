//! The first-run form both apps open with, three ways in: **sign in** with a name and password
//! (server URL, name, password), **join with an invite link** (the server URL comes from the
//! link; then a new name and password), or paste an **API token** (server URL and token, for
//! scripts). [`show`] draws a read-only [`SignInForm`] and returns what the user did as a
//! [`SignInAction`]; the app applies it (keeps the draft, starts the request off the UI thread,
//! saves only the token it gets back). The password lives in the draft only until it is sent and
//! is never printed ([`SignInDraft`]'s `Debug` hides it).

use crate::widgets::{labelled_field, submitted};

/// Which way in the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignInMode {
    /// Server URL, name and password (`POST /api/sessions`).
    #[default]
    Password,
    /// An invite link, then a new name and password (`POST /api/join`).
    Invite,
    /// Server URL and an API token (checked with `GET /api/me`).
    Token,
}

impl SignInMode {
    /// The tab's label (distinct from every field and button label, so tests can click it).
    pub fn label(self) -> &'static str {
        match self {
            SignInMode::Password => "Sign in with a name",
            SignInMode::Invite => "Join with an invite",
            SignInMode::Token => "Use an API token",
        }
    }
}

/// What is typed into the form. Only `server` and the token the server gives back are saved.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SignInDraft {
    pub mode: SignInMode,
    pub server: String,
    pub token: String,
    pub name: String,
    pub password: String,
    /// The pasted invite link (`https://host/join/CODE`).
    pub invite: String,
}

impl std::fmt::Debug for SignInDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInDraft")
            .field("mode", &self.mode)
            .field("server", &self.server)
            .field("token", &redacted(&self.token))
            .field("name", &self.name)
            .field("password", &redacted(&self.password))
            .field("invite", &redacted(&self.invite))
            .finish()
    }
}

fn redacted(s: &str) -> &'static str {
    if s.is_empty() { "" } else { "<redacted>" }
}

pub use vidmsg_api::session::SignIn as SignInRequest;

/// How a refusal of `request` reads: the server's own message (wrong name or password, an invite
/// that is no longer valid, a taken name), or why it could not be reached.
pub fn refusal(request: &SignInRequest, e: &vidmsg_api::ClientError) -> String {
    let what = match request {
        SignInRequest::Join { .. } => "Could not join",
        _ => "Could not sign in",
    };
    match e {
        vidmsg_api::ClientError::Api { body, .. } => format!("{what}: {}", body.message),
        other => format!("{what}: {other}"),
    }
}

impl SignInDraft {
    /// A draft for saved settings: token mode when a token is already saved (it was pasted, or
    /// the server refused it), else sign-in with a name and password.
    pub fn from_saved(server: &str, token: &str) -> Self {
        Self {
            mode: if token.trim().is_empty() {
                SignInMode::Password
            } else {
                SignInMode::Token
            },
            server: server.to_string(),
            token: token.to_string(),
            ..Self::default()
        }
    }

    /// The request this draft makes, when every field its mode needs is filled.
    pub fn request(&self) -> Option<SignInRequest> {
        let server = self.server.trim().trim_end_matches('/').to_string();
        let name = self.name.trim().to_string();
        let filled = |s: &str| !s.trim().is_empty();
        match self.mode {
            SignInMode::Password => (filled(&server) && filled(&name) && !self.password.is_empty())
                .then(|| SignInRequest::Password {
                    server,
                    name,
                    password: self.password.clone(),
                }),
            SignInMode::Invite => {
                let (server, code) = invite_link(&self.invite)?;
                (filled(&name) && !self.password.is_empty()).then(|| SignInRequest::Join {
                    server,
                    code,
                    name,
                    password: self.password.clone(),
                })
            }
            SignInMode::Token => {
                (filled(&server) && filled(&self.token)).then(|| SignInRequest::Token {
                    server,
                    token: self.token.trim().to_string(),
                })
            }
        }
    }

    /// Forgets the password (once it was sent, or when signing out).
    pub fn forget_secrets(&mut self) {
        self.password.clear();
        self.invite.clear();
    }
}

/// Splits an invite link `http(s)://host[/prefix]/join/CODE` into the server's URL and the code;
/// `None` for anything else (a bare code carries no server).
pub fn invite_link(input: &str) -> Option<(String, String)> {
    let input = input.trim().trim_end_matches('/');
    let (server, code) = input.rsplit_once("/join/")?;
    let scheme_ok = server.starts_with("http://") || server.starts_with("https://");
    let host_ok = server.split_once("://").is_some_and(|(_, h)| !h.is_empty());
    (scheme_ok && host_ok && !code.is_empty() && !code.contains('/'))
        .then(|| (server.to_string(), code.to_string()))
}

/// What the form shows, borrowed from the app's state for one frame.
#[derive(Debug, Clone, Copy)]
pub struct SignInForm<'a> {
    /// The app's name in "Connect the {app} to your vidmsg server."
    pub app: &'a str,
    pub draft: &'a SignInDraft,
    /// A request is under way: the button is disabled and a spinner shows.
    pub busy: bool,
    /// Why the last attempt failed, drawn under the button.
    pub error: Option<&'a str>,
}

/// What the user did in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInAction {
    /// Typed into a field or switched tabs: the new draft.
    Edit(SignInDraft),
    /// Asked to go in with this draft (as of this frame); `request` is what to send.
    Submit {
        draft: SignInDraft,
        request: SignInRequest,
    },
}

/// Draws the form. Tabs: "Sign in with a name", "Join with an invite", "Use an API token";
/// fields "Server URL", "Name", "Password", "Invite link", "API token"; buttons "Sign in" (or
/// "Join").
pub fn show(ui: &mut egui::Ui, form: &SignInForm<'_>) -> Option<SignInAction> {
    ui.heading("Welcome to vidmsg");
    ui.label(format!("Connect the {} to your vidmsg server.", form.app));
    ui.add_space(8.0);
    let mut d = form.draft.clone();
    ui.horizontal(|ui| {
        for mode in [SignInMode::Password, SignInMode::Invite, SignInMode::Token] {
            if ui.selectable_label(d.mode == mode, mode.label()).clicked() {
                d.mode = mode;
            }
        }
    });
    ui.add_space(8.0);
    let last = match d.mode {
        SignInMode::Password => {
            labelled_field(ui, "Server URL", &mut d.server, false);
            labelled_field(ui, "Name", &mut d.name, false);
            labelled_field(ui, "Password", &mut d.password, true)
        }
        SignInMode::Invite => {
            labelled_field(ui, "Invite link", &mut d.invite, false);
            ui.label(
                egui::RichText::new("Paste the whole link you were sent (…/join/CODE).").weak(),
            );
            if !d.invite.trim().is_empty() && invite_link(&d.invite).is_none() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "That is not an invite link: it ends with /join/ and a code.",
                );
            }
            labelled_field(ui, "Name", &mut d.name, false);
            labelled_field(ui, "Password", &mut d.password, true)
        }
        SignInMode::Token => {
            labelled_field(ui, "Server URL", &mut d.server, false);
            let token = labelled_field(ui, "API token", &mut d.token, true);
            ui.label(
                egui::RichText::new(
                    "Ask your admin for a token: vidmsg-server token add YOUR_NAME",
                )
                .weak(),
            );
            token
        }
    };
    ui.add_space(8.0);
    let request = if form.busy { None } else { d.request() };
    let enter = submitted(ui, &last);
    let button = if d.mode == SignInMode::Invite {
        "Join"
    } else {
        "Sign in"
    };
    let mut submit = false;
    ui.horizontal(|ui| {
        submit = ui
            .add_enabled(request.is_some(), egui::Button::new(button))
            .clicked()
            || (enter && request.is_some());
        if form.busy {
            ui.spinner();
            ui.label("Checking…");
        }
    });
    if let Some(e) = form.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    match request {
        Some(request) if submit => Some(SignInAction::Submit { draft: d, request }),
        _ if d != *form.draft => Some(SignInAction::Edit(d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_links_give_the_server_and_the_code() {
        assert_eq!(
            invite_link(" http://127.0.0.1:8080/join/abc_DEF-1/ "),
            Some(("http://127.0.0.1:8080".into(), "abc_DEF-1".into()))
        );
        assert_eq!(
            invite_link("https://example.com/vidmsg/join/xyz"),
            Some(("https://example.com/vidmsg".into(), "xyz".into()))
        );
        assert_eq!(invite_link("abc_DEF-1"), None, "a bare code has no server");
        assert_eq!(invite_link("http://host/join/"), None);
        assert_eq!(invite_link("ftp://host/join/x"), None);
    }

    #[test]
    fn each_mode_needs_its_fields_and_hides_the_password() {
        let mut d = SignInDraft {
            server: "http://h/".into(),
            name: " ana ".into(),
            password: "secret pw".into(),
            ..SignInDraft::default()
        };
        assert_eq!(
            d.request(),
            Some(SignInRequest::Password {
                server: "http://h".into(),
                name: "ana".into(),
                password: "secret pw".into()
            })
        );
        d.mode = SignInMode::Token;
        assert_eq!(d.request(), None, "no token yet");
        d.mode = SignInMode::Invite;
        assert_eq!(d.request(), None, "no link yet");
        d.invite = "http://other:1/join/C0DE".into();
        assert_eq!(
            d.request().map(|r| r.server().to_string()),
            Some("http://other:1".into()),
            "the server comes from the link"
        );
        let shown = format!("{d:?} {:?}", d.request());
        assert!(
            !shown.contains("secret pw") && !shown.contains("C0DE"),
            "{shown}"
        );
    }
}
