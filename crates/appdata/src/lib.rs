//! Where the vidmsg apps keep their settings, and how they read and write them: JSON files under
//! `$XDG_CONFIG_HOME/vidmsg/` (else `~/.config/vidmsg/`), overridable per app by an environment
//! variable. A missing file means defaults; a broken one is an error, so it is never silently
//! replaced. Files are written atomically (temp file + rename) and readable by their owner only,
//! since they hold API tokens. Must not depend on egui, the network, GStreamer, the server or
//! the apps.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum AppDataError {
    #[error("{path} is not valid settings: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("encoding settings: {0}")]
    Encode(#[from] serde_json::Error),
}

/// `$ENV_VAR` if set, else `$XDG_CONFIG_HOME/vidmsg/FILE`, else `~/.config/vidmsg/FILE`.
pub fn config_path(file: &str, env_var: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env_var).filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vidmsg")
        .join(file)
}

/// Reads `path`; a missing file gives `T::default()`.
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> Result<T, AppDataError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|source| AppDataError::Parse {
            path: path.to_path_buf(),
            source,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(source) => Err(AppDataError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `value` to `path` atomically, mode 0600 on Unix.
pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), AppDataError> {
    let io = |source| AppDataError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(value)?;
    {
        use std::io::Write as _;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&tmp)
            .and_then(|mut f| f.write_all(&bytes))
            .map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(default)]
    struct S {
        a: String,
        b: u32,
    }

    #[test]
    fn round_trip_defaults_and_broken_files() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("vidmsg-appdata-{}", std::process::id()));
        let path = dir.join("x.json");
        assert_eq!(super::load::<S>(&path)?, S::default());
        let s = S {
            a: "t".into(),
            b: 3,
        };
        super::save(&path, &s)?;
        assert_eq!(super::load::<S>(&path)?, s);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(
                std::fs::metadata(&path)?.permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, "{")?;
        assert!(super::load::<S>(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }
}
