//! People in the inbox: the workspace's people with their local time and quiet hours (loaded at
//! sign-in, again every minute and when a thread opens), how a member is labelled beside their
//! name, who may change a direct thread's people, and adding and removing them.

use std::time::{Duration, Instant};

use vidmsg_api::{ClientError, Person, Role, Thread, ThreadVisibility};

use super::inbox::{MemberChange, refusal};
use super::{PlayerApp, State};

/// How often the people (and so their local times) are fetched again.
pub const PEOPLE_REFRESH: Duration = Duration::from_secs(60);

/// A person beside their name: "ana · 18:40, quiet hours", "ana · 09:15", or just "ana" when
/// their time zone is unknown.
pub fn person_label(name: &str, person: Option<&Person>) -> String {
    match person.and_then(|p| p.local_time.as_deref().map(|t| (t, p.in_quiet_hours))) {
        Some((time, true)) => format!("{name} · {time}, quiet hours"),
        Some((time, false)) => format!("{name} · {time}"),
        None => name.to_string(),
    }
}

impl State {
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.inbox.people.iter().find(|p| p.name == name)
    }

    /// A member of a thread, labelled with their local time and quiet hours.
    pub fn member_label(&self, name: &str) -> String {
        person_label(name, self.person(name))
    }

    /// Whether the user may add and remove a thread's people: a direct thread they created, or
    /// any direct thread for an admin (the server decides in the end).
    pub fn may_manage_people(&self, thread: &Thread) -> bool {
        let Some(me) = self.signed_in_as.as_deref() else {
            return false;
        };
        thread.visibility == ThreadVisibility::People
            && (thread.created_by == me || self.person(me).is_some_and(|p| p.role == Role::Admin))
    }

    /// People the thread could take: the workspace's people who are not in it.
    pub fn people_to_add(&self, thread: &Thread) -> Vec<&Person> {
        let mut v: Vec<&Person> = self
            .inbox
            .people
            .iter()
            .filter(|p| !thread.members.contains(&p.name))
            .collect();
        v.sort_by_key(|p| p.name.to_lowercase());
        v
    }
}

impl PlayerApp {
    pub(super) fn load_people(&mut self) {
        if self.state.inbox.people_loading {
            return;
        }
        if let Some(lib) = &self.lib {
            lib.people();
            self.state.inbox.people_loading = true;
        }
    }

    /// Called every frame: fetches the people again once a minute has passed (and asks for a
    /// frame then, so local times move on while the window is idle).
    pub(super) fn refresh_people_when_due(&mut self) {
        let Some(at) = self.state.inbox.people_loaded_at else {
            return;
        };
        let age = at.elapsed();
        if age >= PEOPLE_REFRESH {
            self.load_people();
        } else {
            self.ctx.request_repaint_after(PEOPLE_REFRESH - age);
        }
    }

    pub(super) fn people_loaded(&mut self, r: Result<Vec<Person>, ClientError>) {
        let inbox = &mut self.state.inbox;
        inbox.people_loading = false;
        inbox.people_loaded_at = Some(Instant::now());
        match r {
            Ok(list) => {
                inbox.people = list;
                inbox.people_error = None;
            }
            Err(e) => inbox.people_error = Some(e),
        }
    }

    pub(super) fn change_members(&mut self, thread: vidmsg_api::Id, name: String, add: bool) {
        if let Some(lib) = &self.lib {
            lib.change_members(thread, name, add);
        }
    }

    /// A thread's people changed (or the server refused, with its reason).
    pub(super) fn members_changed(&mut self, change: MemberChange, r: Result<Thread, ClientError>) {
        match r {
            Ok(thread) => {
                if let Some(t) = self.state.threads.iter_mut().find(|t| t.id == thread.id) {
                    let unread = t.unread_count;
                    *t = thread;
                    t.unread_count = unread;
                }
            }
            Err(e) => {
                let what = match change {
                    MemberChange::Added(n) => format!("add {n}"),
                    MemberChange::Removed(n) => format!("remove {n}"),
                };
                self.state.notice = Some(format!("Could not {what}: {}", refusal(&e)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana(local_time: Option<&str>, quiet: bool) -> Person {
        Person {
            id: 1,
            name: "ana".into(),
            role: Role::Member,
            time_zone: local_time.map(|_| "Europe/Berlin".into()),
            local_time: local_time.map(Into::into),
            quiet_hours: None,
            in_quiet_hours: quiet,
        }
    }

    #[test]
    fn a_member_shows_their_local_time_and_quiet_hours_when_known() {
        assert_eq!(
            person_label("ana", Some(&ana(Some("18:40"), true))),
            "ana · 18:40, quiet hours"
        );
        assert_eq!(
            person_label("ana", Some(&ana(Some("09:15"), false))),
            "ana · 09:15"
        );
        assert_eq!(person_label("ana", Some(&ana(None, false))), "ana");
        assert_eq!(person_label("ana", None), "ana");
    }
}
