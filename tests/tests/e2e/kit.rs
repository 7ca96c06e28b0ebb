//! egui_kittest helpers shared by the app tests: step in real time until something shows, and
//! type into a labelled field.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// Steps the UI (in real time: capture, playback and requests run on their own threads) until
/// `done`, or fails naming `what`.
pub fn step_until<S>(
    h: &mut Harness<'_, S>,
    timeout: Duration,
    what: &str,
    done: impl Fn(&Harness<'_, S>) -> bool,
) {
    let deadline = Instant::now() + timeout;
    loop {
        h.step();
        if done(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Focuses the field labelled `label` and types `text` into it.
pub fn type_into<S>(h: &mut Harness<'_, S>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
}
