//! Logging of the desktop apps: `RUST_LOG`, or the app's quiet default, to stderr (so the apps'
//! JSON lines on stdout stay clean). One setup for both apps; the server has its own
//! (`vidmsg_server::logging`), which also filters what hostile S3 clients make it log.

/// Installs the process's log subscriber; `default` applies when `RUST_LOG` is not set (e.g.
/// `"info"` for the recorder, whose CLI reports progress, `"warn"` for the player).
pub fn init(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
