//! "New video": starts the recorder app (`vidmsg-recorder app --to …`) addressed to what the
//! inbox shows — the chosen space, else the open thread's space or its other people — and
//! finds the recorder beside the player (also for video replies).

use std::path::PathBuf;

use vidmsg_api::ThreadVisibility;

use super::{PlayerApp, State};

/// Where a new video goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressee {
    Space(String),
    People(Vec<String>),
    /// Nothing chosen: the recorder uses its remembered choice.
    Unchosen,
}

impl State {
    /// The chosen space; else the open thread's space, or its people other than the user.
    pub fn new_video_addressee(&self) -> Addressee {
        if let Some(space) = self.space_filter_space() {
            return Addressee::Space(space.name.clone());
        }
        let Some(thread) = self
            .selected_thread
            .and_then(|id| self.threads.iter().find(|t| t.id == id))
        else {
            return Addressee::Unchosen;
        };
        match (thread.visibility, &thread.space) {
            (ThreadVisibility::Space, Some(space)) => Addressee::Space(space.clone()),
            (ThreadVisibility::Space, None) => Addressee::Unchosen,
            (ThreadVisibility::People, _) => {
                let others: Vec<String> = self
                    .others_in(thread)
                    .into_iter()
                    .map(String::from)
                    .collect();
                if others.is_empty() {
                    Addressee::Unchosen
                } else {
                    Addressee::People(others)
                }
            }
        }
    }
}

/// The recorder's arguments for a new video to `to` on `server`. The token goes in the
/// environment (`VIDMSG_TOKEN`), never on the command line, where `ps` would show it.
pub fn recorder_args(to: &Addressee, server: &str) -> Vec<String> {
    let mut args = vec!["app".to_string(), "--server".into(), server.to_string()];
    match to {
        Addressee::Space(name) => args.extend(["--to".into(), format!("space:{name}")]),
        Addressee::People(names) => {
            for n in names {
                args.extend(["--to".into(), format!("user:{n}")]);
            }
        }
        Addressee::Unchosen => {}
    }
    args
}

/// `vidmsg-recorder` beside the player's own binary, else the one on `PATH`.
pub fn recorder_program() -> PathBuf {
    std::env::current_exe()
        .ok()
        .map(|p| p.with_file_name("vidmsg-recorder"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("vidmsg-recorder"))
}

impl PlayerApp {
    /// Starts the recorder addressed to the current space or person; the video shows up here
    /// when it lands (server push).
    pub(super) fn new_video(&mut self) {
        let to = self.state.new_video_addressee();
        let exe = recorder_program();
        // Spawning returns at once; the recorder runs on its own.
        match std::process::Command::new(&exe)
            .args(recorder_args(&to, &self.state.settings.server))
            .env("VIDMSG_TOKEN", &self.state.settings.token)
            .spawn()
        {
            Ok(_) => {
                let whom = match &to {
                    Addressee::Space(s) => format!(" to #{s}"),
                    Addressee::People(p) => format!(" to {}", p.join(", ")),
                    Addressee::Unchosen => String::new(),
                };
                self.state.notice = Some(format!(
                    "Recording a new video{whom} in the recorder window."
                ));
            }
            Err(e) => self.state.notice = Some(format!("Could not start {}: {e}", exe.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::settings::Settings;
    use vidmsg_api::{Space, Thread};

    fn thread(id: i64, space: Option<(i64, &str)>, members: &[&str]) -> Thread {
        Thread {
            id,
            title: format!("t{id}"),
            created_by: "me".into(),
            members: members.iter().map(|m| m.to_string()).collect(),
            message_count: 0,
            unread_count: 0,
            created_at_ms: 0,
            updated_at_ms: 0,
            visibility: if space.is_some() {
                ThreadVisibility::Space
            } else {
                ThreadVisibility::People
            },
            space_id: space.map(|s| s.0),
            space: space.map(|s| s.1.to_string()),
        }
    }

    #[test]
    fn a_new_video_goes_to_the_space_shown_else_the_open_thread() {
        let mut s = State::new(Settings::default());
        s.signed_in_as = Some("me".into());
        assert_eq!(s.new_video_addressee(), Addressee::Unchosen);
        s.threads = vec![
            thread(1, Some((7, "eng")), &["me", "ana"]),
            thread(2, None, &["me", "ana", "bo"]),
            thread(3, None, &["me"]),
        ];
        s.selected_thread = Some(2);
        assert_eq!(
            s.new_video_addressee(),
            Addressee::People(vec!["ana".into(), "bo".into()])
        );
        s.selected_thread = Some(1);
        assert_eq!(s.new_video_addressee(), Addressee::Space("eng".into()));
        s.selected_thread = Some(3);
        assert_eq!(s.new_video_addressee(), Addressee::Unchosen);
        // A space chosen in the sidebar wins over the open thread.
        s.inbox.spaces = vec![Space {
            id: 8,
            name: "design".into(),
            private: false,
            members: vec!["me".into()],
            member_count: 1,
            joined: true,
            created_by: "me".into(),
            created_at_ms: 0,
        }];
        s.inbox.space_filter = Some(8);
        assert_eq!(s.new_video_addressee(), Addressee::Space("design".into()));
    }

    #[test]
    fn a_new_video_opens_the_recorder_app_addressed_to_a_space_or_people() {
        let server = "http://127.0.0.1:8080";
        assert_eq!(
            recorder_args(&Addressee::Space("eng".into()), server),
            ["app", "--server", server, "--to", "space:eng"]
        );
        assert_eq!(
            recorder_args(&Addressee::People(vec!["ana".into(), "bo".into()]), server),
            [
                "app", "--server", server, "--to", "user:ana", "--to", "user:bo"
            ]
        );
        assert_eq!(
            recorder_args(&Addressee::Unchosen, server),
            ["app", "--server", server]
        );
        assert!(
            !recorder_args(&Addressee::Space("eng".into()), server)
                .iter()
                .any(|a| a.contains("token")),
            "the token never goes on the command line"
        );
    }
}
