//! What every request handler shares.

use crate::db::Db;
use crate::storage::Store;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: Store,
    /// URL clients reach this server at (for links in responses).
    pub public_url: String,
}
