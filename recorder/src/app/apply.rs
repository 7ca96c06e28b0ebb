//! [`RecorderApp::apply`]: the one place where what the UI asks for changes state (recording,
//! the forms and settings, sign-in and out, sources, recovery, the clipboard). Slow parts are
//! handed to [`background`](super::background).

use std::time::Duration;

use super::RecorderApp;
use super::action::Action;
use super::send_to::Origin;
use super::settings::Settings;
use super::state::{Phase, View};
use crate::session::{Destination, SessionSpec};
use vidmsg_desktop::{SignInDraft, SignInRequest};

impl RecorderApp {
    /// Carries out `action`.
    pub fn apply(&mut self, action: Action) {
        let state = &mut self.state;
        match action {
            Action::EditDraft(draft) => state.draft = *draft,
            Action::EditSignIn(signin) => state.signin = *signin,
            Action::SignIn => self.sign_in(),
            Action::SignOut => {
                // Revoked on the server as best it can; forgotten here whatever it answers.
                if !state.settings.token.is_empty() {
                    self.background
                        .sign_out(state.settings.server.clone(), state.settings.token.clone());
                }
                state.settings.token.clear();
                state.signin = SignInDraft::from_saved(&state.settings.server, "");
                state.draft = state.settings.clone();
                self.save_settings();
                self.state.signed_in_as = None;
                self.state.view = View::SignIn;
            }
            Action::OpenSettings => {
                state.draft = state.settings.clone();
                state.view = View::Settings;
            }
            Action::SaveSettings => self.save_draft(),
            Action::CancelSettings => {
                state.draft = state.settings.clone();
                state.view = View::Main;
            }
            Action::DismissNotice => state.notice = None,
            Action::SetTitle(title) => state.title = title,
            Action::FilterSendTo(filter) => state.send_to.filter = filter,
            Action::SendTo(choice) => {
                state.send_to.choice = choice;
                state.send_to.origin = Origin::Picked;
            }
            Action::TogglePerson(name) => {
                state.send_to.toggle_person(&name);
                state.send_to.origin = Origin::Picked;
            }
            Action::SetUrgent(on) => state.send_to.urgent = on,
            Action::PickScreen(screen) => self.pick(|s| s.screen = screen),
            Action::PickCamera(camera) => self.pick(|s| s.camera = camera),
            Action::PickMic(mic) => self.pick(|s| s.mic = mic),
            Action::SetSystemAudio(on) => self.pick(|s| s.system_audio = on),
            Action::RefreshDevices => {
                state.sources.looking = true;
                self.background.list_sources(false);
            }
            Action::StartRecording => self.start_recording(),
            Action::TogglePause => {
                if let (Phase::Recording(r), Some(running)) = (&state.phase, &self.running)
                    && !r.finishing
                {
                    running.toggle_pause();
                }
            }
            Action::StopRecording => self.stop_recording(),
            Action::CloseRequested => {
                if state.is_recording() {
                    // Closing mid-recording stops it properly: the tail is uploaded and the link
                    // made.
                    self.ctx
                        .send_viewport_cmd(eframe::egui::ViewportCommand::CancelClose);
                    self.stop_recording();
                    self.state.close_when_done = true;
                }
            }
            Action::NewRecording => {
                state.phase = Phase::Idle;
                state.sending_to = None;
                state.sending_urgent = false;
                state.title.clear();
            }
            Action::DismissFailure => state.phase = Phase::Idle,
            Action::CopyLink(url) => self.ctx.copy_text(url),
            Action::Recover(folder) => {
                let Ok(upload) = crate::upload::UploadState::load(&folder.join("upload.json"))
                else {
                    return;
                };
                state.recovering = true;
                self.background.recover(
                    folder,
                    upload,
                    state.settings.token.clone(),
                    state.settings.recordings_dir(),
                );
            }
        }
    }

    /// Checks the server and token in the draft; on success they are saved.
    fn sign_in(&mut self) {
        let draft = &self.state.draft;
        let form = SignInDraft {
            server: draft.server.clone(),
            token: draft.token.clone(),
            ..self.state.signin.clone()
        };
        match form.request() {
            Some(SignInRequest::Token { server, token }) => self.background.sign_in(server, token),
            Some(request) => self.background.open_session(request),
            None => {
                self.state.notice = Some("Fill in every field first".into());
                return;
            }
        }
        self.state.signing_in = true;
        self.state.notice = None;
    }

    pub(super) fn save_settings(&mut self) {
        if let Err(e) = self.state.settings.save(&self.settings_path) {
            self.state.notice = Some(format!("Could not save settings: {e:#}"));
        }
    }

    /// Applies the settings form.
    fn save_draft(&mut self) {
        let state = &mut self.state;
        state.draft.server = state.draft.server.trim().trim_end_matches('/').to_string();
        if let Err(e) = state.draft.capture_spec() {
            state.notice = Some(format!("Screen: {e}"));
            return;
        }
        state.settings = state.draft.clone();
        self.save_settings();
        self.background
            .list_recent(self.state.settings.recordings_dir());
        self.state.view = View::Main;
    }

    /// Changes a source on the main view; a change is saved at once.
    fn pick(&mut self, change: impl FnOnce(&mut Settings)) {
        let before = self.state.settings.clone();
        change(&mut self.state.settings);
        if self.state.settings != before {
            self.state.draft = self.state.settings.clone();
            self.save_settings();
        }
    }

    /// Starts recording with the current settings.
    fn start_recording(&mut self) {
        let state = &mut self.state;
        let capture = match state.settings.capture_spec() {
            Ok(c) => c,
            Err(e) => {
                state.phase = Phase::Failed(format!("Screen: {e}"));
                return;
            }
        };
        // The preview holds the camera and the screen: let the recording have them.
        self.preview.stop();
        let title = if state.title.trim().is_empty() {
            default_title()
        } else {
            state.title.trim().to_string()
        };
        let spec = SessionSpec {
            server: state.settings.server.clone(),
            token: state.settings.token.clone(),
            title,
            destination: match (state.reply_to, &state.send_to.choice) {
                (Some(m), _) => Destination::ReplyTo(m),
                (None, Some(to)) => Destination::To(to.clone()),
                (None, None) => Destination::NewThread,
            },
            max_duration: Some(Duration::from_secs(state.max_recording_secs())),
            capture,
            recordings_dir: state.settings.recordings_dir(),
            countdown: state.settings.countdown.min(10),
            urgent: state.send_to.urgent,
        };
        // Urgent is for this recording only.
        state.sending_urgent = std::mem::take(&mut state.send_to.urgent);
        if state.reply_to.is_none() {
            // The choice used becomes the default and goes first among the recent ones.
            let choice = state.send_to.choice.clone();
            state.sending_to = choice.as_ref().map(|r| r.display());
            if let Some(r) = &choice {
                super::send_to::remember(&mut state.settings.recent_send_to, r);
            }
            if state.settings.send_to != choice {
                state.settings.send_to = choice;
            }
            state.draft = state.settings.clone();
            self.save_settings();
        }
        self.running = Some(self.background.record(spec));
        self.state.phase = Phase::Recording(Box::default());
    }

    fn stop_recording(&mut self) {
        if let (Phase::Recording(r), Some(running)) = (&mut self.state.phase, &mut self.running) {
            running.stop();
            r.finishing = true;
        }
    }
}

/// `Recording YYYY-MM-DD HH:MM` (UTC).
fn default_title() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("Recording {}", vidmsg_desktop::format::date_time(secs))
}
