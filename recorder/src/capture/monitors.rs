//! The monitors of an X11 display (RandR), so a person can record one monitor rather than the
//! whole desktop. Each becomes a capture region.

use x11rb::connection::Connection as _;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::xproto::ConnectionExt as _;

use super::Region;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor {
    pub name: String,
    pub primary: bool,
    pub region: Region,
}

impl Monitor {
    /// The `--screen` value that records this monitor on `display`.
    pub fn screen_spec(&self, display: &str) -> String {
        let r = self.region;
        format!("{display}+{},{},{}x{}", r.x, r.y, r.width, r.height)
    }
}

/// Why the monitors of a display could not be listed; each names the display.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error("cannot open display {display}: {source}")]
    Connect {
        display: String,
        #[source]
        source: x11rb::errors::ConnectError,
    },
    #[error("display {0} has no such screen")]
    NoScreen(String),
    #[error("display {display} did not list its monitors (RandR): {source}")]
    RandR {
        display: String,
        #[source]
        source: x11rb::errors::ReplyError,
    },
}

/// Monitors of `display` (`:0`), primary first. An error names what failed (no display, no RandR).
pub fn list(display: &str) -> Result<Vec<Monitor>, MonitorError> {
    let (conn, screen) = x11rb::connect(Some(display)).map_err(|source| MonitorError::Connect {
        display: display.to_string(),
        source,
    })?;
    let root = conn
        .setup()
        .roots
        .get(screen)
        .ok_or_else(|| MonitorError::NoScreen(display.to_string()))?
        .root;
    let randr = |source: x11rb::errors::ReplyError| MonitorError::RandR {
        display: display.to_string(),
        source,
    };
    let reply = conn
        .randr_get_monitors(root, true)
        .map_err(|e| randr(e.into()))?
        .reply()
        .map_err(randr)?;
    let mut out = Vec::new();
    for m in reply.monitors {
        let name = conn
            .get_atom_name(m.name)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| String::from_utf8_lossy(&r.name).into_owned())
            .unwrap_or_else(|| "monitor".into());
        let (Ok(x), Ok(y)) = (u32::try_from(m.x), u32::try_from(m.y)) else {
            continue;
        };
        out.push(Monitor {
            name,
            primary: m.primary,
            region: Region {
                x,
                y,
                width: u32::from(m.width),
                height: u32::from(m.height),
            },
        });
    }
    out.sort_by_key(|m| (!m.primary, m.region.x, m.region.y));
    Ok(out)
}
