//! What every request handler shares.

use crate::db::Db;
use crate::storage::Store;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: Store,
    /// URL clients reach this server at (for links in responses).
    pub public_url: String,
    /// Sizes, quota and recording length this server accepts.
    pub limits: crate::config::Limits,
    /// Who may invite and how long invites last.
    pub accounts: crate::config::AccountSettings,
    /// Failed sign-ins per address and open event streams per user.
    pub throttle: std::sync::Arc<crate::throttle::Throttle>,
    /// The time notifications are scheduled by.
    pub clock: crate::clock::Clock,
}
