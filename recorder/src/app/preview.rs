//! The live preview while idle on the main view: started when wanted, restarted when the
//! sources change, stopped when recording (the recording needs the camera and the screen). Each
//! frame its latest picture goes to a texture and its mic level to [`State`] for the UI to draw.

use eframe::egui;

use super::state::{State, View};
use crate::capture::Preview;

/// Preview width and frame rate.
const WIDTH: u32 = 480;
const FPS: u32 = 10;

#[derive(Default)]
pub struct LivePreview {
    enabled: bool,
    preview: Option<Preview>,
    /// The capture the running preview shows (restart when it changes).
    key: String,
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

    /// Stops the preview (it holds the camera and the screen).
    pub fn stop(&mut self) {
        self.preview = None;
        self.key.clear();
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
            self.stop();
            return;
        }
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
        self.preview = None;
        self.key = key;
        match Preview::start(&spec, WIDTH, FPS) {
            Ok(p) => {
                let ctx = ctx.clone();
                p.frames.set_waker(move || ctx.request_repaint());
                self.preview = Some(p);
                state.preview.error = None;
            }
            Err(e) => state.preview.error = Some(e.to_string()),
        }
    }
}
