//! Who a new recording is sent to: one space (`--to space:eng`) or people (`--to user:bob`,
//! repeatable). Owns parsing `--to` values, the one-space-or-people rule, the printed form, and
//! checking the names against the server (`GET /api/spaces`, `GET /api/users`) before anything
//! is recorded.

use serde::{Deserialize, Serialize};
use vidmsg_api::{Client, NewThread, Person, Space};

/// Where a new thread goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipients {
    /// A space, by name (without `#`).
    Space(String),
    /// People by name, besides the author.
    People(Vec<String>),
}

/// A `--to` list or a choice that cannot be sent to.
#[derive(Debug, thiserror::Error)]
pub enum RecipientsError {
    #[error("--to takes `space:NAME` or `user:NAME`, not `{0}`")]
    Malformed(String),
    #[error("a message goes to one space or to people, not both (`--to {0}`)")]
    Mixed(String),
    #[error("a message goes to one space, not two (`{0}` and `{1}`)")]
    TwoSpaces(String, String),
    #[error("no space named `{name}` that you can see (spaces: {known})")]
    UnknownSpace { name: String, known: String },
    #[error("you are not a member of the space `{0}`: join it first")]
    NotAMember(String),
    #[error("no person named `{0}` in this workspace")]
    UnknownPerson(String),
    #[error("could not read the server's {what}")]
    Server {
        what: &'static str,
        #[source]
        source: vidmsg_api::ClientError,
    },
}

impl Recipients {
    /// Parses repeated `--to` values; `None` when there are none.
    pub fn parse(values: &[String]) -> Result<Option<Self>, RecipientsError> {
        let mut out: Option<Recipients> = None;
        for v in values {
            let (kind, name) = v
                .split_once(':')
                .map(|(k, n)| (k.trim(), n.trim().trim_start_matches('#')))
                .filter(|(_, n)| !n.is_empty())
                .ok_or_else(|| RecipientsError::Malformed(v.clone()))?;
            out = Some(match (kind, out) {
                ("space", None) => Recipients::Space(name.to_string()),
                ("space", Some(Recipients::Space(first))) => {
                    return Err(RecipientsError::TwoSpaces(first, name.to_string()));
                }
                ("space", Some(Recipients::People(_))) | ("user", Some(Recipients::Space(_))) => {
                    return Err(RecipientsError::Mixed(v.clone()));
                }
                ("user", None) => Recipients::People(vec![name.to_string()]),
                ("user", Some(Recipients::People(mut p))) => {
                    if !p.iter().any(|x| x == name) {
                        p.push(name.to_string());
                    }
                    Recipients::People(p)
                }
                _ => return Err(RecipientsError::Malformed(v.clone())),
            });
        }
        Ok(out)
    }

    /// `space:eng` or `user:bob,user:carol` (the CLI's `"to"`).
    pub fn label(&self) -> String {
        match self {
            Recipients::Space(s) => format!("space:{s}"),
            Recipients::People(p) => p
                .iter()
                .map(|n| format!("user:{n}"))
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// `#eng` or `bob, carol`, for people to read.
    pub fn display(&self) -> String {
        match self {
            Recipients::Space(s) => format!("#{s}"),
            Recipients::People(p) => p.join(", "),
        }
    }

    /// Checks the names against the lists the server gives.
    pub fn check(
        &self,
        title: &str,
        spaces: &[Space],
        people: &[Person],
    ) -> Result<NewThread, RecipientsError> {
        match self {
            Recipients::Space(name) => {
                let space = spaces.iter().find(|s| s.name == *name).ok_or_else(|| {
                    RecipientsError::UnknownSpace {
                        name: name.clone(),
                        known: spaces
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                })?;
                if !space.joined {
                    return Err(RecipientsError::NotAMember(name.clone()));
                }
                Ok(NewThread {
                    title: title.to_string(),
                    space_id: Some(space.id),
                    people: vec![],
                })
            }
            Recipients::People(names) => {
                if let Some(missing) = names.iter().find(|n| !people.iter().any(|p| p.name == **n))
                {
                    return Err(RecipientsError::UnknownPerson(missing.clone()));
                }
                Ok(NewThread {
                    title: title.to_string(),
                    space_id: None,
                    people: names.clone(),
                })
            }
        }
    }

    /// Reads the server's lists and checks the names: the thread to create.
    pub async fn resolve(
        &self,
        client: &Client,
        title: &str,
    ) -> Result<NewThread, RecipientsError> {
        let spaces = match self {
            Recipients::Space(_) => {
                client
                    .list_spaces()
                    .await
                    .map_err(|source| RecipientsError::Server {
                        what: "spaces",
                        source,
                    })?
            }
            Recipients::People(_) => vec![],
        };
        let people = match self {
            Recipients::People(_) => {
                client
                    .list_users()
                    .await
                    .map_err(|source| RecipientsError::Server {
                        what: "people",
                        source,
                    })?
            }
            Recipients::Space(_) => vec![],
        };
        self.check(title, &spaces, &people)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(v: &[&str]) -> Result<Option<Recipients>, RecipientsError> {
        Recipients::parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn one_space_or_people() -> Result<(), RecipientsError> {
        assert_eq!(to(&[])?, None);
        assert_eq!(to(&["space:#eng"])?, Some(Recipients::Space("eng".into())));
        let people = to(&["user:bob", "user:carol", "user:bob"])?;
        assert_eq!(
            people.as_ref().map(Recipients::label).as_deref(),
            Some("user:bob,user:carol")
        );
        assert!(matches!(
            to(&["space:eng", "user:bob"]),
            Err(RecipientsError::Mixed(_))
        ));
        assert!(matches!(
            to(&["user:bob", "space:eng"]),
            Err(RecipientsError::Mixed(_))
        ));
        assert!(matches!(
            to(&["space:eng", "space:design"]),
            Err(RecipientsError::TwoSpaces(..))
        ));
        assert!(matches!(to(&["bob"]), Err(RecipientsError::Malformed(_))));
        assert!(matches!(
            to(&["team:x"]),
            Err(RecipientsError::Malformed(_))
        ));
        Ok(())
    }
}
