//! Runs a recording for the app: the session on the app's tokio runtime, controlled through
//! channels (pause toggles, stop), its events forwarded to the UI with a repaint request. When
//! it ends, the recordings folder is listed again (off the UI thread) and sent with the outcome.

use std::sync::Arc;
use std::sync::mpsc;

use vidmsg_desktop::AppError;

use super::background::list_recent;
use super::recent::Recent;
use crate::session::{self, Event, Outcome, SessionSpec};

/// What the UI hears from a running recording.
#[derive(Debug)]
pub enum Update {
    Event(Event),
    /// The recording ended: its outcome, and the recent recordings after it.
    Done {
        result: Result<Outcome, AppError>,
        recent: Vec<Recent>,
    },
}

pub struct Running {
    pause: tokio::sync::mpsc::UnboundedSender<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub updates: mpsc::Receiver<Update>,
}

impl Running {
    /// Starts `spec` on `rt`; `wake` is called after every update (the app's repaint).
    pub fn start(
        rt: &tokio::runtime::Runtime,
        spec: SessionSpec,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        let (tx, updates) = mpsc::channel();
        let (pause, pause_rx) = tokio::sync::mpsc::unbounded_channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let events: session::Events = {
            let tx = tx.clone();
            let wake = wake.clone();
            Arc::new(move |e: &Event| {
                let _ = tx.send(Update::Event(e.clone()));
                wake();
            })
        };
        let recordings_dir = spec.recordings_dir.clone();
        rt.spawn(async move {
            let stop = async {
                // A dropped sender (the app closed) stops too: finish, never abandon.
                let _ = stop_rx.await;
            };
            let result = session::record(spec, stop, pause_rx, events)
                .await
                .map_err(AppError::local);
            let recent = list_recent(recordings_dir).await;
            let _ = tx.send(Update::Done { result, recent });
            wake();
        });
        Self {
            pause,
            stop: Some(stop_tx),
            updates,
        }
    }

    pub fn toggle_pause(&self) {
        let _ = self.pause.send(());
    }

    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}
