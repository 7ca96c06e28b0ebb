//! Keeps the rebuild trigger of vidmsg's changes to whisper.cpp (`whisper-cpp/changes.cmake`)
//! in step with the file. Cargo reruns whisper-rs-sys's build script, which runs the file, only
//! when a variable it watches changes; `.cargo/config.toml` sets one of those to a define holding
//! the file's SHA-256, so a changed file that was not followed there would leave old builds
//! without it. This test fails until both agree.

use sha2::{Digest as _, Sha256};

#[test]
fn the_rebuild_trigger_names_the_changes_file_as_it_is() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let changes = std::fs::read(dir.join("whisper-cpp/changes.cmake")).expect("changes.cmake");
    let config =
        std::fs::read_to_string(dir.join("../../.cargo/config.toml")).expect(".cargo/config.toml");
    let digest = hex::encode(Sha256::digest(&changes));
    let wanted = format!("-DVIDMSG_WHISPER_CHANGES={}", &digest[..16]);
    assert!(
        config.contains(&wanted),
        "set BINDGEN_EXTRA_CLANG_ARGS in .cargo/config.toml to \"{wanted}\" (whisper-cpp/changes.cmake changed)"
    );
}
