//! The live preview while idle on the main view: started when wanted, restarted when the
//! sources change, stopped when recording (the recording needs the camera and the screen). Each
//! frame its latest picture goes to a texture and its mic level to [`State`] for the UI to draw.
//!
//! Starting a preview opens the camera and the screen, which can take a while: it runs on its
//! own thread and the frame loop picks the result up when it is there.

use std::sync::mpsc;
use std::thread::JoinHandle;

use eframe::egui;

use super::state::{State, View};
use crate::capture::{CaptureError, Preview};

/// A preview being started off the UI thread.
struct Starting {
    key: String,
    answer: mpsc::Receiver<Result<Preview, CaptureError>>,
    thread: JoinHandle<()>,
}

/// Preview width and frame rate.
const WIDTH: u32 = 480;
const FPS: u32 = 10;

#[derive(Default)]
pub struct LivePreview {
    enabled: bool,
    preview: Option<Preview>,
    /// The capture the running (or starting) preview shows (restart when it changes).
    key: String,
    starting: Option<Starting>,
}

impl LivePreview {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            ..Self::default()
        }
    }

    pub fn get(&self) -> Option<&Preview> {
        self.preview.as_ref()
    }

    /// Stops the preview (it holds the camera and the screen). A start still under way is
    /// waited for and its preview closed, so the devices are free when this returns (a recording
    /// is about to open them).
    pub fn stop(&mut self) {
        self.preview = None;
        self.key.clear();
        if let Some(s) = self.starting.take() {
            drop(s.answer);
            let _ = s.thread.join();
        }
    }

    /// Runs the preview while idle on the main view and shows what it has into `state.preview`.
    pub fn keep(&mut self, ctx: &egui::Context, state: &mut State) {
        self.keep_running(ctx, state);
        let shown = &mut state.preview;
        shown.running = self.preview.is_some();
        let Some(p) = &self.preview else {
            return;
        };
        if let Some(frame) = p.frames.take() {
            vidmsg_desktop::widgets::show_rgba_frame(
                ctx,
                &mut shown.texture,
                "preview",
                [frame.width as usize, frame.height as usize],
                &frame.rgba,
            );
        }
        shown.mic_db = p.inputs().mic_db;
    }

    fn keep_running(&mut self, ctx: &egui::Context, state: &mut State) {
        let wanted = self.enabled && state.view == View::Main && !state.is_recording();
        if !wanted {
            if self.preview.is_some() || self.starting.is_some() {
                self.stop();
            }
            return;
        }
        self.pick_up(ctx, state);
        let Ok(spec) = state.settings.capture_spec() else {
            return;
        };
        let key = format!("{spec:?}");
        if key == self.key {
            if let Some(e) = self.preview.as_ref().and_then(|p| p.error()) {
                self.preview = None;
                state.preview.error = Some(e.to_string());
            }
            return;
        }
        // Sources changed: drop the running preview; a start under way finds nobody waiting
        // and closes its own preview (no waiting here, on the UI thread).
        self.preview = None;
        self.starting = None;
        self.key = key.clone();
        let (tx, answer) = mpsc::channel();
        let wake = ctx.clone();
        let thread = std::thread::spawn(move || {
            let started = Preview::start(&spec, WIDTH, FPS);
            // If nobody waits any more, the preview is dropped here, freeing the devices.
            if tx.send(started).is_ok() {
                wake.request_repaint();
            }
        });
        self.starting = Some(Starting {
            key,
            answer,
            thread,
        });
    }

    /// Takes a finished start, if its sources are still the ones wanted.
    fn pick_up(&mut self, ctx: &egui::Context, state: &mut State) {
        let Some(s) = &self.starting else { return };
        let result = match s.answer.try_recv() {
            Ok(r) => r,
            Err(mpsc::TryRecvError::Empty) => return,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.starting = None;
                return;
            }
        };
        let current = s.key == self.key;
        self.starting = None;
        match result {
            Ok(p) if current => {
                let ctx = ctx.clone();
                p.frames.set_waker(move || ctx.request_repaint());
                self.preview = Some(p);
                state.preview.error = None;
            }
            Ok(_) => {}
            Err(e) if current => state.preview.error = Some(e.to_string()),
            Err(_) => {}
        }
    }
}
