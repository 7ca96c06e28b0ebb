//! Playback of the open message: starting it, play/pause, seeking, speed, volume, mute, and
//! moving decoded frames into the texture.

use std::time::Duration;

use eframe::egui;
use vidmsg_api::MessageKind;
use vidmsg_media::Playback;

use super::{Current, PlayerApp};

impl PlayerApp {
    pub(super) fn start_playback(&self, c: &mut Current) {
        if c.message.kind != MessageKind::Video {
            return;
        }
        let Some(url) = c.message.video_url.clone() else {
            c.error = None;
            return;
        };
        match Playback::open(&url, self.audio_sink.as_deref()) {
            Ok(p) => {
                let ctx_wake = self.wake.clone();
                p.frames.set_waker(move || ctx_wake());
                p.set_volume(self.state.settings.volume);
                p.set_muted(self.state.muted);
                c.playback = Some(p);
                c.error = None;
            }
            Err(e) => c.error = Some(e.to_string()),
        }
    }

    pub(super) fn toggle_play(&mut self) {
        let mut paused = false;
        if let Some(p) = self
            .state
            .current
            .as_mut()
            .and_then(|c| c.playback.as_mut())
        {
            if p.is_playing() {
                p.pause();
                paused = true;
            } else {
                p.play();
            }
        }
        if paused {
            self.report_view();
        }
    }

    /// Seeks the open message to `pos` (once it is ready, if it is not yet), playing from there
    /// if `play`. The same as [`Action::Seek`](super::Action::Seek).
    pub fn seek_to(&mut self, pos: Duration, play: bool) {
        if let Some(c) = self.state.current.as_mut()
            && let Some(p) = c.playback.as_mut()
        {
            if c.prerolled {
                p.seek(pos);
                if play && !p.is_playing() {
                    p.play();
                }
            } else {
                c.pending_seek = Some(pos);
                c.autoplay |= play;
            }
        }
    }

    /// Seeks by `delta_ms` from the current position.
    pub(super) fn skip(&mut self, delta_ms: i64) {
        let Some(c) = self.state.current.as_ref() else {
            return;
        };
        let pos = c.position_ms().unwrap_or(0);
        let len = c.duration_ms().unwrap_or(i64::MAX);
        let to = (pos + delta_ms).clamp(0, len.max(0));
        let playing = c.is_playing();
        self.seek_to(Duration::from_millis(to as u64), playing);
    }

    pub(super) fn set_speed(&mut self, speed: f64) {
        self.state.settings.speed = speed;
        if let Some(p) = self
            .state
            .current
            .as_mut()
            .and_then(|c| c.playback.as_mut())
        {
            p.set_rate(speed);
        }
        self.save_settings();
    }

    pub(super) fn set_volume(&mut self, v: f64) {
        self.state.settings.volume = v.clamp(0.0, 1.0);
        if let Some(p) = self
            .state
            .current
            .as_ref()
            .and_then(|c| c.playback.as_ref())
        {
            p.set_volume(self.state.settings.volume);
        }
    }

    pub(super) fn toggle_mute(&mut self) {
        self.state.muted = !self.state.muted;
        if let Some(p) = self
            .state
            .current
            .as_ref()
            .and_then(|c| c.playback.as_ref())
        {
            p.set_muted(self.state.muted);
        }
    }

    /// Takes the newest decoded frame into the texture.
    pub(super) fn update_texture(&mut self, ctx: &egui::Context) {
        let Some(c) = self.state.current.as_mut() else {
            return;
        };
        let Some(frame) = c.playback.as_ref().and_then(|p| p.frames.take()) else {
            return;
        };
        vidmsg_desktop::widgets::show_rgba_frame(
            ctx,
            &mut c.texture,
            "video",
            [frame.width as usize, frame.height as usize],
            &frame.rgba,
        );
        c.frames_shown += 1;
        if c.first_frame_after.is_none() {
            c.first_frame_after = Some(c.opened_at.elapsed());
        }
        if self.first_frame_since_start.is_none() {
            self.first_frame_since_start = Some(self.started_at.elapsed());
            // Report the first frame at once (the benchmark waits for this line).
            self.last_report = self.started_at;
        }
    }
}
