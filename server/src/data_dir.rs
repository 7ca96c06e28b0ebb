//! The data dir is private: it holds the database (token hashes, transcripts), the embedded
//! store's keys and every video. Commands that write there first make the process create files
//! `0600` and folders `0700` (umask `077`, which also covers what SQLite, s3s-fs and pip create),
//! then make the data dir itself `0700` even if it already existed.

use std::path::Path;

use anyhow::Context as _;

/// Creates `dir` if missing, makes it `0700`, and sets the process umask to `077`.
pub fn prepare(dir: &Path) -> anyhow::Result<()> {
    private_umask();
    std::fs::create_dir_all(dir).with_context(|| format!("creating data dir {}", dir.display()))?;
    make_private(dir)
}

/// From now on, files this process creates are `0600` and folders `0700`.
pub fn private_umask() {
    #[cfg(unix)]
    {
        let _ = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

#[cfg(unix)]
fn make_private(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("making data dir {} private (chmod 700)", dir.display()))
}

#[cfg(not(unix))]
fn make_private(_dir: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn an_existing_open_data_dir_becomes_private_and_new_files_too() -> anyhow::Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        prepare(&dir)?;
        assert_eq!(std::fs::metadata(&dir)?.permissions().mode() & 0o777, 0o700);
        std::fs::write(dir.join("f"), b"x")?;
        std::fs::create_dir(dir.join("sub"))?;
        assert_eq!(
            std::fs::metadata(dir.join("f"))?.permissions().mode() & 0o077,
            0
        );
        assert_eq!(
            std::fs::metadata(dir.join("sub"))?.permissions().mode() & 0o077,
            0
        );
        Ok(())
    }
}
