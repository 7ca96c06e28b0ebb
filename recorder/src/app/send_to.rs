//! "Send to": the spaces and people a new recording may go to (listed in the background), the
//! search-as-you-type filter, the current choice and "Urgent". Recent choices come first; the
//! last one used is the default (both kept in the settings). Once the lists load, a choice that
//! can no longer be sent to (a space left or gone, a person no longer in the workspace, a name
//! given with `app --to` that does not exist) is dropped with a notice, not found at send time.

use vidmsg_api::{Person, Space};

use crate::recipients::Recipients;

/// How many recent choices the settings keep.
pub const RECENT_CHOICES: usize = 6;
/// How many choices the picker shows at once (the filter finds the rest).
pub const SHOWN: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct SendTo {
    /// Spaces the user is a member of.
    pub spaces: Vec<Space>,
    /// The workspace's people, the user included.
    pub people: Vec<Person>,
    /// The lists are being fetched.
    pub loading: bool,
    /// Why the lists could not be fetched (the UI's edge).
    pub error: Option<String>,
    pub filter: String,
    /// `None`: a thread with only the author (as before sending existed).
    pub choice: Option<Recipients>,
    /// Where `choice` came from.
    pub origin: Origin,
    /// Mark the next recording urgent (never remembered: off again for the one after).
    pub urgent: bool,
    /// The lists arrived (so choices can be checked against them).
    pub loaded: bool,
}

/// Where the current choice came from (it decides how a choice that cannot be sent to is
/// worded, and whether the saved default is forgotten).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// The remembered default (the settings' `send_to`).
    #[default]
    Saved,
    /// `vidmsg-recorder app --to …`.
    CommandLine,
    /// Picked in the app.
    Picked,
}

/// Why a choice cannot be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No space of that name is listed to the user (gone, private, or never existed).
    NoSpace(String),
    /// The space exists but the user is not (or no longer) a member.
    NotAMember(String),
    /// These people are not in the workspace.
    People(Vec<String>),
}

impl SendTo {
    /// What the picker offers for the filter: recent choices first, then spaces, then people
    /// (not `me`), each once.
    pub fn candidates(&self, recent: &[Recipients], me: Option<&str>) -> Vec<Recipients> {
        let filter = self.filter.trim().trim_start_matches('#').to_lowercase();
        let matches = |r: &Recipients| match r {
            Recipients::Space(s) => s.to_lowercase().contains(&filter),
            Recipients::People(p) => p.iter().any(|n| n.to_lowercase().contains(&filter)),
        };
        let mut out: Vec<Recipients> = Vec::new();
        let all = recent
            .iter()
            .filter(|r| !self.loaded || self.unavailable(r).is_none())
            .cloned()
            .chain(
                self.spaces
                    .iter()
                    .filter(|s| s.joined)
                    .map(|s| Recipients::Space(s.name.clone())),
            )
            .chain(
                self.people
                    .iter()
                    .filter(|p| Some(p.name.as_str()) != me)
                    .map(|p| Recipients::People(vec![p.name.clone()])),
            );
        for r in all {
            if matches(&r) && !out.contains(&r) {
                out.push(r);
            }
        }
        out.truncate(SHOWN);
        out
    }

    /// Whether `r` is (part of) the current choice.
    pub fn is_chosen(&self, r: &Recipients) -> bool {
        match (&self.choice, r) {
            (Some(Recipients::People(chosen)), Recipients::People(p)) if p.len() == 1 => {
                chosen.contains(&p[0])
            }
            (Some(c), r) => c == r,
            (None, _) => false,
        }
    }

    /// Adds a person to the people chosen, or takes them out (a space chosen is replaced).
    pub fn toggle_person(&mut self, name: &str) {
        self.choice = match self.choice.take() {
            Some(Recipients::People(mut p)) => {
                if let Some(i) = p.iter().position(|n| n == name) {
                    p.remove(i);
                } else {
                    p.push(name.to_string());
                }
                (!p.is_empty()).then_some(Recipients::People(p))
            }
            _ => Some(Recipients::People(vec![name.to_string()])),
        };
    }
}

impl SendTo {
    /// Why `r` cannot be sent to with the lists as loaded (`None`: it can).
    pub fn unavailable(&self, r: &Recipients) -> Option<Unavailable> {
        match r {
            Recipients::Space(name) => match self.spaces.iter().find(|s| s.name == *name) {
                None => Some(Unavailable::NoSpace(name.clone())),
                Some(s) if !s.joined => Some(Unavailable::NotAMember(name.clone())),
                Some(_) => None,
            },
            Recipients::People(names) => {
                let missing: Vec<String> = names
                    .iter()
                    .filter(|n| !self.people.iter().any(|p| p.name == **n))
                    .cloned()
                    .collect();
                (!missing.is_empty()).then_some(Unavailable::People(missing))
            }
        }
    }

    /// Checks the choice against the lists (call once they load): one that cannot be sent to
    /// is dropped (for people: those missing), and the notice saying so is returned.
    pub fn check_choice(&mut self) -> Option<String> {
        let choice = self.choice.clone()?;
        let why = self.unavailable(&choice)?;
        let asked = self.origin == Origin::CommandLine;
        let (kept, notice) = match why {
            Unavailable::NoSpace(name) if asked => (
                None,
                format!(
                    "--to space:{name}: there is no space #{name} that you can see; choose where to send"
                ),
            ),
            Unavailable::NotAMember(name) if asked => (
                None,
                format!(
                    "--to space:{name}: you are not a member of #{name}; join it first, or choose where to send"
                ),
            ),
            Unavailable::NoSpace(name) | Unavailable::NotAMember(name) => (
                None,
                format!("#{name} is no longer available; choose where to send"),
            ),
            Unavailable::People(missing) if asked => (
                None,
                format!(
                    "--to: no one named {} in this workspace; choose where to send",
                    and_list(&missing)
                ),
            ),
            Unavailable::People(missing) => {
                let rest: Vec<String> = match &choice {
                    Recipients::People(p) => {
                        p.iter().filter(|n| !missing.contains(n)).cloned().collect()
                    }
                    Recipients::Space(_) => vec![],
                };
                let verb = if missing.len() == 1 { "is" } else { "are" };
                let who = and_list(&missing);
                if rest.is_empty() {
                    (
                        None,
                        format!("{who} {verb} no longer in the workspace; choose where to send"),
                    )
                } else {
                    let notice = format!(
                        "{who} {verb} no longer in the workspace; sending to {}",
                        rest.join(", ")
                    );
                    (Some(Recipients::People(rest)), notice)
                }
            }
        };
        self.choice = kept;
        Some(notice)
    }
}

/// `bob`, `bob and carol`, `bob, carol and dan`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `recent` with `used` first, each once, at most [`RECENT_CHOICES`].
pub fn remember(recent: &mut Vec<Recipients>, used: &Recipients) {
    recent.retain(|r| r != used);
    recent.insert(0, used.clone());
    recent.truncate(RECENT_CHOICES);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(name: &str, joined: bool) -> Space {
        Space {
            id: 1,
            name: name.into(),
            private: false,
            members: vec![],
            member_count: 0,
            joined,
            created_by: "alice".into(),
            created_at_ms: 0,
        }
    }

    fn person(name: &str) -> Person {
        Person {
            id: 1,
            name: name.into(),
            role: Default::default(),
            time_zone: None,
            local_time: None,
            quiet_hours: None,
            in_quiet_hours: false,
        }
    }

    #[test]
    fn recent_first_filtered_and_people_toggle() {
        let mut s = SendTo {
            spaces: vec![space("eng", true), space("design", false)],
            people: vec![person("alice"), person("bob"), person("carol")],
            ..Default::default()
        };
        let recent = vec![Recipients::People(vec!["carol".into()])];
        let all = s.candidates(&recent, Some("alice"));
        assert_eq!(
            all.iter().map(Recipients::display).collect::<Vec<_>>(),
            ["carol", "#eng", "bob"]
        );
        s.filter = "#en".into();
        assert_eq!(s.candidates(&recent, Some("alice")).len(), 1);
        s.toggle_person("bob");
        s.toggle_person("carol");
        assert_eq!(
            s.choice.as_ref().map(Recipients::label).as_deref(),
            Some("user:bob,user:carol")
        );
        s.toggle_person("bob");
        s.toggle_person("carol");
        assert_eq!(s.choice, None);
        let mut r = recent.clone();
        remember(&mut r, &Recipients::Space("eng".into()));
        remember(&mut r, &Recipients::People(vec!["carol".into()]));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], Recipients::People(vec!["carol".into()]));
    }

    fn loaded(choice: Recipients, origin: Origin) -> SendTo {
        SendTo {
            spaces: vec![space("eng", true), space("design", false)],
            people: vec![person("alice"), person("bob")],
            loaded: true,
            choice: Some(choice),
            origin,
            ..Default::default()
        }
    }

    #[test]
    fn a_choice_that_cannot_be_sent_to_is_dropped_with_a_notice() {
        let space = |n: &str| Recipients::Space(n.into());
        let people = |n: &[&str]| Recipients::People(n.iter().map(|s| s.to_string()).collect());

        // Still fine: kept, nothing said.
        let mut s = loaded(space("eng"), Origin::Saved);
        assert_eq!(s.check_choice(), None);
        assert_eq!(s.choice, Some(space("eng")));
        let mut s = loaded(people(&["bob"]), Origin::CommandLine);
        assert_eq!(s.check_choice(), None);

        // A saved space that was left, or is gone.
        for name in ["design", "gone"] {
            let mut s = loaded(space(name), Origin::Saved);
            assert_eq!(
                s.check_choice().as_deref(),
                Some(format!("#{name} is no longer available; choose where to send").as_str())
            );
            assert_eq!(s.choice, None);
        }
        // Saved people: those gone are dropped, the rest kept.
        let mut s = loaded(people(&["bob", "dan", "eve"]), Origin::Saved);
        assert_eq!(
            s.check_choice().as_deref(),
            Some("dan and eve are no longer in the workspace; sending to bob")
        );
        assert_eq!(s.choice, Some(people(&["bob"])));
        let mut s = loaded(people(&["dan"]), Origin::Picked);
        assert_eq!(
            s.check_choice().as_deref(),
            Some("dan is no longer in the workspace; choose where to send")
        );
        assert_eq!(s.choice, None);

        // Asked for on the command line: said as such, and nothing of it is kept.
        let mut s = loaded(space("nope"), Origin::CommandLine);
        assert!(
            s.check_choice()
                .is_some_and(|n| n.contains("no space #nope"))
        );
        assert_eq!(s.choice, None);
        let mut s = loaded(space("design"), Origin::CommandLine);
        assert!(
            s.check_choice()
                .is_some_and(|n| n.contains("not a member of #design"))
        );
        let mut s = loaded(people(&["bob", "nobody"]), Origin::CommandLine);
        assert!(
            s.check_choice()
                .is_some_and(|n| n.contains("no one named nobody"))
        );
        assert_eq!(s.choice, None);

        // Recent choices that cannot be sent to are not offered once the lists are in.
        let s = loaded(space("eng"), Origin::Saved);
        let recent = vec![space("design"), people(&["dan"]), people(&["bob"])];
        assert_eq!(
            s.candidates(&recent, Some("alice"))
                .iter()
                .map(Recipients::display)
                .collect::<Vec<_>>(),
            ["bob", "#eng"]
        );
    }
}
