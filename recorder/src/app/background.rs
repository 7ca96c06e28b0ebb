//! Work the app never does on the UI thread: signing in (a name and password or an invite give
//! a token; a token is checked), revoking the token on sign-out, recovering a recording,
//! scanning the recordings folder, listing the spaces and people to send to, listing devices, encoders and monitors, running a recording.
//! Each job runs on the app's tokio runtime and answers with a typed [`Answer`] (a recording with
//! its [`Update`](super::runner::Update)s), then asks for a repaint so the answer is applied.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use eframe::egui;
use vidmsg_api::{ClientError, Id, Person, SessionCreated, Space};
use vidmsg_desktop::{AppError, SignInRequest};
use vidmsg_media::devices::Device;

use super::recent::{self, Recent};
use super::runner::Running;
use crate::capture::monitors::Monitor;
use crate::session::SessionSpec;
use crate::upload::UploadState;

/// How many recent recordings the main view lists.
pub const RECENT: usize = 10;

/// What background work reports.
#[derive(Debug)]
pub enum Answer {
    /// The server checked these credentials: the user's name and the longest recording allowed.
    SignedIn {
        server: String,
        token: String,
        result: Result<(String, u64), AppError>,
    },
    /// An unfinished recording was recovered (its message), with the recent list after it.
    Recovered {
        result: Result<Id, AppError>,
        recent: Vec<Recent>,
    },
    /// A name and password, or an invite, were answered with a new token (or refused).
    Session {
        request: SignInRequest,
        result: Result<SessionCreated, ClientError>,
    },
    Recent(Vec<Recent>),
    Devices(Vec<Device>),
    Encoders(Vec<String>),
    Monitors(Vec<Monitor>),
    /// The spaces and people a recording may be sent to.
    Recipients(Result<(Vec<Space>, Vec<Person>), AppError>),
}

/// The app's runtime and the channel its jobs answer on.
pub struct Background {
    rt: tokio::runtime::Runtime,
    ctx: egui::Context,
    tx: mpsc::Sender<Answer>,
    rx: mpsc::Receiver<Answer>,
    /// Answers once a sign-out's revoke request is done.
    signing_out: std::sync::Mutex<Option<mpsc::Receiver<()>>>,
}

impl Drop for Background {
    /// A sign-out still revoking its token gets a moment to finish before the runtime goes.
    fn drop(&mut self) {
        let pending = self.signing_out.get_mut().ok().and_then(Option::take);
        if let Some(wait) = pending {
            let _ = wait.recv_timeout(std::time::Duration::from_secs(3));
        }
    }
}

impl Background {
    pub fn new(ctx: &egui::Context) -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (tx, rx) = mpsc::channel();
        Ok(Self {
            rt,
            ctx: ctx.clone(),
            tx,
            rx,
            signing_out: std::sync::Mutex::new(None),
        })
    }

    /// Answers that arrived since the last frame.
    pub fn answers(&self) -> mpsc::TryIter<'_, Answer> {
        self.rx.try_iter()
    }

    fn wake(&self) -> Arc<dyn Fn() + Send + Sync> {
        let ctx = self.ctx.clone();
        Arc::new(move || ctx.request_repaint())
    }

    /// Sends `answer` and asks for a repaint.
    fn answerer(&self) -> impl Fn(Answer) + Send + 'static {
        let (tx, ctx) = (self.tx.clone(), self.ctx.clone());
        move |answer| {
            // The app is gone when the channel is closed: nobody to tell.
            let _ = tx.send(answer);
            ctx.request_repaint();
        }
    }

    /// Checks `server` and `token` with `GET /api/me`.
    pub fn sign_in(&self, server: String, token: String) {
        let answer = self.answerer();
        self.rt.spawn(async move {
            let result = match vidmsg_api::Client::new(&server, Some(token.clone())) {
                Ok(c) => c
                    .me_with_limits()
                    .await
                    .map(|me| (me.user.name, me.limits.max_recording_secs))
                    .map_err(AppError::from),
                Err(e) => Err(AppError::from(e)),
            };
            answer(Answer::SignedIn {
                server,
                token,
                result,
            });
        });
    }

    /// Signs in with a name and password, or joins with an invite (no token needed).
    pub fn open_session(&self, request: SignInRequest) {
        let answer = self.answerer();
        self.rt.spawn(async move {
            let result = vidmsg_api::session::sign_in(&request).await;
            answer(Answer::Session { request, result });
        });
    }

    /// Revokes `token` on the server (`DELETE /api/sessions/current`); a failure is only logged,
    /// the app forgets the token either way.
    pub fn sign_out(&self, server: String, token: String) {
        let (done, wait) = std::sync::mpsc::channel();
        self.rt.spawn(async move {
            let result = match vidmsg_api::Client::new(&server, Some(token)) {
                Ok(c) => c.sign_out().await,
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                tracing::warn!("the server did not revoke the token on sign-out: {e}");
            }
            let _ = done.send(());
        });
        // Closing the app right after signing out still revokes the token (see Drop).
        if let Ok(mut pending) = self.signing_out.lock() {
            *pending = Some(wait);
        }
    }

    /// Lists the spaces and people for "Send to" (`GET /api/spaces`, `GET /api/users`).
    pub fn list_recipients(&self, server: String, token: String) {
        let answer = self.answerer();
        self.rt.spawn(async move {
            let result = async {
                let c = vidmsg_api::Client::new(&server, Some(token))?;
                Ok((c.list_spaces().await?, c.list_users().await?))
            }
            .await
            .map_err(|e: ClientError| AppError::from(e));
            answer(Answer::Recipients(result));
        });
    }

    /// Finishes the unfinished recording in `folder` (cut to its last whole second, upload the
    /// rest), then lists `recordings_dir` again.
    pub fn recover(
        &self,
        folder: PathBuf,
        state: UploadState,
        token: String,
        recordings_dir: PathBuf,
    ) {
        let answer = self.answerer();
        self.rt.spawn(async move {
            let result = crate::upload::recover::recover(&folder, state, &token)
                .await
                .map(|m| m.id)
                .map_err(AppError::local);
            let recent = list_recent(recordings_dir).await;
            answer(Answer::Recovered { result, recent });
        });
    }

    /// Lists the recordings in `dir`, newest first.
    pub fn list_recent(&self, dir: PathBuf) {
        let answer = self.answerer();
        self.rt.spawn(async move {
            answer(Answer::Recent(list_recent(dir).await));
        });
    }

    /// Lists cameras and microphones; with `everything`, the H.264 encoders and the display's
    /// monitors too. A listing that fails finds nothing (and is logged).
    pub fn list_sources(&self, everything: bool) {
        let answer = self.answerer();
        self.rt.spawn_blocking(move || {
            let devices = vidmsg_media::devices::list().unwrap_or_else(|e| {
                tracing::warn!("could not list devices: {e}");
                Vec::new()
            });
            answer(Answer::Devices(devices));
            if !everything {
                return;
            }
            let monitors = match std::env::var("DISPLAY") {
                Ok(d) => crate::capture::monitors::list(&d).unwrap_or_else(|e| {
                    tracing::warn!("could not list monitors: {e}");
                    Vec::new()
                }),
                Err(_) => Vec::new(),
            };
            answer(Answer::Monitors(monitors));
            answer(Answer::Encoders(vidmsg_media::devices::h264_encoders()));
        });
    }

    /// Starts recording `spec`.
    pub fn record(&self, spec: SessionSpec) -> Running {
        Running::start(&self.rt, spec, self.wake())
    }
}

/// The recent recordings in `dir` (a folder scan, off the async workers).
pub async fn list_recent(dir: PathBuf) -> Vec<Recent> {
    tokio::task::spawn_blocking(move || recent::list(&dir, RECENT))
        .await
        .unwrap_or_default()
}
