//! "Send to": the spaces and people a new recording may go to (listed in the background), the
//! search-as-you-type filter, and the current choice. Recent choices come first; the last one
//! used is the default (both kept in the settings).

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
}
