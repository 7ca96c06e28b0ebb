//! `model …` and `transcribe` commands.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context as _;

use crate::cli::{ModelCmd, TranscribeCmd};
use crate::config::Config;
use crate::transcribe::clip;
use crate::transcribe::decoder_process::DecoderSettings;
use vidmsg_transcribe::{convert, model, whisper::Engine};

pub async fn model(config: &Config, cmd: ModelCmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        ModelCmd::Install {
            model: what,
            source,
        } => {
            crate::data_dir::prepare(&config.data_dir)?;
            let path = model::install(&config.data_dir, &what, source).await?;
            writeln!(out, "{}", path.display())?;
        }
        ModelCmd::List => {
            if let Ok(dir) = std::fs::read_dir(model::models_dir(&config.data_dir)) {
                let mut names: Vec<_> = dir
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "bin"))
                    .collect();
                names.sort();
                for p in names {
                    let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                    writeln!(out, "{}\t{} MB", p.display(), size / 1_000_000)?;
                }
            }
        }
        ModelCmd::Convert {
            ct2_dir,
            out: dest,
            q8_0,
            q8_0_decoder,
        } => {
            let precision = if q8_0 {
                convert::Precision::Q8_0
            } else if q8_0_decoder {
                convert::Precision::Q8_0Decoder
            } else {
                convert::Precision::F16
            };
            let report = tokio::task::spawn_blocking(move || {
                convert::convert_dir(&ct2_dir, &dest, precision)
            })
            .await??;
            writeln!(out, "{report:?}")?;
        }
    }
    Ok(())
}

/// Peak resident memory of this process in KiB (Linux `VmHWM`).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub async fn transcribe(
    config: &Config,
    cmd: &TranscribeCmd,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let t = &config.transcription;
    let path = model::find_model(&config.data_dir, t.model.as_deref())
        .context("no whisper model: run `vidmsg-server model install` or pass --model")?;
    let model_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = cmd.input.clone();
    let (threads, spare) = (t.threads, t.spare_cores);
    // The operator's own file: WAV is fine here too (uploads never get this).
    let decoding = DecoderSettings {
        accept_wav: true,
        ..t.decoding.clone()
    };
    let (result, load_s, run_s, last_threads) = tokio::task::spawn_blocking(move || {
        let t0 = Instant::now();
        let engine = Engine::load(&path, threads)?;
        let engine = if spare {
            engine.with_spare_cores()
        } else {
            engine
        };
        let load_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let cancel = AtomicBool::new(false);
        let r = clip::transcribe(&engine, &input, &decoding, &mut |_, _| {}, &cancel)?;
        let last_threads = engine.running_threads();
        anyhow::Ok((r, load_s, t1.elapsed().as_secs_f64(), last_threads))
    })
    .await??;
    for s in &result.segments {
        writeln!(out, "{}", serde_json::to_string(s)?)?;
    }
    let audio_s = result.duration_ms.unwrap_or(0) as f64 / 1000.0;
    let summary = serde_json::json!({
        "summary": true,
        "model": model_name,
        "segments": result.segments.len(),
        "audio_s": audio_s,
        "load_s": load_s,
        "transcribe_s": run_s,
        "rtf": if audio_s > 0.0 { run_s / audio_s } else { 0.0 },
        "threads": threads,
        "last_piece_threads": last_threads,
        "peak_rss_kib": peak_rss_kib(),
        "note": result.note,
        "language": result.language,
    });
    writeln!(out, "{summary}")?;
    Ok(())
}
