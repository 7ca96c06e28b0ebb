//! A real desktop notification daemon for app tests: `dunst` on a private session bus
//! (`dbus-run-session`) drawing on a test display, with `dbus-monitor` recording every call on
//! `org.freedesktop.Notifications`. A process that sets `DBUS_SESSION_BUS_ADDRESS` to
//! [`NotificationDaemon::address`] notifies into it; [`NotificationDaemon::notify_calls`] reads
//! back what arrived. Dropping the guard stops the bus, the daemon and the monitor.

use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

pub struct NotificationDaemon {
    /// The private session bus (`unix:path=…`).
    pub address: String,
    dir: tempfile::TempDir,
    /// `dbus-run-session`, leader of its own process group (the bus, dunst, the monitor).
    session: Child,
}

/// One `Notify` call seen on the bus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyCall {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The `urgency` hint: 0 low, 1 normal, 2 critical.
    pub urgency: Option<u8>,
}

/// Runs the session: prints the bus address, starts the monitor, then becomes dunst.
const SESSION: &str = r#"printf '%s\n' "$DBUS_SESSION_BUS_ADDRESS" > "$1/address.tmp" && mv "$1/address.tmp" "$1/address"
dbus-monitor --session "interface='org.freedesktop.Notifications'" > "$1/monitor.log" 2>&1 &
exec dunst -config "$1/dunstrc""#;

impl NotificationDaemon {
    /// Starts dunst on `display` (an X display such as the test's Xvfb) under a new session
    /// bus, and waits until the monitor listens and dunst owns the notifications name.
    pub fn start(display: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("dunstrc"), "")?;
        let log = std::fs::File::create(dir.path().join("session.log"))?;
        let session = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", SESSION, "sh"])
            .arg(dir.path())
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .context("starting dbus-run-session (install dbus and dunst: scripts/setup)")?;
        let mut me = Self {
            address: String::new(),
            dir,
            session,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let address = loop {
            if let Ok(a) = std::fs::read_to_string(me.path("address")) {
                break a.trim().to_string();
            }
            me.check_alive(deadline)?;
        };
        me.address = address;
        // The monitor prints the bus's greeting to it (NameAcquired, NameLost) once it listens.
        while !me.monitor_log().contains("NameLost") {
            me.check_alive(deadline)?;
        }
        while !me.owns_notifications_name() {
            me.check_alive(deadline)?;
        }
        Ok(me)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Fails when the session died or `deadline` passed; else waits a moment.
    fn check_alive(&mut self, deadline: Instant) -> anyhow::Result<()> {
        if let Some(status) = self.session.try_wait()? {
            bail!(
                "the notification session ended ({status}): {}",
                std::fs::read_to_string(self.path("session.log")).unwrap_or_default()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "the notification daemon did not come up: {}",
                std::fs::read_to_string(self.path("session.log")).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
        Ok(())
    }

    /// A command that talks to this session's bus.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        c
    }

    fn owns_notifications_name(&self) -> bool {
        self.command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// Everything the monitor printed so far.
    pub fn monitor_log(&self) -> String {
        std::fs::read_to_string(self.path("monitor.log")).unwrap_or_default()
    }

    /// The `Notify` calls seen so far, oldest first.
    pub fn notify_calls(&self) -> Vec<NotifyCall> {
        parse_notify_calls(&self.monitor_log())
    }

    /// Waits for a `Notify` call that `matches`.
    pub fn wait_for_notify(
        &self,
        timeout: Duration,
        matches: impl Fn(&NotifyCall) -> bool,
    ) -> anyhow::Result<NotifyCall> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(c) = self.notify_calls().into_iter().find(|c| matches(c)) {
                return Ok(c);
            }
            if Instant::now() > deadline {
                bail!(
                    "no matching Notify call; the monitor saw:\n{}",
                    self.monitor_log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How many notifications dunst shows now (`dunstctl count displayed`).
    pub fn displayed(&self) -> anyhow::Result<u32> {
        let out = self
            .command("dunstctl")
            .args(["count", "displayed"])
            .output()
            .context("dunstctl")?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim()
            .parse()
            .with_context(|| format!("dunstctl count displayed: {text:?}"))
    }
}

impl Drop for NotificationDaemon {
    fn drop(&mut self) {
        // The session's whole process group: the bus, dunst and the monitor.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.session.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.session.wait();
    }
}

/// The `Notify` calls in `dbus-monitor`'s text: after each `member=Notify` line come the app
/// name, the replaced id, the icon, the summary and the body, then actions and hints.
pub fn parse_notify_calls(log: &str) -> Vec<NotifyCall> {
    let mut calls = Vec::new();
    let mut lines = log.lines().peekable();
    while let Some(line) = lines.next() {
        if !(line.starts_with("method call") && line.contains("member=Notify")) {
            continue;
        }
        let mut strings = Vec::new();
        let mut call = NotifyCall::default();
        let mut after_urgency = false;
        while let Some(next) = lines.peek() {
            if !next.starts_with(' ') {
                break;
            }
            let arg = lines.next().unwrap_or_default().trim();
            if let Some(first) = arg.strip_prefix("string \"") {
                // A string with line breaks goes on over the next lines, up to its quote.
                let mut s = first.to_string();
                while !s.ends_with('"')
                    && let Some(more) = lines.next()
                {
                    s.push('\n');
                    s.push_str(more);
                }
                let s = s.strip_suffix('"').unwrap_or(&s).to_string();
                after_urgency = s == "urgency";
                strings.push(s);
            } else if after_urgency && let Some((_, b)) = arg.split_once("byte ") {
                call.urgency = b.trim().parse().ok();
                after_urgency = false;
            }
        }
        // app name, icon, summary, body (the replaced id is a uint32, not a string).
        let mut s = strings.into_iter();
        call.app_name = s.next().unwrap_or_default();
        let _icon = s.next();
        call.summary = s.next().unwrap_or_default();
        call.body = s.next().unwrap_or_default();
        calls.push(call);
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_notify_call_from_the_monitor() {
        let log = r#"signal time=1.0 sender=org.freedesktop.DBus -> destination=:1.0 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired
   string ":1.0"
method call time=2.0 sender=:1.3 -> destination=org.freedesktop.Notifications serial=3 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "vidmsg"
   uint32 0
   string ""
   string "Urgent — from alice: Ship it"
   string "in Design"
   array [
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 2
      )
   ]
   int32 -1
method call time=3.0 sender=:1.3 -> destination=org.freedesktop.Notifications serial=5 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "vidmsg"
   uint32 0
   string ""
   string "2 messages while you were away"
   string "alice · One (in Design)
alice · Two (in Design)"
   array [
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 1
      )
   ]
   int32 -1
method return time=2.1 sender=:1.1 -> destination=:1.3 serial=4 reply_serial=3
   uint32 1
"#;
        assert_eq!(
            parse_notify_calls(log),
            [
                NotifyCall {
                    app_name: "vidmsg".into(),
                    summary: "Urgent — from alice: Ship it".into(),
                    body: "in Design".into(),
                    urgency: Some(2),
                },
                NotifyCall {
                    app_name: "vidmsg".into(),
                    summary: "2 messages while you were away".into(),
                    body: "alice · One (in Design)\nalice · Two (in Design)".into(),
                    urgency: Some(1),
                }
            ]
        );
    }
}
