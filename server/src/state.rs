//! What every request handler shares.

use crate::db::Db;
use crate::storage::Store;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: Store,
}
