//! Sharing a thread by link: "anyone with the link" may watch and read it (never post), with an
//! optional password and expiry (`GET/PUT /api/threads/{id}/link`).

use serde::{Deserialize, Serialize};

/// `PUT /api/threads/{id}/link`. Only the thread's creator or an admin may.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetThreadLink {
    /// `false` revokes the link at once (every copy of it stops working).
    pub enabled: bool,
    /// Asked of anyone who opens the link (at least 8 characters); `null`/absent: none.
    #[serde(default)]
    pub password: Option<String>,
    /// When the link stops working (ms since the epoch); `null`/absent: never.
    #[serde(default, alias = "expires_at_ms")]
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for SetThreadLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetThreadLink")
            .field("enabled", &self.enabled)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A thread's link, as its viewers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadLink {
    pub enabled: bool,
    /// The secret part of every shared URL of the thread (`?k=…`); a new one each time the link
    /// is enabled or its password changes, so a revoked link never works again.
    pub key: Option<String>,
    /// The shared URL of the thread's first message (`{public_url}/v/{id}?k=…`), when it has one.
    pub url: Option<String>,
    pub has_password: bool,
    pub expires_at: Option<i64>,
    /// The link is enabled but its expiry has passed.
    pub expired: bool,
}
