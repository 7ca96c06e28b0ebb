//! egui_kittest helpers shared by the app tests: step in real time until something shows, type
//! into a labelled field, and a player signed in with saved settings.

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

/// The player signed in as `token` on `server` (settings saved in `dir`), once its inbox shows
/// threads. Build it off the test's runtime (the app owns one of its own).
pub fn signed_in_player(
    dir: &std::path::Path,
    server: &str,
    token: &str,
) -> anyhow::Result<Harness<'static, vidmsg_player::app::PlayerApp>> {
    use vidmsg_player::app::settings::Settings;
    use vidmsg_player::app::{AppOptions, PlayerApp, View};
    let path = dir.join("player.json");
    Settings {
        server: server.to_string(),
        token: token.to_string(),
        ..Settings::default()
    }
    .save(&path)?;
    let options = AppOptions {
        settings_path: Some(path),
        audio_sink: Some("fakesink".into()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
    step_until(&mut h, Duration::from_secs(15), "the inbox", |h| {
        h.state().view == View::Library && !h.state().threads.is_empty()
    });
    Ok(h)
}
