//! Applying what background work answered since the last frame: a sign-in checked, a recovery
//! done, lists of recordings and sources, the spaces and people (checking "Send to" against
//! them), a recording's events and its end (the link goes to the clipboard). Then the preview
//! is kept in step with the view.

use super::RecorderApp;
use super::background::Answer;
use super::runner::Update;
use super::send_to::Origin;
use super::state::{Phase, View};

impl RecorderApp {
    /// Applies what background work reported since the last frame.
    pub fn poll(&mut self) {
        let answers: Vec<Answer> = self.background.answers().collect();
        for answer in answers {
            self.on_answer(answer);
        }
        self.poll_recording();
        self.preview.keep(&self.ctx, &mut self.state);
    }

    fn on_answer(&mut self, answer: Answer) {
        let state = &mut self.state;
        match answer {
            Answer::SignedIn {
                server,
                token,
                result,
            } => {
                state.signing_in = false;
                match result {
                    Ok((name, max_secs)) => {
                        state.server_max_secs = Some(max_secs);
                        state.settings.server = server;
                        state.settings.token = token;
                        state.draft = state.settings.clone();
                        state.signin.forget_secrets();
                        self.save_settings();
                        self.state.send_to.loading = true;
                        self.background.list_recipients(
                            self.state.settings.server.clone(),
                            self.state.settings.token.clone(),
                        );
                        self.state.signed_in_as = Some(name);
                        self.state.view = View::Main;
                    }
                    Err(e) => state.notice = Some(format!("Could not sign in: {e}")),
                }
            }
            Answer::Session { request, result } => match result {
                Ok(created) => {
                    // The new token is checked (and the server's limits read) like a pasted one.
                    let server = request.server().to_string();
                    state.draft.server = server.clone();
                    state.draft.token = created.token.clone();
                    state.signin.forget_secrets();
                    self.background.sign_in(server, created.token);
                }
                Err(e) => {
                    state.signing_in = false;
                    state.notice = Some(vidmsg_desktop::signin::refusal(&request, &e));
                }
            },
            Answer::Recovered { result, recent } => {
                state.recovering = false;
                state.notice = Some(match result {
                    Ok(id) => format!("Recovered and uploaded message {id}"),
                    Err(e) => format!("Could not recover: {}", e.chain()),
                });
                state.recent = recent;
            }
            Answer::Recent(recent) => state.recent = recent,
            Answer::Devices(devices) => {
                state.sources.devices = devices;
                state.sources.looking = false;
            }
            Answer::Encoders(encoders) => state.sources.encoders = encoders,
            Answer::Monitors(monitors) => state.sources.monitors = monitors,
            Answer::Recipients(result) => {
                state.send_to.loading = false;
                match result {
                    Ok((spaces, people)) => self.on_recipients(spaces, people),
                    Err(e) => state.send_to.error = Some(e.to_string()),
                }
            }
        }
    }

    /// The lists arrived: the choice, the remembered default and the recent choices are checked
    /// against them; what can no longer be sent to is dropped, with a notice for the choice.
    fn on_recipients(&mut self, spaces: Vec<vidmsg_api::Space>, people: Vec<vidmsg_api::Person>) {
        let state = &mut self.state;
        let send_to = &mut state.send_to;
        send_to.spaces = spaces;
        send_to.people = people;
        send_to.error = None;
        send_to.loaded = true;
        if let Some(notice) = send_to.check_choice() {
            state.notice = Some(notice);
        }
        let settings = &mut state.settings;
        let before = (settings.send_to.clone(), settings.recent_send_to.len());
        if send_to.origin == Origin::Saved {
            settings.send_to = send_to.choice.clone();
        } else if let Some(saved) = &settings.send_to
            && send_to.unavailable(saved).is_some()
        {
            settings.send_to = None;
        }
        settings
            .recent_send_to
            .retain(|r| send_to.unavailable(r).is_none());
        if (settings.send_to.clone(), settings.recent_send_to.len()) != before {
            state.draft.send_to = settings.send_to.clone();
            state.draft.recent_send_to = settings.recent_send_to.clone();
            self.save_settings();
        }
    }

    /// Takes in the running recording's events, and its end.
    fn poll_recording(&mut self) {
        let (Phase::Recording(r), Some(running)) = (&mut self.state.phase, &self.running) else {
            return;
        };
        let mut finished = None;
        while let Ok(update) = running.updates.try_recv() {
            match update {
                Update::Event(e) => r.on_event(e),
                Update::Done { result, recent } => finished = Some((result, recent)),
            }
        }
        let Some((result, recent)) = finished else {
            return;
        };
        self.running = None;
        self.state.phase = match result {
            Ok(o) => {
                // The link goes to the clipboard, as Loom and Cap do.
                self.ctx.copy_text(o.url.clone());
                Phase::Done {
                    url: o.url,
                    message_id: o.message_id,
                    stop_to_link_s: o.stop_to_link_s,
                    duration_ms: o.duration_ms,
                    urgent: o.urgent,
                }
            }
            Err(e) => Phase::Failed(e.chain()),
        };
        self.state.recent = recent;
    }
}
