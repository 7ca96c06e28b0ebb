//! Rebuilds the server when a migration changes: `sqlx::migrate!` embeds the SQL files, and
//! cargo does not watch them on its own.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
