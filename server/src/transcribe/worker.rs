//! The transcription worker: claims jobs from the database with a lease, keeps the lease alive
//! with a heartbeat while whisper runs, writes the transcript and captions, and marks the message
//! `ready` — exactly once, even when a worker dies mid-job and another takes over. Before
//! transcribing it has the clip's poster image made ([`super::poster`]). Runs inside `serve`
//! by default, or alone as `vidmsg-server worker`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::clip::{self, ClipError};
use super::decoder_process::DecoderSettings;
use super::{captions_key, vtt};
use crate::db::{Db, JobRow, now_ms};
use crate::storage::{StorageError, Store};
use vidmsg_transcribe::model;
use vidmsg_transcribe::whisper::Engine;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub data_dir: PathBuf,
    /// A model file; otherwise the installed one in the data dir.
    pub model: Option<PathBuf>,
    pub threads: usize,
    /// Idle cores join a piece's `threads` (see `vidmsg_transcribe::spare_cores`).
    pub spare_cores: bool,
    pub lease: Duration,
    pub poll: Duration,
    pub max_attempts: i64,
    /// The decoder child: its program and its time and memory limits.
    pub decoding: DecoderSettings,
    /// Unique name of this worker (host, process, random).
    pub id: String,
}

impl WorkerSettings {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            model: None,
            threads: crate::config::default_threads(),
            spare_cores: true,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            max_attempts: 5,
            decoding: DecoderSettings::default(),
            id: worker_id(),
        }
    }
}

fn worker_id() -> String {
    use rand::RngCore;
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::rng().next_u32()
    )
}

/// A running worker; `stop` lets the current job end at its next piece boundary.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Asks the worker to stop without waiting.
    pub fn signal_stop(&self) {
        let _ = self.stop.send(true);
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

pub fn spawn(db: Db, store: Store, settings: WorkerSettings) -> WorkerHandle {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(run(db, store, settings, rx));
    WorkerHandle { stop: tx, task }
}

/// Waiting for a model: what the API shows on waiting messages.
fn no_model_reason() -> String {
    "waiting for a transcription model: run `vidmsg-server model install` (tiny.en, its decoder in Q8_0)".to_string()
}

async fn run(db: Db, store: Store, s: WorkerSettings, mut stop: watch::Receiver<bool>) {
    let mut engine: Option<Arc<Engine>> = None;
    let mut told_no_model = false;
    tracing::info!(worker = %s.id, "transcription worker started");
    while !*stop.borrow() {
        if engine.is_none() {
            match model::find_model(&s.data_dir, s.model.as_deref()) {
                Some(path) => {
                    let (threads, spare) = (s.threads, s.spare_cores);
                    let loaded = tokio::task::spawn_blocking(move || {
                        Engine::load(&path, threads)
                            .map(|e| if spare { e.with_spare_cores() } else { e })
                    })
                    .await;
                    match loaded {
                        Ok(Ok(e)) => {
                            tracing::info!(model = %e.path().display(), threads = e.threads(), spare_cores = spare, "whisper model loaded");
                            let _ = db.note_waiting(None).await;
                            engine = Some(Arc::new(e));
                        }
                        Ok(Err(e)) => tracing::error!(error = %e, "cannot load the whisper model"),
                        Err(e) => tracing::error!(error = %e, "model loader panicked"),
                    }
                }
                None => {
                    if !told_no_model {
                        tracing::warn!("{}", no_model_reason());
                        told_no_model = true;
                    }
                    // Messages wait in `processing`; say why, and look for a model again soon.
                    let _ = db.note_waiting(Some(&no_model_reason())).await;
                }
            }
        }
        let Some(eng) = engine.clone() else {
            let _ = tokio::time::timeout(Duration::from_secs(2), stop.changed()).await;
            continue;
        };
        match db
            .claim_job(&s.id, now_ms(), lease_ms(&s), s.max_attempts)
            .await
        {
            Ok(Some(job)) => process(&db, &store, &s, eng, job).await,
            Ok(None) => {
                let _ = tokio::time::timeout(s.poll, stop.changed()).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming a job failed");
                let _ = tokio::time::timeout(Duration::from_secs(2), stop.changed()).await;
            }
        }
    }
    tracing::info!(worker = %s.id, "transcription worker stopped");
}

fn lease_ms(s: &WorkerSettings) -> i64 {
    i64::try_from(s.lease.as_millis()).unwrap_or(i64::MAX)
}

/// Backoff before attempt `n+1`: 5 s, 10 s, 20 s … capped at 10 min.
fn backoff_ms(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    (5_000i64 << exp).min(600_000)
}

async fn process(db: &Db, store: &Store, s: &WorkerSettings, engine: Arc<Engine>, job: JobRow) {
    let started = std::time::Instant::now();
    tracing::info!(
        job = job.id,
        message = job.message_id,
        attempt = job.attempts,
        "transcribing"
    );
    let outcome = attempt(db, store, s, engine, &job).await;
    let now = now_ms();
    let result = match outcome {
        Ok(segments) => {
            tracing::info!(
                job = job.id,
                message = job.message_id,
                segments,
                secs = started.elapsed().as_secs_f32(),
                "transcribed"
            );
            return;
        }
        Err(AttemptError::LostLease) => {
            tracing::warn!(
                job = job.id,
                "lost the lease; another worker owns the job now"
            );
            return;
        }
        Err(AttemptError::Outage(e)) => {
            // Not the clip's fault: it waits for the store however long the outage lasts, and
            // never fails for good because of it.
            let retry = backoff_ms(job.attempts).min(OUTAGE_RETRY_MS);
            tracing::warn!(job = job.id, error = %e, retry_ms = retry, "the video store is unreachable; will retry");
            db.fail_job(&job, &s.id, &e, Some(now + retry), now).await
        }
        Err(AttemptError::Transient(e) | AttemptError::Crashed(e))
            if job.attempts < s.max_attempts =>
        {
            tracing::warn!(job = job.id, error = %e, "attempt failed; will retry");
            db.fail_job(&job, &s.id, &e, Some(now + backoff_ms(job.attempts)), now)
                .await
        }
        Err(AttemptError::Crashed(e)) => {
            let e = crashed_for_good(job.attempts, &e);
            tracing::warn!(job = job.id, error = %e, "transcription failed");
            db.fail_job(&job, &s.id, &e, None, now).await
        }
        Err(AttemptError::Transient(e) | AttemptError::Permanent(e)) => {
            tracing::warn!(job = job.id, error = %e, "transcription failed");
            db.fail_job(&job, &s.id, &e, None, now).await
        }
    };
    if let Err(e) = result {
        tracing::error!(job = job.id, error = %e, "could not record the failure");
    }
}

/// Longest wait between attempts while the video store is unreachable.
const OUTAGE_RETRY_MS: i64 = 15_000;

enum AttemptError {
    /// The video store could not be reached: retried until it is back, never counted against
    /// the clip.
    Outage(String),
    Transient(String),
    Permanent(String),
    /// The decoder crashed, hung or ran too long: retried, and after the last attempt the
    /// clip is taken for damaged.
    Crashed(String),
    LostLease,
}

/// The reason of a job whose last attempt crashed or hung the decoder.
fn crashed_for_good(attempts: i64, last: &str) -> String {
    let times = if attempts == 1 {
        "once".to_string()
    } else {
        format!("{attempts} times")
    };
    format!("decoding crashed or hung {times}; the clip is probably damaged (last time: {last})")
}

/// Whether the clip's object is there, checked with a HEAD through the store's SDK: a store
/// that cannot be reached is a reason to try again later, a missing object is not.
async fn check_object(store: &Store, key: &str) -> Result<(), AttemptError> {
    match store.size(key).await {
        Ok(_) => Ok(()),
        Err(StorageError::Unavailable(detail)) => {
            tracing::warn!(%key, %detail, "object storage unreachable");
            Err(AttemptError::Outage(
                "the video store cannot be reached right now; transcription will be tried again"
                    .into(),
            ))
        }
        Err(e @ StorageError::Rejected { .. })
            if matches!(e.code(), Some("NoSuchKey" | "NotFound" | "404")) =>
        {
            Err(AttemptError::Permanent(
                "the video is gone from storage, so it cannot be transcribed".into(),
            ))
        }
        Err(e) => {
            tracing::warn!(%key, error = %e, "object storage refused a HEAD");
            Err(AttemptError::Transient(
                "the video store refused to show the video; transcription will be tried again"
                    .into(),
            ))
        }
    }
}

async fn attempt(
    db: &Db,
    store: &Store,
    s: &WorkerSettings,
    engine: Arc<Engine>,
    job: &JobRow,
) -> Result<usize, AttemptError> {
    let msg = db
        .message(job.message_id)
        .await
        .map_err(|e| AttemptError::Transient(e.to_string()))?
        .ok_or_else(|| AttemptError::Permanent("the message is gone".into()))?;
    let key = msg
        .object_key
        .clone()
        .ok_or_else(|| AttemptError::Permanent("the message has no video".into()))?;
    check_object(store, &key).await?;
    let url = store
        .presign_get(&key)
        .await
        .map_err(|e| AttemptError::Transient(e.to_string()))?;

    // Heartbeat: keep the lease while whisper works; if it is lost, stop at the next piece.
    let cancel = Arc::new(AtomicBool::new(false));
    let (hb_stop_tx, mut hb_stop) = watch::channel(false);
    let heartbeat = {
        let (db, cancel, worker, lease, id) =
            (db.clone(), cancel.clone(), s.id.clone(), s.lease, job.id);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(lease / 3) => {}
                    _ = hb_stop.changed() => return,
                }
                let until = now_ms() + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
                match db.heartbeat_job(id, &worker, until).await {
                    Ok(true) => {}
                    Ok(false) => {
                        cancel.store(true, Ordering::SeqCst);
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
                }
            }
        })
    };
    // Progress: the blocking thread reports, this side writes at most once per percent.
    let (ptx, mut prx) = tokio::sync::mpsc::unbounded_channel::<u8>();
    let progress_writer = {
        let (db, message) = (db.clone(), job.message_id);
        tokio::spawn(async move {
            while let Some(p) = prx.recv().await {
                let _ = db.set_progress(message, p).await;
            }
        })
    };
    // The poster first (a few seconds; the heartbeat keeps the lease); never fails the job.
    super::poster::make_and_store(db, store, &s.decoding, &msg, &key, &url).await;
    let known_duration = msg.duration_ms.and_then(|d| u64::try_from(d).ok());
    let cancel2 = cancel.clone();
    let decoding = s.decoding.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut last = 0u8;
        let mut on_progress = |done_ms: u64, total: Option<u64>| {
            if let Some(total) = total.or(known_duration).filter(|t| *t > 0) {
                let p = u8::try_from((done_ms * 100 / total).min(99)).unwrap_or(99);
                if p > last {
                    last = p;
                    let _ = ptx.send(p);
                }
            }
        };
        clip::transcribe(&engine, &url, &decoding, &mut on_progress, &cancel2)
    })
    .await;
    let _ = hb_stop_tx.send(true);
    let _ = heartbeat.await;
    let _ = progress_writer.await;

    let transcript = match result {
        Ok(Ok(t)) => t,
        Ok(Err(ClipError::Cancelled)) => return Err(AttemptError::LostLease),
        Ok(Err(e)) => {
            tracing::warn!(job = job.id, message = job.message_id, detail = %e.detail(), "decoding or transcribing failed");
            // A store that went away mid-clip makes any decoding error a reason to retry.
            check_object(store, &key).await?;
            return Err(if e.is_crash_or_hang() {
                AttemptError::Crashed(e.to_string())
            } else if e.is_transient() {
                AttemptError::Transient(e.to_string())
            } else {
                AttemptError::Permanent(e.to_string())
            });
        }
        Err(e) => {
            return Err(AttemptError::Transient(format!(
                "the transcription thread failed: {e}"
            )));
        }
    };
    let captions = vtt::render(&transcript.segments);
    store
        .put(
            &captions_key(&key),
            captions.into_bytes(),
            "text/vtt; charset=utf-8",
        )
        .await
        .map_err(|e| AttemptError::Transient(e.to_string()))?;
    let n = transcript.segments.len();
    // The suggested title and chapters, stored before the message turns `ready` so whoever sees
    // it ready sees them too; they never fail the job.
    if let Err(e) = super::summary::store(db, job.message_id, &transcript.segments).await {
        tracing::warn!(job = job.id, error = %e, "storing the title and chapters failed");
    }
    match db.finish_job(job, &s.id, &transcript, now_ms()).await {
        Ok(true) => Ok(n),
        Ok(false) => Err(AttemptError::LostLease),
        Err(e) => Err(AttemptError::Transient(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(super::backoff_ms(1), 5_000);
        assert_eq!(super::backoff_ms(2), 10_000);
        assert_eq!(super::backoff_ms(3), 20_000);
        assert_eq!(super::backoff_ms(50), 600_000);
    }
}
