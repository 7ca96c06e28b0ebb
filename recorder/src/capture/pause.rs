//! Pause without touching the pipeline's state: while paused, the video and audio branches drop
//! their buffers just before the encoders, and after a resume every timestamp is moved back by
//! the time spent paused. Both branches use the same spans of pipeline running time, so audio and
//! video stay in sync across any number of pauses and the recording has one continuous timeline.
//!
//! (Switching a live pipeline to PAUSED and back also works, but a state change can block the
//! caller for as long as a source takes to settle; this way pausing never waits on GStreamer.)

use std::sync::Mutex;

/// Shared by the branch probes (streaming threads) and the controller.
#[derive(Debug, Default)]
pub struct PauseGate {
    inner: Mutex<Spans>,
}

#[derive(Debug, Default)]
struct Spans {
    /// Running time (ns) at which the current pause began.
    paused_at: Option<u64>,
    /// Finished pauses: [start, end) in running time.
    done: Vec<(u64, u64)>,
}

/// What a branch does with one buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Drop,
    /// Keep it, at this (earlier) timestamp.
    Keep(u64),
}

impl PauseGate {
    /// Starts a pause at running time `now` (ns). Returns false if already paused.
    pub fn pause(&self, now: u64) -> bool {
        let Ok(mut s) = self.inner.lock() else {
            return false;
        };
        if s.paused_at.is_some() {
            return false;
        }
        s.paused_at = Some(now);
        true
    }

    /// Ends the pause at running time `now` (ns). Returns false if not paused.
    pub fn resume(&self, now: u64) -> bool {
        let Ok(mut s) = self.inner.lock() else {
            return false;
        };
        let Some(start) = s.paused_at.take() else {
            return false;
        };
        s.done.push((start, now.max(start)));
        true
    }

    pub fn is_paused(&self) -> bool {
        self.inner
            .lock()
            .map(|s| s.paused_at.is_some())
            .unwrap_or(false)
    }

    /// Decides about a buffer captured at running time `pts`.
    pub fn judge(&self, pts: u64) -> Verdict {
        let Ok(s) = self.inner.lock() else {
            return Verdict::Keep(pts);
        };
        if s.paused_at.is_some_and(|start| pts >= start) {
            return Verdict::Drop;
        }
        let mut shift = 0;
        for &(start, end) in &s.done {
            if pts >= end {
                shift += end - start;
            } else if pts >= start {
                return Verdict::Drop;
            }
        }
        Verdict::Keep(pts - shift)
    }
}

#[cfg(test)]
mod tests {
    use super::{PauseGate, Verdict};

    #[test]
    fn pauses_drop_buffers_and_close_the_gap() {
        let g = PauseGate::default();
        assert_eq!(g.judge(100), Verdict::Keep(100));
        assert!(g.pause(1_000));
        assert!(!g.pause(1_100), "already paused");
        assert_eq!(
            g.judge(999),
            Verdict::Keep(999),
            "captured before the pause"
        );
        assert_eq!(g.judge(1_500), Verdict::Drop);
        assert!(g.resume(6_000));
        assert_eq!(
            g.judge(5_999),
            Verdict::Drop,
            "late buffer from inside the pause"
        );
        assert_eq!(g.judge(6_000), Verdict::Keep(1_000));
        assert!(g.pause(7_000));
        assert!(g.resume(8_000));
        assert_eq!(g.judge(9_000), Verdict::Keep(3_000), "both pauses removed");
        assert!(!g.resume(9_000), "not paused");
    }
}
