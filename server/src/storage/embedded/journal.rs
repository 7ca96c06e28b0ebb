//! Makes the embedded store's `CompleteMultipartUpload` crash-safe.
//!
//! s3s-fs 0.14 assembles an upload by first deleting its upload id, then appending each part to a
//! temp file and deleting the part, then renaming the temp file into place. A crash (or a full
//! disk) in between lost the upload: no id, no parts, no object. Before delegating, every file of
//! the upload (its parts, its id file, its metadata) gets a hard link in `assembly/UPLOAD_ID/`,
//! so s3s-fs's deletions only drop a name. After the rename the new object is fsynced and the
//! links go; after a failure, or at the next start after a crash, the links are put back and the
//! upload is open again as it was. Links cost no space and no copying.

use std::io;
use std::path::{Path, PathBuf};

/// Name of the file in a journal folder that says where the object will land.
const TARGET: &str = "target";

/// The files of one upload in the store's root: parts, the id file, the metadata.
fn upload_files(root: &Path, upload_id: &str) -> io::Result<Vec<String>> {
    let part_prefix = format!(".upload_id-{upload_id}.part-");
    let id_file = format!(".upload-{upload_id}.json");
    let meta_suffix = format!(".upload-{upload_id}.metadata.json");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if name.starts_with(&part_prefix) || name == id_file || name.ends_with(&meta_suffix) {
            names.push(name);
        }
    }
    Ok(names)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Links every file of the upload into `journal/UPLOAD_ID/` and records the object's path.
pub fn protect(root: &Path, journal: &Path, upload_id: &str, object: &Path) -> io::Result<()> {
    let dir = journal.join(upload_id);
    std::fs::create_dir_all(&dir)?;
    for name in upload_files(root, upload_id)? {
        match std::fs::hard_link(root.join(&name), dir.join(&name)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    std::fs::write(dir.join(TARGET), object.as_os_str().as_encoded_bytes())?;
    sync_dir(&dir)
}

/// The object landed: make it durable, then drop the links.
pub fn commit(journal: &Path, upload_id: &str, object: &Path) -> io::Result<()> {
    std::fs::File::open(object)?.sync_all()?;
    if let Some(parent) = object.parent() {
        sync_dir(parent)?;
    }
    std::fs::remove_dir_all(journal.join(upload_id))
}

/// Puts every linked file back where s3s-fs keeps it, then drops the links: the upload is open
/// again with all its parts.
pub fn restore(root: &Path, journal: &Path, upload_id: &str) -> io::Result<()> {
    let dir = journal.join(upload_id);
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == TARGET {
            continue;
        }
        match std::fs::hard_link(entry.path(), root.join(&name)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    sync_dir(root)?;
    std::fs::remove_dir_all(&dir)
}

/// After a crash: each journal folder is either a finished assembly (the object exists: drop
/// what is left of the upload) or an unfinished one (restore the upload). Returns the upload ids
/// restored.
pub fn recover(root: &Path, journal: &Path) -> io::Result<Vec<String>> {
    let mut restored = Vec::new();
    let entries = match std::fs::read_dir(journal) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(restored),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let Some(upload_id) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let target = std::fs::read(entry.path().join(TARGET))
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(PathBuf::from);
        if target.as_deref().is_some_and(Path::exists) {
            for name in upload_files(root, &upload_id)? {
                let _ = std::fs::remove_file(root.join(name));
            }
            std::fs::remove_dir_all(entry.path())?;
        } else {
            restore(root, journal, &upload_id)?;
            restored.push(upload_id);
        }
    }
    Ok(restored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("objects");
        let journal = t.path().join("assembly");
        std::fs::create_dir_all(&root).unwrap();
        for n in 1..=3 {
            std::fs::write(root.join(format!(".upload_id-u1.part-{n}")), [n as u8; 10]).unwrap();
        }
        std::fs::write(root.join(".upload-u1.json"), "\"ak\"").unwrap();
        std::fs::write(
            root.join(".bucket-Yg.object-aw.upload-u1.metadata.json"),
            "{}",
        )
        .unwrap();
        std::fs::write(root.join(".upload_id-u2.part-1"), "other").unwrap();
        (t, root, journal)
    }

    #[test]
    fn a_crash_mid_assembly_restores_every_part() {
        let (_t, root, journal) = setup();
        let object = root.join("b/k");
        protect(&root, &journal, "u1", &object).unwrap();
        // What s3s-fs does before it dies: drop the id and two parts.
        std::fs::remove_file(root.join(".upload-u1.json")).unwrap();
        std::fs::remove_file(root.join(".upload_id-u1.part-1")).unwrap();
        std::fs::remove_file(root.join(".upload_id-u1.part-2")).unwrap();
        assert_eq!(recover(&root, &journal).unwrap(), vec!["u1".to_string()]);
        let mut names = upload_files(&root, "u1").unwrap();
        names.sort();
        assert_eq!(names.len(), 5, "{names:?}");
        assert_eq!(
            std::fs::read(root.join(".upload_id-u1.part-2")).unwrap(),
            [2u8; 10]
        );
        assert!(!journal.join("u1").exists());
    }

    #[test]
    fn a_finished_assembly_drops_the_links() {
        let (_t, root, journal) = setup();
        let object = root.join("b/k");
        protect(&root, &journal, "u1", &object).unwrap();
        std::fs::create_dir_all(object.parent().unwrap()).unwrap();
        std::fs::write(&object, "assembled").unwrap();
        assert!(recover(&root, &journal).unwrap().is_empty());
        assert!(upload_files(&root, "u1").unwrap().is_empty());
        assert!(
            root.join(".upload_id-u2.part-1").exists(),
            "other uploads stay"
        );
    }
}
